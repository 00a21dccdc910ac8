using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fixtures;

namespace CosineParity.Oracle.Live;

/// <summary>
/// Reads the server's lines strictly: the hello, and answers as <c>case.answer_to_json</c> and <c>serve.respond</c>
/// write them. JSON as the fixture reader demands it (<see cref="StrictJson"/>), only the keys the server writes, every
/// tensor inline and whole, exact values and bounds float64 of their number's shape, bounds never negative or NaN
/// (the fixtures' rule), gradients floating-point. Anything else is garbage: a problem, never an exception.
/// </summary>
internal static class WireAnswerReader
{
    private static readonly string[] Kinds = ["value", "error", "config"];
    private static readonly string[] HelloKeys = ["hello", "profiles", "provenance"];

    /// <summary>Reads an answer line (a trailing <c>\n</c> is allowed).</summary>
    public static bool TryRead(ReadOnlyMemory<byte> line, [NotNullWhen(true)] out LiveAnswer? answer, [NotNullWhen(false)] out string? problem)
    {
        answer = null;
        try
        {
            using JsonDocument document = StrictJson.Parse(line, "answer", "the answer");
            answer = Read(document.RootElement);
            problem = null;
            return true;
        }
        catch (FixtureFormatException e)
        {
            problem = e.Problem;
            return false;
        }
        catch (WireProblem e)
        {
            problem = e.Message;
            return false;
        }
        catch (ArgumentException e)
        {
            // The model's own checks (a reference of the wrong shape, ...): also garbage.
            problem = e.Message;
            return false;
        }
    }

    /// <summary>Reads the hello line.</summary>
    public static bool TryReadHello(ReadOnlyMemory<byte> line, [NotNullWhen(true)] out LiveHello? hello, [NotNullWhen(false)] out string? problem)
    {
        hello = null;
        try
        {
            using JsonDocument document = StrictJson.Parse(line, "hello", "the hello line");
            JsonElement root = document.RootElement;
            Require(root.ValueKind == JsonValueKind.Object, "the hello line is not a JSON object");
            string[] keys = root.EnumerateObject().Select(p => p.Name).ToArray();
            Require(keys.Order(StringComparer.Ordinal).SequenceEqual(HelloKeys, StringComparer.Ordinal),
                $"the hello line has keys {string.Join(", ", keys)}, not hello, profiles and provenance");
            JsonElement format = root.GetProperty("hello");
            Require(format.ValueKind == JsonValueKind.String && format.GetString() == LiveHello.ExpectedFormat,
                $"the server speaks {format.GetRawText()}, not \"{LiveHello.ExpectedFormat}\"");
            JsonElement profiles = root.GetProperty("profiles");
            Require(profiles.ValueKind == JsonValueKind.Array && profiles.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String),
                "the hello's profiles is not a list of strings");
            JsonElement provenance = root.GetProperty("provenance");
            Require(provenance.ValueKind == JsonValueKind.Object, "the hello's provenance is not an object");
            hello = new LiveHello(format.GetString()!, profiles.EnumerateArray().Select(p => p.GetString()!).ToArray().AsReadOnly(),
                JsonNodes.ToObject(provenance));
            problem = null;
            return true;
        }
        catch (FixtureFormatException e)
        {
            problem = e.Problem;
            return false;
        }
        catch (WireProblem e)
        {
            problem = e.Message;
            return false;
        }
    }

    private static LiveAnswer Read(JsonElement root)
    {
        Require(root.ValueKind == JsonValueKind.Object, $"the answer is {Kind(root)}, not a JSON object");
        foreach (JsonProperty field in root.EnumerateObject())
        {
            Require(field.Name is "id" or "expected" or "gradients" or "steps" or "protocol_error",
                $"unknown answer key '{field.Name}' (an answer has id and expected, gradients, steps, or protocol_error)");
        }

        Require(root.TryGetProperty("id", out JsonElement idElement), "the answer has no id");
        JsonValue? id = idElement.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => JsonValue.Create(idElement.GetString()!),
            JsonValueKind.Number when JsonNumbers.IsIntegerLiteral(idElement.GetRawText()) => JsonValue.Create(idElement.Clone()),
            _ => throw new WireProblem($"the answer's id {idElement.GetRawText()} is neither a string, an integer nor null"),
        };

        if (root.TryGetProperty("protocol_error", out JsonElement protocolError))
        {
            Require(protocolError.ValueKind == JsonValueKind.String, "protocol_error is not a string");
            Require(root.EnumerateObject().Count() == 2, "a protocol_error answer has only id and protocol_error");
            return new LiveAnswer(id, protocolError.GetString()!, null, ReadOnlyDictionary<string, TensorData>.Empty, null);
        }

        Require(root.TryGetProperty("expected", out JsonElement expectedElement) && expectedElement.ValueKind == JsonValueKind.Object,
            "the answer has neither an expected object nor a protocol_error");
        (CaseExpected expected, JsonElement? expectedGradients) = ReadExpected(expectedElement);
        ReadOnlyDictionary<string, TensorData> gradients = ReadGradients(root, expected);
        if (expectedGradients is { } references)
        {
            expected = CaseExpected.FromValue(expected.Value!, ReadExpectedGradients(references, gradients));
        }

        return new LiveAnswer(id, null, expected, gradients, ReadSteps(root, expected));
    }

    private static (CaseExpected Expected, JsonElement? Gradients) ReadExpected(JsonElement element)
    {
        foreach (JsonProperty field in element.EnumerateObject())
        {
            Require(field.Name is "value" or "exact" or "bound" or "gradients" or "error" or "config",
                $"expected.{field.Name}: unknown key (expected has value, exact, bound, gradients, error or config)");
        }

        int kinds = Kinds.Count(k => element.TryGetProperty(k, out _));
        Require(kinds == 1, $"expected holds {kinds} of value, error and config; it must hold exactly one");
        if (element.TryGetProperty("error", out JsonElement error))
        {
            Require(element.EnumerateObject().Count() == 1, "expected.error comes alone");
            Require(error.ValueKind == JsonValueKind.Object && error.EnumerateObject().Count() == 2
                && error.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String
                && error.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String,
                "expected.error is {\"type\": <string>, \"message\": <string>}");
            return (CaseExpected.FromError(new CaseError(error.GetProperty("type").GetString()!, error.GetProperty("message").GetString()!)), null);
        }

        if (element.TryGetProperty("config", out JsonElement config))
        {
            Require(element.EnumerateObject().Count() == 1, "expected.config comes alone");
            Require(config.ValueKind == JsonValueKind.Object, "expected.config is not an object");
            return (CaseExpected.FromConfig(JsonNodes.ToObject(config)), null);
        }

        JsonElement? gradients = element.TryGetProperty("gradients", out JsonElement g) ? g : null;
        return (CaseExpected.FromValue(ReadNumber(element, "expected")), gradients);
    }

    /// <summary>A value with, when present, its exact value and bound (both or neither).</summary>
    private static ExpectedNumber ReadNumber(JsonElement holder, string where)
    {
        TensorData value = Tensor(holder.GetProperty("value"), $"{where}.value");
        (TensorData? exact, TensorData? bound) = ReadReference(holder, where, value, "the value");
        return new ExpectedNumber(value, exact, bound);
    }

    private static (TensorData? Exact, TensorData? Bound) ReadReference(JsonElement holder, string where, TensorData of, string ofWhat)
    {
        bool hasExact = holder.TryGetProperty("exact", out JsonElement exactElement);
        bool hasBound = holder.TryGetProperty("bound", out JsonElement boundElement);
        Require(hasExact == hasBound, $"{where} has {(hasExact ? "exact" : "bound")} without {(hasExact ? "bound" : "exact")}");
        if (!hasExact)
        {
            return (null, null);
        }

        TensorData exact = Reference(exactElement, $"{where}.exact", of, ofWhat);
        TensorData bound = Reference(boundElement, $"{where}.bound", of, ofWhat);
        ReadOnlySpan<double> bounds = bound.AsSpan<double>();
        for (int i = 0; i < bounds.Length; i++)
        {
            Require(bounds[i] >= 0, string.Create(CultureInfo.InvariantCulture,
                $"{where}.bound element {i} is {bounds[i]:R}; a bound is >= 0 (or +inf), never negative or NaN"));
        }

        return (exact, bound);
    }

    private static TensorData Reference(JsonElement element, string where, TensorData of, string ofWhat)
    {
        TensorData reference = Tensor(element, where);
        Require(reference.DType == TensorDType.Float64, $"{where} is {reference.DType.CaseName()}, must be float64");
        Require(reference.Shape.SequenceEqual(of.Shape),
            $"{where} has shape {TensorData.FormatShape(reference.Shape)} but {ofWhat} has {TensorData.FormatShape(of.Shape)}");
        return reference;
    }

    private static ReadOnlyDictionary<string, TensorData> ReadGradients(JsonElement root, CaseExpected expected)
    {
        if (!root.TryGetProperty("gradients", out JsonElement element))
        {
            return ReadOnlyDictionary<string, TensorData>.Empty;
        }

        Require(expected.Value is not null, "gradients belong to an expected value");
        Require(element.ValueKind == JsonValueKind.Object && element.EnumerateObject().Any(), "gradients is not a non-empty object");
        var gradients = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (JsonProperty gradient in element.EnumerateObject())
        {
            TensorData tensor = Tensor(gradient.Value, $"gradients.{gradient.Name}");
            Require(tensor.DType.IsFloatingPoint(), $"gradients.{gradient.Name} is {tensor}: a gradient is floating-point");
            gradients.Add(gradient.Name, tensor);
        }

        return gradients.AsReadOnly();
    }

    private static ReadOnlyDictionary<string, ExpectedGradient> ReadExpectedGradients(JsonElement element, ReadOnlyDictionary<string, TensorData> gradients)
    {
        Require(element.ValueKind == JsonValueKind.Object, "expected.gradients is not an object");
        var result = new Dictionary<string, ExpectedGradient>(StringComparer.Ordinal);
        foreach (JsonProperty entry in element.EnumerateObject())
        {
            string at = $"expected.gradients.{entry.Name}";
            Require(gradients.TryGetValue(entry.Name, out TensorData? gradient), $"{at} has no gradients.{entry.Name} to belong to");
            Require(entry.Value.ValueKind == JsonValueKind.Object && entry.Value.EnumerateObject().Count() == 2
                && entry.Value.TryGetProperty("exact", out _) && entry.Value.TryGetProperty("bound", out _),
                $"{at} is {{\"exact\": <tensor>, \"bound\": <tensor>}}");
            (TensorData? exact, TensorData? bound) = ReadReference(entry.Value, at, gradient, $"gradients.{entry.Name}");
            result.Add(entry.Name, new ExpectedGradient(exact!, bound!));
        }

        return result.AsReadOnly();
    }

    private static ReadOnlyCollection<ExpectedNumber?>? ReadSteps(JsonElement root, CaseExpected expected)
    {
        if (!root.TryGetProperty("steps", out JsonElement element))
        {
            return null;
        }

        Require(expected.Value is not null, "steps belong to an expected value (a failing metric has none)");
        Require(element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > 0, "steps is not a non-empty list");
        var steps = new List<ExpectedNumber?>();
        foreach (JsonElement step in element.EnumerateArray())
        {
            string where = string.Create(CultureInfo.InvariantCulture, $"steps[{steps.Count}]");
            Require(step.ValueKind == JsonValueKind.Object, $"{where} is not an object");
            if (step.TryGetProperty("reset", out JsonElement reset))
            {
                Require(reset.ValueKind == JsonValueKind.True && step.EnumerateObject().Count() == 1, $"{where}: a reset step is exactly {{\"reset\": true}}");
                steps.Add(null);
                continue;
            }

            foreach (JsonProperty field in step.EnumerateObject())
            {
                Require(field.Name is "value" or "exact" or "bound", $"{where}.{field.Name}: unknown key (a step answer has value, exact, bound)");
            }

            Require(step.TryGetProperty("value", out _), $"{where} has no value");
            steps.Add(ReadNumber(step, where));
        }

        return steps.AsReadOnly();
    }

    private static TensorData Tensor(JsonElement element, string where) =>
        WireTensors.TryRead(element, out TensorData? tensor, out string? problem) ? tensor : throw new WireProblem($"{where}: {problem}");

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    private static void Require([DoesNotReturnIf(false)] bool condition, string problem)
    {
        if (!condition)
        {
            throw new WireProblem(problem);
        }
    }
}

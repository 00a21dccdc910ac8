using System;
using System.Buffers;
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
/// Reads a request line into a question as the server does (<c>serve.answer_request</c> and
/// <c>case.question_from_json</c>), with its messages, so a line this reader refuses is one the server answers with a
/// <c>protocol_error</c>. It is stricter where the model cannot carry what the server lets through: JSON as the
/// fixture reader demands it (<see cref="StrictJson"/>: no repeated keys, no NaN), <c>args</c> that
/// <see cref="CaseArgs"/> reads, a string <c>group</c>, finite scalars, and nothing the server would silently ignore
/// (extra keys in a step, <c>steps</c> on an api other than metric), since re-encoding would drop it.
/// </summary>
internal static class WireRequestReader
{
    private static readonly SearchValues<byte> PythonWhitespace = SearchValues.Create(" \t\n\r\v\f"u8);

    /// <summary>The keys a request may have, sorted as the server lists them.</summary>
    public static IReadOnlyList<string> RequestKeys { get; } =
        ["api", "args", "dtype", "group", "id", "inputs", "profile", "steps", "tags", "want"];

    private static readonly string[] InputNames = ["y_true", "y_pred", "sample_weight", "per_example_loss", "mask"];
    private static readonly string[] StepInputs = ["y_true", "y_pred"];

    /// <summary>Whether a line holds only what Python's <c>bytes.strip()</c> removes (the server skips such lines).</summary>
    public static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(PythonWhitespace) < 0;

    /// <summary>Reads a request line (a trailing <c>\n</c> is allowed).</summary>
    public static bool TryRead(ReadOnlyMemory<byte> line, [NotNullWhen(true)] out LiveRequest? request, [NotNullWhen(false)] out string? problem)
    {
        request = null;
        if (IsBlank(line.Span))
        {
            problem = "a blank line is no request: the server ignores it and never answers";
            return false;
        }

        JsonDocument document;
        try
        {
            document = StrictJson.Parse(line, "request", "the request");
        }
        catch (FixtureFormatException e)
        {
            problem = e.Problem;
            return false;
        }

        using (document)
        {
            try
            {
                request = Read(document.RootElement);
                problem = null;
                return true;
            }
            catch (WireProblem e)
            {
                problem = e.Message;
                return false;
            }
        }
    }

    /// <summary>The id of a raw line as the server reads it (<c>serve.request_id</c> keeps strings and integers, and
    /// a case may also carry a boolean), or null.</summary>
    public static JsonValue? IdOfRawLine(ReadOnlySpan<byte> line)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line.ToArray());
            JsonValue? id = null;
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                // Python keeps the last of a repeated key.
                foreach (JsonProperty property in document.RootElement.EnumerateObject().Where(p => p.Name == "id"))
                {
                    id = IdValue(property.Value);
                }
            }

            return id;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static LiveRequest Read(JsonElement root)
    {
        Require(root.ValueKind == JsonValueKind.Object, $"a request is a JSON object, got {PyRepr.TypeName(root)}");
        string[] unknown = root.EnumerateObject().Select(p => p.Name).Where(k => !RequestKeys.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        Require(unknown.Length == 0, $"unknown request keys {PyRepr.List(unknown)}; expected some of {PyRepr.List(RequestKeys)}");
        string dtype = ReadDType(root);
        string profile = root.TryGetProperty("profile", out JsonElement p) && p.ValueKind == JsonValueKind.String && Profiles.IsKnown(p.GetString())
            ? p.GetString()!
            : throw new WireProblem($"unknown profile {PyRepr.OfOptional(root, "profile")}; expected one of {PyRepr.List(Profiles.All)}");
        LiveWants want = ReadWant(root);

        // question_from_json, in its order.
        string api = root.TryGetProperty("api", out JsonElement a) && a.ValueKind == JsonValueKind.String && Apis.IsKnown(a.GetString())
            ? a.GetString()!
            : throw new WireProblem($"unknown api {PyRepr.OfOptional(root, "api")}; expected one of {PyRepr.List(Apis.All)}");
        CaseArgs args = ReadArgs(root);
        ReadOnlyCollection<MetricStep> steps = ReadSteps(root, api);
        IReadOnlyList<string> tags = ReadTags(root);
        (JsonValue? id, string caseId) = ReadId(root);
        string group = root.TryGetProperty("group", out JsonElement g)
            ? g.ValueKind == JsonValueKind.String ? g.GetString()! : throw new WireProblem($"group {PyRepr.Of(g)} is not a string (a case's group is one)")
            : WireRequestWriter.DefaultGroup;
        ReadOnlyDictionary<string, CaseInput> inputs = root.TryGetProperty("inputs", out JsonElement i)
            ? ReadInputs(i, "inputs/")
            : ReadOnlyDictionary<string, CaseInput>.Empty;
        RequireInputs(inputs, RequiredInputs(api), $"api {PyRepr.Str(api)}");
        CheckMask(inputs, api, args);
        for (int s = 0; s < steps.Count; s++)
        {
            Require(!steps[s].Inputs.ContainsKey("mask"), $"steps[{s}]: mask is an input of ['loss'] cases only");
        }

        var question = new ParityCase(caseId, profile, group, api, dtype, args, inputs, LiveRequest.Unanswered,
            ReadOnlyDictionary<string, TensorData>.Empty, steps, tags);
        return LiveRequest.Decoded(question, want, id);
    }

    private static string ReadDType(JsonElement root)
    {
        if (!root.TryGetProperty("dtype", out JsonElement dtype))
        {
            return string.Empty;   // how recorded cases without a y_pred spell "none"
        }

        Require(dtype.ValueKind == JsonValueKind.String && (dtype.GetString()!.Length == 0 || TensorDTypes.TryParseCaseName(dtype.GetString(), out _)),
            $"unknown dtype {PyRepr.Of(dtype)}; expected one of {WireTensors.KnownDTypes}");
        return dtype.GetString()!;
    }

    private static LiveWants ReadWant(JsonElement root)
    {
        if (!root.TryGetProperty("want", out JsonElement want))
        {
            return LiveWants.None;
        }

        Require(want.ValueKind == JsonValueKind.Array && want.EnumerateArray().All(w => w.ValueKind == JsonValueKind.String),
            "want must be a list of strings");
        string[] names = want.EnumerateArray().Select(w => w.GetString()!).ToArray();
        string[] unknown = names.Where(w => w is not ("gradients" or "exact")).ToArray();
        Require(unknown.Length == 0, $"unknown want {PyRepr.List(unknown)}; expected some of ['gradients', 'exact']");
        return (names.Contains("gradients") ? LiveWants.Gradients : LiveWants.None) | (names.Contains("exact") ? LiveWants.Exact : LiveWants.None);
    }

    private static CaseArgs ReadArgs(JsonElement root)
    {
        if (!root.TryGetProperty("args", out JsonElement element))
        {
            return CaseArgs.Empty;
        }

        Require(element.ValueKind == JsonValueKind.Object, "args must be an object");
        return CaseArgs.TryRead(JsonNodes.ToObject(element), out CaseArgs? args, out string? problem)
            ? args
            : throw new WireProblem($"{problem} (the model reads args so)");
    }

    private static ReadOnlyCollection<MetricStep> ReadSteps(JsonElement root, string api)
    {
        bool present = root.TryGetProperty("steps", out JsonElement element);
        if (api != Apis.Metric)
        {
            Require(!present, $"steps on api {PyRepr.Str(api)}: only metric cases have steps (the server ignores them)");
            return ReadOnlyCollection<MetricStep>.Empty;
        }

        Require(present && element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > 0, "a metric case needs a non-empty steps list");
        var steps = new List<MetricStep>();
        foreach (JsonElement step in element.EnumerateArray())
        {
            int i = steps.Count;
            Require(step.ValueKind == JsonValueKind.Object, $"steps[{i}] must be an object");
            if (step.TryGetProperty("reset", out JsonElement reset) && reset.ValueKind == JsonValueKind.True)
            {
                Require(step.EnumerateObject().Count() == 1, $"steps[{i}]: a reset step is exactly {{\"reset\": true}} (the server ignores the rest)");
                steps.Add(MetricStep.ResetState);
                continue;
            }

            string unknown = string.Join(", ", step.EnumerateObject().Select(f => f.Name).Where(k => k != "inputs"));
            Require(unknown.Length == 0, $"steps[{i}]: a step is {{\"inputs\": {{...}}}} or {{\"reset\": true}}, not with {unknown} (the server ignores it)");
            ReadOnlyDictionary<string, CaseInput> inputs = step.TryGetProperty("inputs", out JsonElement stepInputs)
                ? ReadInputs(stepInputs, string.Create(CultureInfo.InvariantCulture, $"steps/{i}/inputs/"))
                : throw new WireProblem(string.Create(CultureInfo.InvariantCulture, $"steps/{i}/inputs/ must be an object"));
            RequireInputs(inputs, StepInputs, $"steps[{i}]");
            steps.Add(MetricStep.Update(inputs, null));
        }

        return steps.AsReadOnly();
    }

    private static ReadOnlyCollection<string> ReadTags(JsonElement root)
    {
        if (!root.TryGetProperty("tags", out JsonElement tags))
        {
            return ReadOnlyCollection<string>.Empty;
        }

        Require(tags.ValueKind == JsonValueKind.Array && tags.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String),
            "tags must be a list of strings");
        return tags.EnumerateArray().Select(t => t.GetString()!).ToArray().AsReadOnly();
    }

    /// <summary>The id as sent and as the case names it (Python's <c>str(id)</c>).</summary>
    private static (JsonValue? Id, string CaseId) ReadId(JsonElement root)
    {
        if (!root.TryGetProperty("id", out JsonElement element))
        {
            return (null, string.Empty);
        }

        JsonValue? id = IdValue(element);
        Require(id is not null, "id must be a string or a number");
        return element.ValueKind switch
        {
            JsonValueKind.String => (id, element.GetString()!),
            JsonValueKind.True => (id, "True"),   // bool is an int to Python: accepted, then echoed as null
            JsonValueKind.False => (id, "False"),
            _ => (id, element.GetRawText()),
        };
    }

    /// <summary>A string, an integer literal or a boolean as a standalone value; null for anything else.</summary>
    private static JsonValue? IdValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => JsonValue.Create(element.GetString()!),
        JsonValueKind.Number when JsonNumbers.IsIntegerLiteral(element.GetRawText()) => JsonValue.Create(element.Clone()),
        JsonValueKind.True => JsonValue.Create(true),
        JsonValueKind.False => JsonValue.Create(false),
        _ => null,
    };

    private static ReadOnlyDictionary<string, CaseInput> ReadInputs(JsonElement element, string prefix)
    {
        Require(element.ValueKind == JsonValueKind.Object, $"{prefix} must be an object");
        var inputs = new Dictionary<string, CaseInput>(StringComparer.Ordinal);
        foreach (JsonProperty input in element.EnumerateObject())
        {
            string name = input.Name;
            Require(InputNames.Contains(name), $"unknown input {PyRepr.Str(name)}; expected one of {PyRepr.List(InputNames)}");
            JsonElement value = input.Value;
            if (value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Count() == 1 && value.TryGetProperty("scalar", out JsonElement scalar))
            {
                Require(name == "sample_weight", $"input {name}: only sample_weight may be a {{\"scalar\"}}");
                Require(scalar.ValueKind == JsonValueKind.Number, $"input {name}: scalar must be a number");
                Require(scalar.TryGetDouble(out double number) && double.IsFinite(number), $"input {name}: scalar {scalar.GetRawText()} is not a finite double");
                inputs.Add(name, new ScalarInput(number, JsonNumbers.IsIntegerLiteral(scalar.GetRawText())));
                continue;
            }

            inputs.Add(name, WireTensors.TryRead(value, out TensorData? tensor, out string? problem)
                ? new TensorInput(tensor)
                : throw new WireProblem($"{prefix}{name}: {problem}"));
        }

        return inputs.Count == 0 ? ReadOnlyDictionary<string, CaseInput>.Empty : inputs.AsReadOnly();
    }

    private static string[] RequiredInputs(string api) => api switch
    {
        Apis.Loss or Apis.Function => StepInputs,
        Apis.ComputeAverageLoss => ["per_example_loss"],
        _ => [],
    };

    private static void RequireInputs(ReadOnlyDictionary<string, CaseInput> inputs, string[] names, string where)
    {
        string[] missing = names.Where(n => !inputs.ContainsKey(n)).ToArray();
        Require(missing.Length == 0, $"{where} needs inputs {PyRepr.List(missing)}");
    }

    private static void CheckMask(ReadOnlyDictionary<string, CaseInput> inputs, string api, CaseArgs args)
    {
        if (!inputs.TryGetValue("mask", out CaseInput? mask))
        {
            return;
        }

        Require(api == Apis.Loss, $"input mask: only ['loss'] cases take a mask, not api {PyRepr.Str(api)}");
        Require(mask is TensorInput { Tensor.DType: TensorDType.Bool },
            $"input mask must be a bool tensor, got {(mask is TensorInput t ? t.Tensor.DType.CaseName() : "Scalar")}");
        Require(args.InputKind != "numpy",
            "input mask needs tensor inputs: a numpy y_pred cannot carry a Keras mask (drop input_kind \"numpy\")");
    }

    private static void Require([DoesNotReturnIf(false)] bool condition, string problem)
    {
        if (!condition)
        {
            throw new WireProblem(problem);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Fixtures;

/// <summary>
/// Turns the case objects of one manifest into <see cref="ParityCase"/>s, resolving every tensor reference against
/// the case's array file and checking the case's structure. Every string under <c>inputs</c>, <c>expected</c>,
/// <c>gradients</c> and <c>steps</c> is read as a reference, except under <c>expected.error</c> and
/// <c>expected.config</c>; a field the format does not name is an error rather than ignored, since a new field (as
/// <c>inputs.mask</c> once was) may change what the answer means. Not thread-safe: one reader per manifest.
/// </summary>
internal sealed class CaseReader
{
    private static readonly string[] CaseFields =
        ["id", "group", "api", "dtype", "args", "file", "inputs", "expected", "gradients", "steps", "tags"];

    private static readonly string[] StepInputs = ["y_true", "y_pred", "sample_weight"];
    private static readonly string[] YTrueAndYPred = ["y_true", "y_pred"];

    private readonly string _manifestPath;
    private readonly string _profile;
    private readonly IReadOnlyDictionary<string, ArrayFile> _files;
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

    // The case being read: every message names it, every reference resolves in its file.
    private string _caseId = string.Empty;
    private string _api = string.Empty;
    private ArrayFile? _file;

    public CaseReader(string manifestPath, string profile, IReadOnlyDictionary<string, ArrayFile> files)
    {
        _manifestPath = manifestPath;
        _profile = profile;
        _files = files;
    }

    /// <summary>Reads <c>cases[index]</c>.</summary>
    public ParityCase Read(JsonElement element, int index)
    {
        _caseId = string.Create(CultureInfo.InvariantCulture, $"cases[{index}]");
        _file = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"is {Describe(element)}, not a JSON object");
        }

        ReadId(element);
        foreach (JsonProperty field in element.EnumerateObject())
        {
            if (!CaseFields.Contains(field.Name))
            {
                throw Fail($"unknown field '{field.Name}' (a case has {string.Join(", ", CaseFields)})");
            }
        }

        string group = RequireString(element, "group");
        _api = RequireString(element, "api");
        if (!Apis.IsKnown(_api))
        {
            throw Fail($"api '{_api}' is not one of {string.Join(", ", Apis.All)}");
        }

        string dtype = RequireString(element, "dtype");
        string fileName = RequireString(element, "file");
        _file = _files.TryGetValue(fileName, out ArrayFile? file)
            ? file
            : throw Fail($"file '{fileName}' is not listed in the manifest's files");

        CaseArgs args = ReadArgs(Require(element, "args", JsonValueKind.Object));
        IReadOnlyDictionary<string, CaseInput> inputs = ReadInputs(Require(element, "inputs", JsonValueKind.Object), "inputs");
        CheckInputs(inputs, dtype, args);
        (CaseExpected answer, JsonElement? expectedGradients) = ReadExpected(Require(element, "expected", JsonValueKind.Object));
        (IReadOnlyDictionary<string, TensorData> gradients, CaseExpected expected) = ReadGradients(element, inputs, answer, expectedGradients);
        IReadOnlyList<MetricStep> steps = ReadSteps(element, expected);
        IReadOnlyList<string> tags = ReadTags(element);
        return new ParityCase(_caseId, _profile, group, _api, dtype, args, inputs, expected, gradients, steps, tags);
    }

    private void ReadId(JsonElement element)
    {
        if (!element.TryGetProperty("id", out JsonElement idElement) || idElement.ValueKind != JsonValueKind.String)
        {
            throw Fail("id is missing or not a string");
        }

        string id = idElement.GetString()!;
        string prefix = _profile + "/";
        if (!id.StartsWith(prefix, StringComparison.Ordinal) || id.Length == prefix.Length)
        {
            throw Fail($"id '{id}' does not start with '{prefix}'");
        }

        _caseId = id;
        if (!_ids.Add(id))
        {
            throw Fail("the id is already used by an earlier case (ids are unique)");
        }
    }

    private CaseArgs ReadArgs(JsonElement element) =>
        CaseArgs.TryRead(JsonNodes.ToObject(element), out CaseArgs? args, out string? problem) ? args : throw Fail(problem);

    private static string[] InputsOf(string api) => api switch
    {
        Apis.Loss => ["y_true", "y_pred", "sample_weight", "mask"],
        Apis.Function => YTrueAndYPred,
        Apis.ComputeAverageLoss => ["per_example_loss", "sample_weight"],
        _ => [],
    };

    private static string[] RequiredInputsOf(string api) => api switch
    {
        Apis.Loss or Apis.Function => YTrueAndYPred,
        Apis.ComputeAverageLoss => ["per_example_loss"],
        _ => [],
    };

    private ReadOnlyDictionary<string, CaseInput> ReadInputs(JsonElement element, string where, bool step = false)
    {
        string[] allowed = step ? StepInputs : InputsOf(_api);
        string[] required = step ? YTrueAndYPred : RequiredInputsOf(_api);
        var inputs = new Dictionary<string, CaseInput>(StringComparer.Ordinal);
        foreach (JsonProperty input in element.EnumerateObject())
        {
            string at = $"{where}.{input.Name}";
            if (!allowed.Contains(input.Name))
            {
                throw Fail(allowed.Length == 0
                    ? $"{at}: a case of api '{_api}' has no inputs here"
                    : $"{at}: not an input of {(step ? "a metric step" : $"api '{_api}'")} (allowed: {string.Join(", ", allowed)})");
            }

            inputs.Add(input.Name, input.Value.ValueKind switch
            {
                JsonValueKind.String => new TensorInput(Resolve(input.Value, at).Data),
                JsonValueKind.Object => ReadScalar(input.Value, at),
                _ => throw Fail($"{at} is {Describe(input.Value)}, neither a tensor reference nor {{\"scalar\": <number>}}"),
            });
        }

        foreach (string name in required)
        {
            if (!inputs.ContainsKey(name))
            {
                throw Fail($"{where} lacks {name}");
            }
        }

        return inputs.Count == 0 ? ReadOnlyDictionary<string, CaseInput>.Empty : inputs.AsReadOnly();
    }

    private ScalarInput ReadScalar(JsonElement element, string where)
    {
        const string Form = "{\"scalar\": <number>}";
        JsonProperty[] fields = [.. element.EnumerateObject()];
        if (fields.Length != 1 || fields[0].Name != "scalar" || fields[0].Value.ValueKind != JsonValueKind.Number)
        {
            throw Fail($"{where}: an inline input is {Form}, not {JsonText.Compact(element)}");
        }

        JsonElement number = fields[0].Value;
        string literal = number.GetRawText();
        // TryGetDouble gives infinity for 1e400: JSON has no way to mean that.
        if (!number.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw Fail($"{where}: scalar {literal} is not a finite double");
        }

        return new ScalarInput(value, JsonNumbers.IsIntegerLiteral(literal));
    }

    private void CheckInputs(IReadOnlyDictionary<string, CaseInput> inputs, string dtype, CaseArgs args)
    {
        if (inputs.TryGetValue("y_pred", out CaseInput? yPred) && yPred is TensorInput { Tensor: var pred }
            && pred.DType.CaseName() != dtype)
        {
            throw Fail($"dtype '{dtype}' differs from y_pred's {pred.DType.CaseName()} (it names y_pred's dtype)");
        }

        if (inputs.TryGetValue("mask", out CaseInput? mask))
        {
            if (mask is not TensorInput { Tensor: var maskTensor } || maskTensor.DType != TensorDType.Bool)
            {
                throw Fail($"inputs.mask is {(mask is TensorInput t ? t.Tensor.DType.SafetensorsCode() : "a scalar")}, must be a BOOL tensor");
            }

            if (args.IsNumpyInput)
            {
                throw Fail("inputs.mask with args.input_kind \"numpy\": a numpy y_pred cannot carry a Keras mask");
            }
        }
    }

    private (CaseExpected Expected, JsonElement? Gradients) ReadExpected(JsonElement element)
    {
        JsonElement? value = null, error = null, config = null, gradients = null;
        bool exactOrBound = false;
        foreach (JsonProperty field in element.EnumerateObject())
        {
            switch (field.Name)
            {
                case "value": value = field.Value; break;
                case "error": error = field.Value; break;
                case "config": config = field.Value; break;
                case "gradients": gradients = field.Value; break;
                case "exact" or "bound": exactOrBound = true; break;
                default: throw Fail($"expected.{field.Name}: unknown field (expected has value, exact, bound, gradients, error or config)");
            }
        }

        int kinds = (value is null ? 0 : 1) + (error is null ? 0 : 1) + (config is null ? 0 : 1);
        if (kinds != 1)
        {
            throw Fail($"expected holds {kinds} of value, error and config; it must hold exactly one");
        }

        if (value is null && (exactOrBound || gradients is not null))
        {
            throw Fail("expected.exact, expected.bound and expected.gradients belong to an expected.value");
        }

        if (config is not null && _api != Apis.Config)
        {
            throw Fail($"expected.config on a case of api '{_api}'");
        }

        if (_api == Apis.Config && config is null && error is null)
        {
            throw Fail("a config case expects a config or an error");
        }

        if (error is { } errorElement)
        {
            return (CaseExpected.FromError(ReadError(errorElement)), null);
        }

        if (config is { } configElement)
        {
            if (configElement.ValueKind != JsonValueKind.Object)
            {
                throw Fail($"expected.config is {Describe(configElement)}, not a JSON object");
            }

            return (CaseExpected.FromConfig(JsonNodes.ToObject(configElement)), null);
        }

        // Gradients wait for the case's own gradients, whose shapes theirs must have.
        return (CaseExpected.FromValue(ReadNumber(element, "expected", exactRequired: true)), gradients);
    }

    private CaseError ReadError(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object
            && element.EnumerateObject().Count() == 2
            && element.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String
            && element.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String)
        {
            return new CaseError(type.GetString()!, message.GetString()!);
        }

        throw Fail($"expected.error is {{\"type\": <string>, \"message\": <string>}}, not {JsonText.Compact(element)}");
    }

    /// <summary>
    /// A value with its exact value and bound, from an object holding <c>value</c>, <c>exact</c> and <c>bound</c>
    /// (<c>expected</c>, or a metric step). The contract (shared/fixture-format.md) requires <c>exact</c> beside a
    /// case's value; <c>bound</c>, and <c>exact</c> in metric steps, came later as additions that a reader must not
    /// require (an older recording, such as the second-CPU one, has none). A bound never comes without its exact.
    /// </summary>
    private ExpectedNumber ReadNumber(JsonElement holder, string where, bool exactRequired)
    {
        ArrayTensor value = Resolve(holder.GetProperty("value"), $"{where}.value");
        ArrayTensor? exact = exactRequired ? ResolveRequired(holder, "exact", where) : ResolveOptional(holder, "exact", where);
        ArrayTensor? bound = ResolveOptional(holder, "bound", where);
        if (bound is not null && exact is null)
        {
            throw Fail($"{where}.bound without {where}.exact: a bound is the distance from the exact value", bound.Name);
        }

        if (exact is not null)
        {
            CheckReference(exact, value.Data, $"{where}.exact", "the value");
        }

        if (bound is not null)
        {
            CheckReference(bound, value.Data, $"{where}.bound", "the value");
            CheckBound(bound, $"{where}.bound");
        }

        return new ExpectedNumber(value.Data, exact?.Data, bound?.Data);
    }

    private ArrayTensor ResolveRequired(JsonElement holder, string key, string where) =>
        ResolveOptional(holder, key, where) ?? throw Fail($"{where}.{key} is missing (every value has an exact value)");

    private ArrayTensor? ResolveOptional(JsonElement holder, string key, string where) =>
        holder.TryGetProperty(key, out JsonElement reference) ? Resolve(reference, $"{where}.{key}") : null;

    private void CheckReference(ArrayTensor reference, TensorData of, string where, string ofWhat)
    {
        if (reference.Data.DType != TensorDType.Float64)
        {
            throw Fail($"{where} is {reference.Data.DType.SafetensorsCode()}, must be F64", reference.Name);
        }

        if (!reference.Data.Shape.SequenceEqual(of.Shape))
        {
            throw Fail($"{where} has shape {TensorData.FormatShape(reference.Data.Shape)} but {ofWhat} has {TensorData.FormatShape(of.Shape)}",
                reference.Name);
        }
    }

    private void CheckBound(ArrayTensor bound, string where)
    {
        ReadOnlySpan<double> values = bound.Data.AsSpan<double>();
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= 0))   // also catches NaN
            {
                throw Fail(string.Create(CultureInfo.InvariantCulture,
                    $"{where} element {i} is {values[i]:R}; a bound is >= 0 (or +inf), never negative or NaN"), bound.Name);
            }
        }
    }

    /// <summary>The case's recorded gradients, and <paramref name="answer"/> completed with their exact values and
    /// bounds (<c>expected.gradients</c>), which must name the same inputs.</summary>
    private (IReadOnlyDictionary<string, TensorData> Gradients, CaseExpected Expected) ReadGradients(JsonElement element,
        IReadOnlyDictionary<string, CaseInput> inputs, CaseExpected answer, JsonElement? expectedGradients)
    {
        if (!element.TryGetProperty("gradients", out JsonElement gradientsElement))
        {
            return expectedGradients is null
                ? (ReadOnlyDictionary<string, TensorData>.Empty, answer)
                : throw Fail("expected.gradients without gradients to belong to");
        }

        if (_api is not (Apis.Loss or Apis.Function) || answer.Value is null)
        {
            throw Fail("gradients are recorded only for loss and function cases with an expected value");
        }

        if (gradientsElement.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"gradients is {Describe(gradientsElement)}, not an object");
        }

        var gradients = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, ArrayTensor>(StringComparer.Ordinal);
        foreach (JsonProperty gradient in gradientsElement.EnumerateObject())
        {
            string at = $"gradients.{gradient.Name}";
            ArrayTensor tensor = Resolve(gradient.Value, at);
            if (!inputs.TryGetValue(gradient.Name, out CaseInput? input) || input is not TensorInput { Tensor: var source })
            {
                throw Fail($"{at}: inputs.{gradient.Name} is not a tensor to differentiate by", tensor.Name);
            }

            if (!source.DType.IsFloatingPoint() || tensor.Data.DType != source.DType || !tensor.Data.Shape.SequenceEqual(source.Shape))
            {
                throw Fail($"{at} is {tensor.Data} but inputs.{gradient.Name} is {source}: a gradient has its floating-point input's dtype and shape",
                    tensor.Name);
            }

            gradients.Add(gradient.Name, tensor.Data);
            shapes.Add(gradient.Name, tensor);
        }

        return (gradients.AsReadOnly(), CaseExpected.FromValue(answer.Value, ReadExpectedGradients(expectedGradients, shapes)));
    }

    private ReadOnlyDictionary<string, ExpectedGradient> ReadExpectedGradients(JsonElement? element, Dictionary<string, ArrayTensor> gradients)
    {
        if (element is null)
        {
            return new Dictionary<string, ExpectedGradient>().AsReadOnly();   // an addition older recordings lack
        }

        if (element is not { ValueKind: JsonValueKind.Object } references)
        {
            throw Fail($"expected.gradients is {Describe(element.Value)}, not an object");
        }

        var result = new Dictionary<string, ExpectedGradient>(StringComparer.Ordinal);
        foreach (JsonProperty entry in references.EnumerateObject())
        {
            string at = $"expected.gradients.{entry.Name}";
            if (!gradients.TryGetValue(entry.Name, out ArrayTensor? gradient))
            {
                throw Fail($"{at} has no gradients.{entry.Name} to belong to");
            }

            if (entry.Value.ValueKind != JsonValueKind.Object
                || entry.Value.EnumerateObject().Any(field => field.Name is not ("exact" or "bound")))
            {
                throw Fail($"{at} is {{\"exact\": <tensor>, \"bound\": <tensor>}}, not {JsonText.Compact(entry.Value)}");
            }

            ArrayTensor exact = ResolveRequired(entry.Value, "exact", at);
            ArrayTensor bound = ResolveRequired(entry.Value, "bound", at);
            CheckReference(exact, gradient.Data, $"{at}.exact", $"gradients.{entry.Name}");
            CheckReference(bound, gradient.Data, $"{at}.bound", $"gradients.{entry.Name}");
            CheckBound(bound, $"{at}.bound");
            result.Add(entry.Name, new ExpectedGradient(exact.Data, bound.Data));
        }

        foreach (string name in gradients.Keys)
        {
            if (!result.ContainsKey(name))
            {
                throw Fail($"expected.gradients.{name} is missing beside gradients.{name}");
            }
        }

        return result.AsReadOnly();
    }

    private ReadOnlyCollection<MetricStep> ReadSteps(JsonElement element, CaseExpected expected)
    {
        bool present = element.TryGetProperty("steps", out JsonElement stepsElement);
        if (_api != Apis.Metric)
        {
            return present ? throw Fail($"steps on a case of api '{_api}' (only metric cases have steps)") : ReadOnlyCollection<MetricStep>.Empty;
        }

        if (!present || stepsElement.ValueKind != JsonValueKind.Array || stepsElement.GetArrayLength() == 0)
        {
            throw Fail("a metric case needs a non-empty steps list");
        }

        var steps = new List<MetricStep>(stepsElement.GetArrayLength());
        foreach (JsonElement step in stepsElement.EnumerateArray())
        {
            steps.Add(ReadStep(step, string.Create(CultureInfo.InvariantCulture, $"steps[{steps.Count}]"), expected));
        }

        return steps.AsReadOnly();
    }

    private MetricStep ReadStep(JsonElement step, string where, CaseExpected expected)
    {
        if (step.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"{where} is {Describe(step)}, not an object");
        }

        if (step.TryGetProperty("reset", out JsonElement reset))
        {
            // JSON's 1 is not true, and a reset carries nothing else.
            if (reset.ValueKind != JsonValueKind.True || step.EnumerateObject().Count() != 1)
            {
                throw Fail($"{where}: a reset step is exactly {{\"reset\": true}}, not {JsonText.Compact(step)}");
            }

            return MetricStep.ResetState;
        }

        foreach (JsonProperty field in step.EnumerateObject())
        {
            if (field.Name is not ("inputs" or "value" or "exact" or "bound"))
            {
                throw Fail($"{where}.{field.Name}: unknown field (a step is {{\"reset\": true}} or has inputs, value, exact, bound)");
            }
        }

        if (!step.TryGetProperty("inputs", out JsonElement inputsElement) || inputsElement.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"{where}.inputs is missing or not an object");
        }

        IReadOnlyDictionary<string, CaseInput> inputs = ReadInputs(inputsElement, $"{where}.inputs", step: true);
        bool hasValue = step.TryGetProperty("value", out _);
        if (expected.Value is not null && !hasValue)
        {
            throw Fail($"{where} has no value, but the case expects one (each update is followed by result())");
        }

        if (expected.Value is null && (hasValue || step.TryGetProperty("exact", out _) || step.TryGetProperty("bound", out _)))
        {
            throw Fail($"{where} has a value, but the case expects an error (a failing update_state leaves no result)");
        }

        return MetricStep.Update(inputs, hasValue ? ReadNumber(step, where, exactRequired: false) : null);
    }

    private ReadOnlyCollection<string> ReadTags(JsonElement element)
    {
        if (!element.TryGetProperty("tags", out JsonElement tagsElement))
        {
            return ReadOnlyCollection<string>.Empty;
        }

        if (tagsElement.ValueKind != JsonValueKind.Array || tagsElement.EnumerateArray().Any(tag => tag.ValueKind != JsonValueKind.String))
        {
            throw Fail($"tags is {JsonText.Compact(tagsElement)}, not a list of strings");
        }

        return tagsElement.EnumerateArray().Select(tag => tag.GetString()!).ToArray().AsReadOnly();
    }

    /// <summary>The tensor a reference names in the case's file, marked as referenced.</summary>
    private ArrayTensor Resolve(JsonElement reference, string where)
    {
        if (reference.ValueKind != JsonValueKind.String)
        {
            throw Fail($"{where} is {Describe(reference)}, not a tensor reference (a string)");
        }

        string name = reference.GetString()!;
        if (!_file!.Tensors.TryGetValue(name, out ArrayTensor? tensor))
        {
            throw Fail($"{where} names a tensor that {_file.Name} does not hold", name);
        }

        tensor.Referenced = true;
        return tensor;
    }

    private string RequireString(JsonElement element, string key) => Require(element, key, JsonValueKind.String).GetString()!;

    private JsonElement Require(JsonElement element, string key, JsonValueKind kind)
    {
        if (!element.TryGetProperty(key, out JsonElement value))
        {
            throw Fail($"{key} is missing");
        }

        return value.ValueKind == kind
            ? value
            : throw Fail($"{key} is {Describe(value)}, must be {(kind == JsonValueKind.Object ? "an object" : "a string")}");
    }

    /// <summary>A JSON value as a message shows it: short values compactly, long ones by their kind.</summary>
    private static string Describe(JsonElement element)
    {
        string text = JsonText.Compact(element);
        return text.Length <= 60 ? text : $"a {element.ValueKind.ToString().ToLowerInvariant()}";
    }

    private FixtureFormatException Fail(string problem, string? tensor = null) => new(_manifestPath, problem, _caseId, tensor);
}

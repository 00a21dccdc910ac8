using System;
using CosineParity.Oracle.Cases;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Fixtures;
using Xunit;

namespace CosineParity.Tests.Fixtures;

/// <summary>Each rule of a case, broken once in an otherwise valid fixture.</summary>
public sealed class CaseRulesTests : IDisposable
{
    private const string Loss = "keras2/loss/000000";
    private const string Metric = "keras2/metric/000000";
    private const string Function = "keras2/function/000001";

    private readonly FixtureBuilder _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private JsonObject LossCase => _fixture.Case("loss/000000");

    private JsonObject LossExpected => LossCase["expected"]!.AsObject();

    [Fact]
    public void ReferenceMustNameATensorOfTheCasesFile()
    {
        LossCase["inputs"]!["y_pred"] = "keras2/loss/000000/inputs/y_typo";
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/loss/000000/inputs/y_pred");
        LossCase["gradients"]!.AsObject().Remove("y_pred");
        LossExpected["gradients"]!.AsObject().Remove("y_pred");
        _fixture.Tensors.RemoveAll(t => t.Name.StartsWith("keras2/loss/000000/gradients/y_pred", StringComparison.Ordinal)
            || t.Name.StartsWith("keras2/loss/000000/expected/gradients/y_pred", StringComparison.Ordinal));
        var e = FixtureAssert.CaseRejected(_fixture, Loss, "tensor 'keras2/loss/000000/inputs/y_typo'",
            "inputs.y_pred names a tensor that cases-000.safetensors does not hold");
        Assert.Equal("keras2/loss/000000/inputs/y_typo", e.Tensor);
    }

    [Fact]
    public void ReferenceResolvesOnlyInTheCasesOwnFile()
    {
        // The tensor exists, but in another array file of the profile: a case's tensors all live in its `file`.
        byte[] other = SafetensorsWriter.Write([TensorSpec.F32("keras2/elsewhere", [2, 3], 1, 2, 3, 4, 5, 6)]);
        _fixture.ExtraFiles["cases-001.safetensors"] = other;
        _fixture.Manifest["files"]!["cases-001.safetensors"] = Convert.ToHexStringLower(SHA256.HashData(other));
        _fixture.Case("function/000001")["inputs"]!["y_true"] = "keras2/elsewhere";
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/function/000001/inputs/y_true");
        FixtureAssert.CaseRejected(_fixture, Function, "tensor 'keras2/elsewhere'",
            "inputs.y_true names a tensor that cases-000.safetensors does not hold");
    }

    [Fact]
    public void ReferenceInAStepMustResolveToo()
    {
        _fixture.Case("metric/000000")["steps"]![2]!["value"] = "keras2/nothing";
        FixtureAssert.CaseRejected(_fixture, Metric, "tensor 'keras2/nothing'", "steps[2].value names a tensor");
    }

    [Fact]
    public void ReferenceInExpectedGradientsMustResolve()
    {
        LossExpected["gradients"]!["y_pred"]!["bound"] = "keras2/nothing";
        FixtureAssert.CaseRejected(_fixture, Loss, "expected.gradients.y_pred.bound names a tensor");
    }

    [Fact]
    public void StringsUnderErrorAndConfigAreNotReferences()
    {
        // The error message and the config's strings name no tensor and must not be looked up.
        _fixture.Case("function/000000")["expected"]!["error"]!["message"] = "keras2/loss/000000/inputs/nothing";
        Assert.Equal(6, FixtureReader.ReadProfile(_fixture.Write()).Cases.Count);
    }

    [Fact]
    public void ReferenceMustBeAString()
    {
        LossCase["inputs"]!["y_true"] = 3;
        FixtureAssert.CaseRejected(_fixture, Loss, "inputs.y_true is 3, neither a tensor reference nor {\"scalar\": <number>}");
    }

    [Theory]
    [InlineData("{\"scalar\": \"2\"}")]
    [InlineData("{\"scalar\": 2, \"dtype\": \"float32\"}")]
    [InlineData("{\"value\": 2}")]
    public void ScalarInputIsExactlyScalarNumber(string inline)
    {
        LossCase["inputs"]!["sample_weight"] = JsonNode.Parse(inline);
        FixtureAssert.CaseRejected(_fixture, Loss, "inputs.sample_weight: an inline input is {\"scalar\": <number>}");
    }

    [Fact]
    public void ScalarMustBeAFiniteDouble()
    {
        _fixture.EditManifestText = text => text.Replace("\"scalar\": 2", "\"scalar\": 1e400", StringComparison.Ordinal);
        FixtureAssert.CaseRejected(_fixture, Loss, "scalar 1e400 is not a finite double");
    }

    [Fact]
    public void IdMustStartWithTheProfile()
    {
        LossCase["id"] = "keras3/loss/000000";
        var e = FixtureAssert.Rejected(_fixture, "manifest.json", "case 'cases[0]'", "id 'keras3/loss/000000' does not start with 'keras2/'");
        Assert.Equal("cases[0]", e.CaseId);
    }

    [Fact]
    public void IdsAreUnique()
    {
        _fixture.Case("function/000001")["id"] = "keras2/function/000000";
        FixtureAssert.CaseRejected(_fixture, "keras2/function/000000", "the id is already used by an earlier case");
    }

    [Fact]
    public void IdMustBeAString()
    {
        LossCase["id"] = 7;
        FixtureAssert.Rejected(_fixture, "manifest.json", "case 'cases[0]'", "id is missing or not a string");
    }

    [Fact]
    public void CaseMustBeAnObject()
    {
        _fixture.Manifest["cases"]!.AsArray().Add("keras2/x");
        FixtureAssert.Rejected(_fixture, "manifest.json", "case 'cases[6]'", "not a JSON object");
    }

    [Theory]
    [InlineData("group")]
    [InlineData("api")]
    [InlineData("dtype")]
    [InlineData("file")]
    [InlineData("args")]
    [InlineData("inputs")]
    [InlineData("expected")]
    public void RequiredFieldMustBePresent(string field)
    {
        LossCase.Remove(field);
        FixtureAssert.CaseRejected(_fixture, Loss, $"{field} is missing");
    }

    [Theory]
    [InlineData("group", "5", "must be a string")]
    [InlineData("api", "null", "must be a string")]
    [InlineData("dtype", "[]", "must be a string")]
    [InlineData("file", "{}", "must be a string")]
    [InlineData("args", "[]", "must be an object")]
    [InlineData("inputs", "\"y\"", "must be an object")]
    [InlineData("expected", "[1]", "must be an object")]
    public void RequiredFieldMustHaveItsJsonType(string field, string value, string problem)
    {
        LossCase[field] = JsonNode.Parse(value);
        FixtureAssert.CaseRejected(_fixture, Loss, $"{field} is {value}, {problem}");
    }

    [Theory]
    [InlineData("tags", "[1]", "tags is [1], not a list of strings")]
    [InlineData("tags", "\"x\"", "not a list of strings")]
    [InlineData("gradients", "[]", "gradients is [], not an object")]
    public void OptionalFieldMustHaveItsJsonType(string field, string value, string problem)
    {
        LossCase[field] = JsonNode.Parse(value);
        FixtureAssert.CaseRejected(_fixture, Loss, problem);
    }

    [Fact]
    public void UnknownCaseFieldIsRefused()
    {
        LossCase["note"] = "x";
        FixtureAssert.CaseRejected(_fixture, Loss, "unknown field 'note'");
    }

    [Fact]
    public void ApiMustBeKnown()
    {
        LossCase["api"] = "lost";
        FixtureAssert.CaseRejected(_fixture, Loss, "api 'lost' is not one of loss, function, metric, compute_average_loss, config");
    }

    [Fact]
    public void FileMustBeListed()
    {
        LossCase["file"] = "cases-009.safetensors";
        FixtureAssert.CaseRejected(_fixture, Loss, "file 'cases-009.safetensors' is not listed in the manifest's files");
    }

    [Theory]
    [InlineData("axis", "\"-1\"", "args.axis: \"-1\" is neither an integer nor a non-empty list of integers")]
    [InlineData("axis", "1.0", "args.axis: 1.0 is neither")]
    [InlineData("axis", "[]", "args.axis: [] is neither")]
    [InlineData("axis", "[1, null]", "args.axis: [1,null] is neither")]
    [InlineData("reduction", "5", "args.reduction: 5 is not a string")]
    [InlineData("name", "null", "args.name: null is not a string")]
    [InlineData("input_kind", "\"tensor\"", "args.input_kind: \"tensor\" is not \"numpy\"")]
    [InlineData("replicas", "0", "args.replicas: 0 is not a positive integer")]
    [InlineData("global_batch_size", "4.5", "args.global_batch_size: 4.5 is not an integer")]
    public void KnownArgsMustHaveTheirJsonType(string key, string value, string problem)
    {
        LossCase["args"]![key] = JsonNode.Parse(value);
        FixtureAssert.CaseRejected(_fixture, Loss, problem);
    }

    [Fact]
    public void InputMustBelongToTheApi()
    {
        _fixture.Case("function/000001")["inputs"]!["sample_weight"] = new JsonObject { ["scalar"] = 1 };
        FixtureAssert.CaseRejected(_fixture, Function, "inputs.sample_weight: not an input of api 'function'");
    }

    [Fact]
    public void RequiredInputMustBePresent()
    {
        _fixture.Case("function/000001")["inputs"]!.AsObject().Remove("y_true");
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/function/000001/inputs/y_true");
        FixtureAssert.CaseRejected(_fixture, Function, "inputs lacks y_true");
    }

    [Fact]
    public void DTypeNamesYPredsDType()
    {
        _fixture.Case("function/000001")["dtype"] = "float32";
        FixtureAssert.CaseRejected(_fixture, Function, "dtype 'float32' differs from y_pred's float64");
    }

    [Fact]
    public void MaskMustBeBool()
    {
        LossCase["inputs"]!["mask"] = "keras2/loss/000000/inputs/y_pred";
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/loss/000000/inputs/mask");
        FixtureAssert.CaseRejected(_fixture, Loss, "inputs.mask is F32, must be a BOOL tensor");
    }

    [Fact]
    public void MaskCannotComeWithNumpyInputs()
    {
        LossCase["args"]!["input_kind"] = "numpy";
        FixtureAssert.CaseRejected(_fixture, Loss, "inputs.mask with args.input_kind \"numpy\"");
    }

    // expected

    [Fact]
    public void ExpectedNeedsOneAnswer()
    {
        _fixture.Case("function/000000")["expected"] = new JsonObject();
        FixtureAssert.CaseRejected(_fixture, "keras2/function/000000", "expected holds 0 of value, error and config; it must hold exactly one");
    }

    [Fact]
    public void ExpectedHoldsOnlyOneAnswer()
    {
        LossExpected["error"] = new JsonObject { ["type"] = "ValueError", ["message"] = "no" };
        FixtureAssert.CaseRejected(_fixture, Loss, "expected holds 2 of value, error and config");
    }

    [Fact]
    public void UnknownExpectedFieldIsRefused()
    {
        LossExpected["ulps"] = 2;
        FixtureAssert.CaseRejected(_fixture, Loss, "expected.ulps: unknown field");
    }

    [Fact]
    public void ExactMustBeFloat64()
    {
        LossExpected["exact"] = "keras2/loss/000000/expected/value";
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/loss/000000/expected/exact");
        FixtureAssert.CaseRejected(_fixture, Loss, "tensor 'keras2/loss/000000/expected/value'", "expected.exact is F32, must be F64");
    }

    [Fact]
    public void BoundMustHaveTheValuesShape()
    {
        LossExpected["bound"] = "keras2/loss/000000/expected/gradients/y_pred/bound";
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/loss/000000/expected/bound");
        FixtureAssert.CaseRejected(_fixture, Loss, "expected.bound has shape [2, 3] but the value has []");
    }

    [Fact]
    public void ExactMustAccompanyAValue()
    {
        LossExpected.Remove("exact");
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/loss/000000/expected/exact");
        FixtureAssert.CaseRejected(_fixture, Loss, "expected.exact is missing");
    }

    // shared/fixture-format.md: bound and expected.gradients are additions a reader must not require; a recording
    // made before them (../shared/cross-cpu) has neither.
    [Fact]
    public void BoundAndExpectedGradientsMayBeAbsent()
    {
        LossExpected.Remove("bound");
        LossExpected.Remove("gradients");
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/loss/000000/expected/bound"
            || t.Name.StartsWith("keras2/loss/000000/expected/gradients/", StringComparison.Ordinal));
        ParityCase loss = FixtureReader.ReadProfile(_fixture.Write()).Cases.Single(c => c.Id == Loss);
        Assert.NotNull(loss.Expected.Value!.Exact);
        Assert.Null(loss.Expected.Value.Bound);
        Assert.Empty(loss.Expected.Gradients);
        Assert.NotEmpty(loss.Gradients);
    }

    [Fact]
    public void BoundNeedsItsExact()
    {
        LossExpected.Remove("exact");
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/loss/000000/expected/exact");
        FixtureAssert.CaseRejected(_fixture, Loss, "expected.exact is missing");
    }

    [Fact]
    public void BoundMustNotBeNegativeOrNaN()
    {
        int at = _fixture.Tensors.FindIndex(t => t.Name == "keras2/loss/000000/expected/bound");
        _fixture.Tensors[at] = TensorSpec.F64(_fixture.Tensors[at].Name, [], double.NaN);
        FixtureAssert.CaseRejected(_fixture, Loss, "expected.bound element 0 is NaN; a bound is >= 0");
    }

    [Fact]
    public void ExactWithoutValueIsRefused()
    {
        JsonObject expected = _fixture.Case("function/000000")["expected"]!.AsObject();
        expected["exact"] = "keras2/loss/000000/expected/exact";
        FixtureAssert.CaseRejected(_fixture, "keras2/function/000000", "belong to an expected.value");
    }

    [Theory]
    [InlineData("{\"type\": \"ValueError\"}")]
    [InlineData("{\"type\": 1, \"message\": \"m\"}")]
    [InlineData("{\"type\": \"ValueError\", \"message\": \"m\", \"trace\": \"t\"}")]
    [InlineData("\"ValueError\"")]
    public void ErrorIsTypeAndMessage(string error)
    {
        _fixture.Case("function/000000")["expected"]!["error"] = JsonNode.Parse(error);
        FixtureAssert.CaseRejected(_fixture, "keras2/function/000000", "expected.error is {\"type\": <string>, \"message\": <string>}");
    }

    [Fact]
    public void ConfigBelongsToConfigCases()
    {
        JsonObject expected = _fixture.Case("function/000000")["expected"]!.AsObject();
        expected.Remove("error");
        expected["config"] = new JsonObject();
        FixtureAssert.CaseRejected(_fixture, "keras2/function/000000", "expected.config on a case of api 'function'");
    }

    [Fact]
    public void ConfigMustBeAnObject()
    {
        _fixture.Case("config/000000")["expected"]!["config"] = "cosine";
        FixtureAssert.CaseRejected(_fixture, "keras2/config/000000", "expected.config is \"cosine\", not a JSON object");
    }

    // gradients

    [Fact]
    public void GradientNeedsItsExpectedGradient()
    {
        LossExpected["gradients"]!.AsObject().Remove("y_true");
        _fixture.Tensors.RemoveAll(t => t.Name.StartsWith("keras2/loss/000000/expected/gradients/y_true", StringComparison.Ordinal));
        FixtureAssert.CaseRejected(_fixture, Loss, "expected.gradients.y_true is missing beside gradients.y_true");
    }

    [Fact]
    public void ExpectedGradientNeedsAGradient()
    {
        LossCase["gradients"]!.AsObject().Remove("y_true");
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/loss/000000/gradients/y_true");
        FixtureAssert.CaseRejected(_fixture, Loss, "expected.gradients.y_true has no gradients.y_true to belong to");
    }

    [Fact]
    public void GradientHasItsInputsShapeAndDType()
    {
        LossCase["gradients"]!["y_true"] = "keras2/loss/000000/expected/gradients/y_true/exact";
        _fixture.Tensors.RemoveAll(t => t.Name == "keras2/loss/000000/gradients/y_true");
        FixtureAssert.CaseRejected(_fixture, Loss, "gradients.y_true is float64[2, 3] but inputs.y_true is float32[2, 3]");
    }

    [Fact]
    public void GradientOfAScalarInputIsRefused()
    {
        LossCase["gradients"]!["sample_weight"] = "keras2/loss/000000/gradients/y_true";
        FixtureAssert.CaseRejected(_fixture, Loss, "gradients.sample_weight: inputs.sample_weight is not a tensor");
    }

    [Fact]
    public void GradientsOnlyWithAValue()
    {
        JsonObject function = _fixture.Case("function/000000");
        function["gradients"] = new JsonObject { ["y_true"] = "keras2/function/000000/inputs/y_true" };
        FixtureAssert.CaseRejected(_fixture, "keras2/function/000000", "gradients are recorded only for loss and function cases with an expected value");
    }

    [Fact]
    public void ExpectedGradientsWithoutGradientsAreRefused()
    {
        LossCase.Remove("gradients");
        _fixture.Tensors.RemoveAll(t => t.Name.StartsWith("keras2/loss/000000/gradients/", StringComparison.Ordinal));
        FixtureAssert.CaseRejected(_fixture, Loss, "expected.gradients without gradients");
    }

    // steps

    [Fact]
    public void MetricNeedsSteps()
    {
        JsonObject metric = _fixture.Case("metric/000000");
        metric["steps"] = new JsonArray();
        FixtureAssert.CaseRejected(_fixture, Metric, "a metric case needs a non-empty steps list");
    }

    [Fact]
    public void StepsBelongToMetrics()
    {
        LossCase["steps"] = new JsonArray(new JsonObject { ["reset"] = true });
        FixtureAssert.CaseRejected(_fixture, Loss, "steps on a case of api 'loss'");
    }

    [Theory]
    [InlineData("{\"reset\": 1}")]
    [InlineData("{\"reset\": false}")]
    [InlineData("{\"reset\": true, \"value\": \"keras2/metric/000000/steps/2/value\"}")]
    public void ResetStepIsExactlyResetTrue(string step)
    {
        _fixture.Case("metric/000000")["steps"]![1] = JsonNode.Parse(step);
        FixtureAssert.CaseRejected(_fixture, Metric, "steps[1]: a reset step is exactly {\"reset\": true}");
    }

    [Fact]
    public void UpdateStepNeedsAValueWhenTheCaseHasOne()
    {
        JsonObject step = _fixture.Case("metric/000000")["steps"]![2]!.AsObject();
        step.Remove("value");
        step.Remove("exact");
        step.Remove("bound");
        _fixture.Tensors.RemoveAll(t => t.Name.StartsWith("keras2/metric/000000/steps/2/", StringComparison.Ordinal) && !t.Name.Contains("inputs", StringComparison.Ordinal));
        FixtureAssert.CaseRejected(_fixture, Metric, "steps[2] has no value, but the case expects one");
    }

    [Fact]
    public void UpdateStepInputsAreMetricInputs()
    {
        _fixture.Case("metric/000000")["steps"]![0]!["inputs"]!["mask"] = "keras2/loss/000000/inputs/mask";
        FixtureAssert.CaseRejected(_fixture, Metric, "steps[0].inputs.mask: not an input of a metric step");
    }

    [Fact]
    public void MetricCaseHasNoTopLevelInputs()
    {
        _fixture.Case("metric/000000")["inputs"]!["y_true"] = "keras2/metric/000000/steps/0/inputs/y_true";
        FixtureAssert.CaseRejected(_fixture, Metric, "inputs.y_true: a case of api 'metric' has no inputs here");
    }
}

using System.Collections.Generic;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Reference;
using CosineParity.Tests.Parity;
using Xunit;

namespace CosineParity.Tests.Reference;

/// <summary>What <see cref="ExactReference"/> answers, rejects and judges.</summary>
public sealed class ExactReferenceApiTests
{
    private static readonly TensorData Floats = TensorData.Create<float>([1f, 2f, 3f, 4f], [2, 2]);

    [Theory]
    [InlineData(Profiles.Keras2, Apis.Loss, """{"reduction": null}""")]
    [InlineData(Profiles.Keras2, Apis.Loss, """{"reduction": "mean"}""")]
    [InlineData(Profiles.Keras2, Apis.Loss, """{"reduction": "auto", "replicas": 2}""")]
    [InlineData(Profiles.Keras3, Apis.Loss, """{"reduction": "bogus"}""")]
    [InlineData(Profiles.Keras3, Apis.Loss, """{"dtype": "int64"}""")]
    [InlineData(Profiles.Keras3, Apis.Loss, """{"from_logits": true}""")]
    [InlineData(Profiles.Keras3, Apis.Function, """{"axis": 2}""")]
    [InlineData(Profiles.Keras3, Apis.Metric, "{}")]
    [InlineData("keras4", Apis.Loss, "{}")]
    public void Questions_the_rules_cannot_answer_are_rejected(string profile, string api, string args)
    {
        ReferenceAnswer answer = ExactReference.Evaluate(profile, api, CaseArgs.Parse(args), Inputs(Floats, Floats));
        Assert.True(answer.IsRejected);
        Assert.Null(answer.Exact);
    }

    [Fact]
    public void Keras2_refuses_two_dtypes_and_keras3_casts()
    {
        TensorData doubles = TensorData.Create<double>([1, 2, 3, 4], [2, 2]);
        Assert.True(ExactReference.Evaluate(Profiles.Keras2, Apis.Function, CaseArgs.Empty, Inputs(doubles, Floats)).IsRejected);
        ReferenceAnswer keras3 = ExactReference.Evaluate(Profiles.Keras3, Apis.Function, CaseArgs.Empty, Inputs(doubles, Floats));
        Assert.Equal(TensorDType.Float32, keras3.ValueDType);
        Assert.Equal(TensorDType.Float64, keras3.Gradients["y_true"].Exact.DType);
        Assert.Equal([2, 2], keras3.Gradients["y_true"].Exact.Shape);
    }

    [Fact]
    public void Numpy_inputs_and_integer_inputs_have_no_gradient()
    {
        Assert.Empty(ExactReference.Evaluate(Profiles.Keras2, Apis.Loss, CaseArgs.Parse("""{"input_kind": "numpy"}"""),
            Inputs(Floats, Floats)).Gradients);
        TensorData longs = TensorData.Create<long>([1, 2, 3, 4], [2, 2]);
        ReferenceAnswer answer = ExactReference.Evaluate(Profiles.Keras3, Apis.Loss, CaseArgs.Empty, Inputs(longs, Floats));
        Assert.Equal(["y_pred"], answer.Gradients.Keys);
    }

    [Fact]
    public void The_answer_judges_values_by_the_fixture_rule()
    {
        ReferenceAnswer answer = ExactReference.Evaluate(Profiles.Keras3, Apis.Loss, CaseArgs.Empty, Inputs(Floats, Floats));
        Assert.Equal([], answer.Exact!.Shape);
        Assert.True(answer.Judge(TensorData.CreateScalar(-1f)).Passed);
        Assert.False(answer.Judge(TensorData.CreateScalar(-0.999f)).Passed);
        Assert.False(answer.Judge(TensorData.CreateScalar(-1.0)).Passed);   // TF returns float32 here
        Assert.False(answer.Judge(TensorData.Create<float>([-1f], [1])).Passed);
    }

    [Fact]
    public void A_recorded_case_gets_its_recorded_exact_and_bound()
    {
        ParityCase recorded = FixtureCatalog.Case("keras3/seed-doc/class/000001");
        ReferenceAnswer answer = ExactReference.Evaluate(recorded);
        Assert.Equal(recorded.Expected.Value!.Exact, answer.Exact);
        Assert.True(answer.Judge(recorded.Expected.Value.Value).Passed);
        foreach ((string name, TensorData tf) in recorded.Gradients)
        {
            Assert.True(answer.JudgeGradient(name, tf).Passed, name);
        }
    }

    private static Dictionary<string, CaseInput> Inputs(TensorData yTrue, TensorData yPred) =>
        new() { ["y_true"] = new TensorInput(yTrue), ["y_pred"] = new TensorInput(yPred) };
}

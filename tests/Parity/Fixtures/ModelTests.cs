using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;
using Xunit;

namespace CosineParity.Tests.Fixtures;

/// <summary>The case model's own invariants, for cases built in memory.</summary>
public sealed class ModelTests
{
    private static readonly TensorData Value = TensorData.Create<float>([1f, 2f], [2]);
    private static readonly TensorData Exact = TensorData.Create<double>([1, 2], [2]);
    private static readonly TensorData Bound = TensorData.Create<double>([0, 1e-7], [2]);

    [Fact]
    public void ExpectedHoldsExactlyOneAnswer()
    {
        var number = new ExpectedNumber(Value, Exact, Bound);
        Assert.Equal(ExpectedKind.Value, CaseExpected.FromValue(number).Kind);
        Assert.Equal(ExpectedKind.Error, CaseExpected.FromError(new CaseError("ValueError", "m")).Kind);
        Assert.Equal(ExpectedKind.Config, CaseExpected.FromConfig(new JsonObject()).Kind);
        Assert.Empty(CaseExpected.FromValue(number).Gradients);
        Assert.Throws<ArgumentException>(() => new CaseExpected(null, null, null));
        Assert.Throws<ArgumentException>(() => new CaseExpected(number, new CaseError("E", "m"), null));
    }

    [Fact]
    public void GradientsBelongToAValue()
    {
        var gradients = new Dictionary<string, ExpectedGradient> { ["y_pred"] = new(Exact, Bound) };
        Assert.Single(CaseExpected.FromValue(new ExpectedNumber(Value, null, null), gradients).Gradients);
        Assert.Throws<ArgumentException>(() => new CaseExpected(null, new CaseError("E", "m"), null, gradients));
    }

    [Fact]
    public void ExactAndBoundAreFloat64OfTheValuesShape()
    {
        Assert.Throws<ArgumentException>(() => new ExpectedNumber(Value, Value, Bound));
        Assert.Throws<ArgumentException>(() => new ExpectedNumber(Value, Exact, TensorData.CreateScalar(0.0)));
        Assert.Throws<ArgumentException>(() => new ExpectedGradient(Value, Bound));
        Assert.Throws<ArgumentException>(() => new ExpectedGradient(Exact, TensorData.CreateScalar(0.0)));
        Assert.Null(new ExpectedNumber(Value, null, null).Exact);
    }

    [Fact]
    public void ScalarInputKeepsIntegerness()
    {
        Assert.True(new ScalarInput(2, true).IsInteger);
        Assert.Equal("2", new ScalarInput(2, true).ToString());
        Assert.Equal("2", new ScalarInput(2, false).ToString());
        Assert.Equal("2.175", new ScalarInput(2.175, false).ToString());
        Assert.NotEqual(new ScalarInput(2, true), new ScalarInput(2, false));
        Assert.Equal(0x0UL, BitConverter.DoubleToUInt64Bits(new ScalarInput(-0.0, true).Value));   // Python's int has no -0
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScalarInput(2.5, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScalarInput(double.NaN, false));
    }

    [Fact]
    public void ResetStepCarriesNothing()
    {
        Assert.True(MetricStep.ResetState.Reset);
        Assert.Empty(MetricStep.ResetState.Inputs);
        var inputs = new Dictionary<string, CaseInput> { ["y_true"] = new TensorInput(Value) };
        Assert.Throws<ArgumentException>(() => new MetricStep(true, inputs, null));
        Assert.Throws<ArgumentException>(() => new MetricStep(true, new Dictionary<string, CaseInput>(), new ExpectedNumber(Value, null, null)));
        Assert.False(MetricStep.Update(inputs, null).Reset);
    }

    [Fact]
    public void CaseBuiltInMemory()
    {
        var inputs = new Dictionary<string, CaseInput>
        {
            ["y_true"] = new TensorInput(Value),
            ["y_pred"] = new TensorInput(Value),
            ["sample_weight"] = new ScalarInput(0.5, false),
        };
        var c = new ParityCase("keras3/fuzz/x", Profiles.Keras3, "fuzz", Apis.Loss, "float32", CaseArgs.Parse("{\"reduction\": null}"),
            inputs, CaseExpected.FromValue(new ExpectedNumber(TensorData.CreateScalar(-1f), null, null)),
            new Dictionary<string, TensorData>(), [], []);
        Assert.Equal("keras3/fuzz/x", c.ToString());
        Assert.True(Apis.IsKnown(c.Api));
        Assert.Equal(5, Apis.All.Count);
        Assert.False(Apis.IsKnown("Loss"));
    }
}

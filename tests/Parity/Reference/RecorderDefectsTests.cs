using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Reference;
using CosineParity.Tests.Parity;
using Xunit;

namespace CosineParity.Tests.Reference;

/// <summary>
/// The three places where real TF showed the recorder's reference wrong on new inputs, and where this reference
/// does not copy it (src/TfOracle/Reference/README.md, "Where it departs from the recorder").
/// </summary>
public sealed class RecorderDefectsTests
{
    /// <summary>(a) r^3 for a norm of 2e153 is 7e-461: a float64 evaluation in the formula's order flushes it to 0
    /// and loses the whole term through s. The recorder's float64 error terms lost it too (bound 3.9e-169 where that
    /// evaluation is 2e-154 off); the reference keeps it.</summary>
    [Fact]
    public void A_cube_below_float64s_range_keeps_its_error()
    {
        ParityCase recorded = FixtureCatalog.Case("keras2/special/overflow/000032");   // loss, reduction none
        double[] t = Input(recorded, "y_true"), p = Input(recorded, "y_pred");
        double[] flushed = FormulaOrderGradientOfPred(t[..4], p[..4], dc: -1);
        ExpectedGradient record = recorded.Expected.Gradients["y_pred"];
        ExpectedGradient mine = ExactReference.Evaluate(recorded).Gradients["y_pred"];
        double[] exact = mine.Exact.ToDoubles(), bound = mine.Bound.ToDoubles(), recordedBound = record.Bound.ToDoubles();
        for (int i = 0; i < 4; i++)
        {
            double error = Math.Abs(flushed[i] - exact[i]);
            Assert.True(error > recordedBound[i], $"{i}: {error} within the recorded {recordedBound[i]}");
            Assert.True(error <= bound[i], $"{i}: {error} outside the reference's {bound[i]}");
        }
    }

    /// <summary>(a) again, on float64 inputs near 1e150 that no fixture holds: parallel vectors, whose exact gradient
    /// is 0, and the formula-order evaluation that flushes r^3 lands within the bound.</summary>
    [Fact]
    public void Float64_inputs_near_1e150_have_a_bound_that_covers_a_flushed_cube()
    {
        double[] t = [1e150, 2e150, -3e150], p = [2e150, 4e150, -6e150];
        ReferenceAnswer answer = ExactReference.Evaluate(Profiles.Keras2, Apis.Function, CaseArgs.Empty, Inputs(
            TensorData.Create<double>(t, [3]), TensorData.Create<double>(p, [3])));
        double[] flushed = FormulaOrderGradientOfPred(t, p, dc: -1);
        Assert.True(answer.JudgeGradient("y_pred", TensorData.Create<double>(flushed, [3])).Passed);
    }

    /// <summary>(b) Keras 3, a y_true row holding inf against an all-zero y_pred row: where the clamp holds, TF's
    /// Maximum/Minimum gradient is a select (and RsqrtGrad of a zero gradient is 0), so the branch through s adds
    /// exactly 0 although the sum it would multiply is NaN: TF's y_pred gradient is 0 at the finite entries. The
    /// recorder's 0 * NaN said NaN there.</summary>
    [Fact]
    public void Where_the_clamp_holds_the_gradient_through_s_is_exactly_zero()
    {
        ReferenceAnswer answer = ExactReference.Evaluate(Profiles.Keras3, Apis.Function, CaseArgs.Empty, Inputs(
            TensorData.Create<float>([float.PositiveInfinity, 1f, 2f], [1, 3]), TensorData.Create<float>([0f, 0f, 0f], [1, 3])));
        Assert.True(double.IsNaN(answer.Exact!.ToDoubles()[0]));
        ExpectedGradient pred = answer.Gradients["y_pred"];
        Assert.Equal([double.NaN, 0, 0], pred.Exact.ToDoubles());
        Assert.Equal([0.0, 0, 0], pred.Bound.ToDoubles());
        Assert.True(answer.JudgeGradient("y_pred", TensorData.Create<float>([float.NaN, 0f, -0f], [1, 3])).Passed);
        Assert.False(answer.JudgeGradient("y_pred", TensorData.Create<float>([float.NaN, float.NaN, float.NaN], [1, 3])).Passed);
        Assert.All(answer.Gradients["y_true"].Exact.ToDoubles(), g => Assert.True(double.IsNaN(g)));   // inf * 0 upstream: NaN in TF too
    }

    /// <summary>(c) Keras 3 <c>dtype="float64"</c> over bfloat16 inputs near 1e-39: TF reads a bfloat16 subnormal as 0
    /// even while casting it to float64, as it does for float32 sources, so it answers 0. The recorder's input rule
    /// listed only float32/float64 sources and gave a bound that 0 is 1e15 bounds outside.</summary>
    [Fact]
    public void A_bfloat16_subnormal_cast_to_float64_may_be_read_as_zero()
    {
        TensorData brain = TensorData.Create<BFloat16>([(BFloat16)1e-39f, (BFloat16)(-2e-39f), (BFloat16)3e-39f], [1, 3]);
        TensorData wide = TensorData.Create<double>(brain.ToDoubles(), [1, 3]);
        CaseArgs args = CaseArgs.Parse("""{"dtype": "float64", "reduction": "none"}""");
        ReferenceAnswer fromBrain = ExactReference.Evaluate(Profiles.Keras3, Apis.Loss, args, Inputs(brain, brain));
        ReferenceAnswer fromWide = ExactReference.Evaluate(Profiles.Keras3, Apis.Loss, args, Inputs(wide, wide));
        Assert.Equal(fromWide.Exact, fromBrain.Exact);                    // the same values, so the same exact answer
        Assert.True(fromBrain.Exact!.ToDoubles()[0] < 0);
        TensorData tfAnswer = TensorData.Create<double>([-0.0], [1]);    // the inputs read as zeros
        Assert.True(fromBrain.Judge(tfAnswer).Passed);
        Assert.False(fromWide.Judge(tfAnswer).Passed);                    // float64 inputs of these values are normal
    }

    private static double[] Input(ParityCase c, string name) => ((TensorInput)c.Inputs[name]).Tensor.ToDoubles();

    private static Dictionary<string, CaseInput> Inputs(TensorData yTrue, TensorData yPred) =>
        new() { ["y_true"] = new TensorInput(yTrue), ["y_pred"] = new TensorInput(yPred) };

    /// <summary>d/dp of dc * cosine(t, p) in plain float64 in the formula's order, <c>r*r*r</c> first (keras2 clamp).</summary>
    private static double[] FormulaOrderGradientOfPred(double[] t, double[] p, double dc)
    {
        double rt = 1 / Math.Sqrt(Math.Max(t.Sum(v => v * v), 1e-12)), rp = 1 / Math.Sqrt(Math.Max(p.Sum(v => v * v), 1e-12));
        double[] ybar = [.. t.Select(v => dc * (v * rt))];
        double slope = rp * rp * rp * -0.5;   // 0 once the cube is below float64's range
        double inner = ybar.Zip(p, (a, b) => a * b).Sum();
        return [.. ybar.Select((v, i) => (v * rp) + (p[i] * (slope * inner * 2)))];
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Reference;
using Xunit;

namespace CosineParity.Tests.Port.Mutation;

/// <summary>
/// The gradient files (<see cref="FusedBackward"/>, <see cref="CosineEvaluator"/>, <see cref="CosineBackward"/>,
/// <see cref="Evaluation"/>, <see cref="GradientRows{T}"/>) pinned where the fixture sample and the gradient theories
/// left mutants alive (src/Port/MUTATION.md, "Gradient files"): each guard at its exact limit, which path serves
/// which call, the gradients of a broadcast product, the function's upstream, writes that stay inside their row, and
/// allocation on the paths the fused pass does not take.
/// </summary>
public sealed class GradientMutationTests
{
    private static readonly Precision Single = Precision.Of(KerasDType.Float32), Wide = Precision.Of(KerasDType.Float64);

    /// <summary>The forward's fused-form guard: finite dot product, both inverse norms positive, the scale up to and
    /// including its limit, the dot product from its floor on.</summary>
    [Fact]
    public void The_fused_form_holds_exactly_inside_its_guards()
    {
        double scale = CosineEvaluator.FusedScaleLimit(false), floor = CosineEvaluator.SmallestFusedDot(false, 4);
        Assert.True(CosineEvaluator.FusedFormHolds(0.5, 1, 1, scale, floor));
        Assert.False(CosineEvaluator.FusedFormHolds(0.5, 0, 1, scale, floor));   // an infinite y_true row: r_t = 0
        Assert.False(CosineEvaluator.FusedFormHolds(0.5, 1, 0, scale, floor));
        Assert.False(CosineEvaluator.FusedFormHolds(double.PositiveInfinity, 1, 1, scale, floor));
        Assert.True(CosineEvaluator.FusedFormHolds(0.5, Math.ScaleB(1, 11), Math.ScaleB(1, 10), scale, floor));   // r_t r_p = the limit
        Assert.False(CosineEvaluator.FusedFormHolds(0.5, Math.ScaleB(1, 11), Math.BitIncrement(Math.ScaleB(1, 10)), scale, floor));
        Assert.True(CosineEvaluator.FusedFormHolds(-floor, 1, 1, scale, floor));
    }

    /// <summary>The limits as the class comments state them: scale 2^21 (float accumulator) and 2^50 (double), the
    /// dot-product floor 8 n times the accumulator's smallest normal, and the coefficients' smallest normal of the
    /// accumulator they are applied in (float for float32 and the 16-bit types, double for float64).</summary>
    [Fact]
    public void The_fused_limits_are_the_documented_ones()
    {
        Assert.Equal(Math.ScaleB(1, 21), CosineEvaluator.FusedScaleLimit(false));
        Assert.Equal(Math.ScaleB(1, 50), CosineEvaluator.FusedScaleLimit(true));
        Assert.Equal(8.0 * 70 * Math.ScaleB(1, -126), CosineEvaluator.SmallestFusedDot(false, 70));
        Assert.Equal(8.0 * 70 * Math.ScaleB(1, -1022), CosineEvaluator.SmallestFusedDot(true, 70));
        Assert.Equal(Math.ScaleB(1, -126), FusedLimits.For(Single, 70).SmallestNormal);
        Assert.Equal(Math.ScaleB(1, -126), FusedLimits.For(Precision.Of(KerasDType.Float16), 70).SmallestNormal);
        Assert.Equal(Math.ScaleB(1, -1022), FusedLimits.For(Wide, 70).SmallestNormal);
        Assert.Equal(float.MaxValue, FusedLimits.For(Single, 70).Largest);
    }

    /// <summary>
    /// <see cref="FusedBackward.RowCoefficients"/>'s guards one at a time, each case failing exactly one of them (the
    /// others hold), so that no guard stands in for another: <c>dc r_p</c> outside the safe range while its product
    /// with the dot product is inside; <c>dr_t</c> (or <c>dr_p</c>) alone below the safe range; the scale alone below
    /// it; <c>a</c> at exactly the safe maximum and at exactly float32's largest; one slope alone infinite; both
    /// slopes at exactly float32's largest.
    /// </summary>
    [Theory]
    [InlineData(Profiles.Keras2)]
    [InlineData(Profiles.Keras3)]
    public void Each_coefficient_guard_rejects_on_its_own(string profile)
    {
        KerasProfile kerasProfile = profile == Profiles.Keras2 ? KerasProfile.Keras2 : KerasProfile.Keras3;
        bool Holds(Precision precision, double tt, double pp, double tp, double dc)
        {
            var sums = new RowStatistics(tt, pp, tp, kerasProfile.InverseNorm(precision.Round(tt), precision), kerasProfile.InverseNorm(precision.Round(pp), precision));
            return FusedBackward.RowCoefficients(kerasProfile, precision, FusedLimits.For(precision, 4), sums, dc, out _, out _, out _);
        }

        double P(int e) => Math.ScaleB(1, e);

        // r_t = 2^10, r_p = 2^-20: dc r_p = 2^-905 is outside (its split is not exact), dr_t = 2^-895 inside.
        Assert.False(Holds(Wide, P(-20), P(40), P(10), P(-885)));
        Assert.True(Holds(Wide, P(-20), P(40), P(10), P(-875)));
        // r_t = 2^19, r_p = 2^-19 (inside both clamps), dot 2^-20: dr_t = 2^-909 below the safe range while
        // dr_p = 2^-871 is not; and the mirror.
        Assert.False(Holds(Wide, P(-38), P(38), P(-20), P(-870)));
        Assert.False(Holds(Wide, P(38), P(-38), P(-20), P(-870)));
        Assert.True(Holds(Wide, P(-38), P(38), P(-20), P(-860)));
        // r_t = r_p = 2^-500: the scale 2^-1000 is outside, a = 2^-800 and both dr = 2^600 inside.
        Assert.False(Holds(Wide, P(1000), P(1000), P(900), P(200)));
        // a = dc exactly at the safe maximum 2^900 passes.
        Assert.True(Holds(Wide, 1, 1, 0.5, P(900)));
        // Float32: a = float.MaxValue exactly passes; r_t = 1/2, r_p = 1 make only dr_t = 2^128 overflow (2 ds_t
        // infinite, 2 ds_p = -2^127 finite).
        Assert.True(Holds(Single, 1, 1, 0.5, float.MaxValue));
        Assert.False(Holds(Single, 4, 1, 2, P(127)));
        Assert.True(Holds(Single, 4, 1, 2, P(126)));
        // Parallel unit rows, dc = float.MaxValue: 2 ds = -dr = -float.MaxValue exactly, at the limit, passes.
        Assert.True(Holds(Single, 1, 1, 1, float.MaxValue));
    }

    /// <summary><see cref="KernelSwitch.Vectorize"/> = false sends dense rows to the per-op path: bit for bit what a
    /// strided view of the same values gets (which the fused pass never takes), and not what the fused pass gives.</summary>
    [Theory]
    [InlineData(Profiles.Keras2)]
    [InlineData(Profiles.Keras3)]
    public void The_scalar_switch_takes_the_per_op_path(string profile)
    {
        KerasProfile kerasProfile = profile == Profiles.Keras2 ? KerasProfile.Keras2 : KerasProfile.Keras3;
        const int rows = 9, n = 37;
        float[] t = FusedBackwardTests.Values<float>(rows * n, 11), p = FusedBackwardTests.Values<float>(rows * n, 12);
        float[] tStrided = new float[rows * (n + 1)], pStrided = new float[rows * (n + 1)];
        for (int row = 0; row < rows; row++)
        {
            t.AsSpan(row * n, n).CopyTo(tStrided.AsSpan(row * (n + 1)));
            p.AsSpan(row * n, n).CopyTo(pStrided.AsSpan(row * (n + 1)));
        }

        LossGradients<float, float, float> Dense() => CosineSimilarity.ComputeWithGradients(
            kerasProfile, new ShapedSpan<float>(t, [rows, n]), new ShapedSpan<float>(p, [rows, n]));
        LossGradients<float, float, float> strided = CosineSimilarity.ComputeWithGradients<float, float>(
            kerasProfile,
            new ReadOnlyTensorSpan<float>(tStrided, [rows, n], [n + 1, 1]),
            new ReadOnlyTensorSpan<float>(pStrided, [rows, n], [n + 1, 1]));
        LossGradients<float, float, float> fused = Dense(), scalar;
        KernelSwitch.Vectorize = false;
        try
        {
            scalar = Dense();
        }
        finally
        {
            KernelSwitch.Vectorize = true;
        }

        Assert.Equal(strided.YPred!.Values.ToArray(), scalar.YPred!.Values.ToArray());
        Assert.Equal(strided.YTrue!.Values.ToArray(), scalar.YTrue!.Values.ToArray());
        Assert.NotEqual(fused.YPred!.Values.ToArray(), scalar.YPred!.Values.ToArray());
    }

    /// <summary>The function's gradients over a broadcast product (a [2, 4, 3] y_true against a [4, 3] y_pred, Keras 2's
    /// function broadcasts): within the exact reference's bound, each element scaled by its own row's inverse norm.</summary>
    [Fact]
    public void A_broadcast_products_gradients_are_within_the_bound()
    {
        float[] t = FusedBackwardTests.Values<float>(24, 21), p = FusedBackwardTests.Values<float>(12, 22);
        var value = new float[8];
        float[] tGradient = new float[24], pGradient = new float[12];
        CosineSimilarity.ComputeWithGradients(
            KerasProfile.Keras2, new ShapedSpan<float>(t, [2, 4, 3]), new ShapedSpan<float>(p, [4, 3]), Axes.Last, value, tGradient, pGradient);
        ReferenceAnswer answer = ExactReference.Evaluate(Profiles.Keras2, Apis.Function, CaseArgs.Parse("{\"axis\": -1}"), new Dictionary<string, CaseInput>
        {
            ["y_true"] = new TensorInput(TensorData.Create<float>(t, [2, 4, 3])),
            ["y_pred"] = new TensorInput(TensorData.Create<float>(p, [4, 3])),
        });
        Verdict trueVerdict = answer.JudgeGradient("y_true", TensorData.Create<float>(tGradient, [2, 4, 3]));
        Verdict predVerdict = answer.JudgeGradient("y_pred", TensorData.Create<float>(pGradient, [4, 3]));
        Assert.True(trueVerdict.Passed, trueVerdict.Failure);
        Assert.True(predVerdict.Passed, predVerdict.Failure);
    }

    /// <summary>The function's upstream gradient scales both input gradients exactly (powers of two), on the fused
    /// path and on the per-op path.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_functions_upstream_scales_its_gradients(bool vectorize)
    {
        const int rows = 4, n = 20;
        float[] t = FusedBackwardTests.Values<float>(rows * n, 31), p = FusedBackwardTests.Values<float>(rows * n, 32);
        float[] scales = [2, 0.5f, 4, 1];
        (float[] T, float[] P) Gradients(float[] upstream)
        {
            float[] value = new float[rows], tGradient = new float[t.Length], pGradient = new float[p.Length];
            CosineSimilarity.ComputeWithGradients(
                KerasProfile.Keras3, new ShapedSpan<float>(t, [rows, n]), new ShapedSpan<float>(p, [rows, n]), Axes.Last, value, tGradient, pGradient, upstream);
            return (tGradient, pGradient);
        }

        KernelSwitch.Vectorize = vectorize;
        try
        {
            (float[] tOnes, float[] pOnes) = Gradients([]);
            (float[] tScaled, float[] pScaled) = Gradients(scales);
            Assert.Equal(tOnes.Select((g, i) => scales[i / n] * g), tScaled);
            Assert.Equal(pOnes.Select((g, i) => scales[i / n] * g), pScaled);
            Assert.Contains(pOnes, g => g != 0);
        }
        finally
        {
            KernelSwitch.Vectorize = true;
        }
    }

    /// <summary><see cref="DenseBackward.Row{T}"/> writes its row and nothing after it, also when the row ends inside a
    /// vector (its last partial vector is written as the row's last full one, never past the end).</summary>
    [Fact]
    public void The_three_pass_row_writes_nothing_past_its_row()
    {
        int n = Vector<float>.Count + 3;
        float[] t = FusedBackwardTests.Values<float>(n, 41), p = FusedBackwardTests.Values<float>(n, 42);
        float[] tGradient = new float[2 * n], pGradient = new float[2 * n];
        tGradient.AsSpan(n).Fill(float.NaN);
        pGradient.AsSpan(n).Fill(float.NaN);
        DenseBackward.Row(KerasProfile.Keras3, Single, t, p, -1, tGradient.AsSpan(0, n), pGradient.AsSpan(0, n));
        Assert.All(tGradient[n..], g => Assert.True(float.IsNaN(g)));
        Assert.All(pGradient[n..], g => Assert.True(float.IsNaN(g)));
        Assert.DoesNotContain(tGradient[..n], float.IsNaN);
        Assert.Contains(tGradient[..n], g => g != 0);
    }

    /// <summary><see cref="GradientPass{TAcc}.Row{TIn}"/> writes its row and nothing after it, at every width, for
    /// every length whose vectors end inside or at the row's end.</summary>
    [Fact]
    public void The_fused_row_writes_nothing_past_its_row()
    {
        foreach (int bits in new[] { 512, 256, 128, 0 })
        {
            for (int n = 0; n <= 40; n++)
            {
                float[] t = FusedBackwardTests.Values<float>(n, 61), p = FusedBackwardTests.Values<float>(n, 62);
                float[] tGradient = new float[n + 32], pGradient = new float[n + 32];
                tGradient.AsSpan(n).Fill(float.NaN);
                pGradient.AsSpan(n).Fill(float.NaN);
                GradientPass<float>.Row(bits, t, p, 0.5f, -0.25f, 0.75f, tGradient.AsSpan(0, n), pGradient.AsSpan(0, n));
                Assert.All(tGradient[n..], g => Assert.True(float.IsNaN(g), $"{bits} bits, length {n}"));
                Assert.All(pGradient[n..], g => Assert.True(float.IsNaN(g), $"{bits} bits, length {n}"));
                Assert.DoesNotContain(pGradient[..n], float.IsNaN);
            }
        }
    }

    /// <summary>The paths the fused pass does not take allocate nothing after the first call either: the forward loss,
    /// the function with gradients, and the per-op backward (the scalar switch).</summary>
    [Fact]
    public void The_other_paths_allocate_nothing_after_the_first_call()
    {
        const int rows = 8, n = 40;
        float[] t = FusedBackwardTests.Values<float>(rows * n, 51), p = FusedBackwardTests.Values<float>(rows * n, 52);
        float[] value = new float[rows], tGradient = new float[t.Length], pGradient = new float[p.Length];
        var loss = new CosineSimilarityLoss(KerasProfile.Keras3);
        long Allocated(Action call)
        {
            for (int i = 0; i < 5; i++)
            {
                call();
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            call();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, Allocated(() => loss.Compute<float, float, float>(
            new ShapedSpan<float>(t, [rows, n]), new ShapedSpan<float>(p, [rows, n]), default, default, value.AsSpan(0, 1))));
        Assert.Equal(0, Allocated(() => CosineSimilarity.ComputeWithGradients(
            KerasProfile.Keras3, new ShapedSpan<float>(t, [rows, n]), new ShapedSpan<float>(p, [rows, n]), Axes.Last, value, tGradient, pGradient)));
        KernelSwitch.Vectorize = false;
        try
        {
            Assert.Equal(0, FusedBackwardTests.Measure(loss, t, p, [rows, n]));
        }
        finally
        {
            KernelSwitch.Vectorize = true;
        }
    }
}

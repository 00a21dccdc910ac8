using System;
using System.Linq;
using CsCheck;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>Hand-derived gradients of the cosine loss and function, and finite differences away from the branches.</summary>
public sealed class GradientTests
{
    // The function's seed-document example, axis 1: t = [[0, 1], [1, 1]], p = [[1, 0], [1, 1]]. With
    // c = t.p / (|t||p|), d(-c)/dp = -(t / (|t||p|) - c p / |p|^2): row 0 (c = 0): -[0, 1] = [0, -1]; row 1 (c = 1,
    // |t| = |p| = sqrt 2): -([1, 1]/2 - [1, 1]/2) = [0, 0]. By symmetry d(-c)/dt = [[-1, 0], [0, 0]].
    [Theory]
    [InlineData("keras2")]
    [InlineData("keras3")]
    public void Seed_document_function_gradient(string profile)
    {
        float[] t = [0, 1, 1, 1], p = [1, 0, 1, 1];
        LossGradients<float, float, float> result = CosineSimilarity.ComputeWithGradients(
            KerasProfile.Parse(profile), new ShapedSpan<float>(t, [2, 2]), new ShapedSpan<float>(p, [2, 2]), 1);
        AssertClose([-1, 0, 0, 0], result.YTrue!.Values.ToArray(), 1e-6);
        AssertClose([0, -1, 0, 0], result.YPred!.Values.ToArray(), 1e-6);
    }

    // The loss's mean (sum_over_batch_size) over 2 rows divides every per-sample gradient by 2, and a weight w_j
    // multiplies row j's: with weights [0.8, 0.2] the gradient by p is [[0, -0.8/2], [0, 0]].
    [Fact]
    public void Weighted_mean_scales_each_row()
    {
        float[] t = [0, 1, 1, 1], p = [1, 0, 1, 1], w = [0.8f, 0.2f];
        var loss = new CosineSimilarityLoss(KerasProfile.Keras3, axis: 1);
        LossGradients<float, float, float> result = loss.ComputeWithGradients<float, float, float>(
            new ShapedSpan<float>(t, [2, 2]), new ShapedSpan<float>(p, [2, 2]), SampleWeight<float>.Tensor(new ShapedSpan<float>(w, [2])));
        AssertClose([0, -0.4, 0, 0], result.YPred!.Values.ToArray(), 1e-6);
    }

    // Keras 3, y_true = [inf, 1, 2] against y_pred = [0, 0, 0] (float32): r_t = min(rsqrt(inf), cap) = 0, so
    // x = [NaN, 0, 0]; r_p = min(rsqrt(0) = inf, 1e7) = 1e7 is held by the cap. ybar = dc * x = [NaN, 0, 0], and TF's
    // _MinimumGrad is a select: the path through rsqrt contributes exactly 0, not 0 * sum(ybar * p) = NaN. So the
    // gradient by y_pred is ybar * r_p = [NaN, 0, 0]: the finite entries get 0.
    [Fact]
    public void Keras3_clamp_is_a_select_even_against_a_nan_sum()
    {
        float[] t = [float.PositiveInfinity, 1, 2], p = [0, 0, 0];
        var loss = new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.Sum);
        float[] grad = loss.ComputeWithGradients<float, float, float>(
            new ShapedSpan<float>(t, [1, 3]), new ShapedSpan<float>(p, [1, 3])).YPred!.Values.ToArray();
        Assert.True(float.IsNaN(grad[0]));
        Assert.Equal(0f, grad[1]);
        Assert.Equal(0f, grad[2]);
    }

    // Keras 2 at the clamp's tie, s = eps exactly (float32): _MaximumGrad's greater_equal sends the gradient to s.
    // Function of t = [x, 0] and p = [1, 0], r = rsqrt(eps): xbar = -y = [-1, 0], dr = sum(xbar * t) = -x,
    // ds = -r^3 dr / 2, so the gradient by t_0 is -r + 2 x ds = -r + x^2 r^3 = -r + s r^3 = 0 (s r^2 = 1). Were the
    // tie held, it would be -r = -1e6.
    [Fact]
    public void Keras2_tie_at_the_clamp_lets_the_gradient_through()
    {
        float eps = (float)1e-12, x = MathF.Sqrt(eps);
        while (x * x != eps)
        {
            x = x * x < eps ? MathF.BitIncrement(x) : MathF.BitDecrement(x);
        }

        float[] t = [x, 0], p = [1, 0];
        float[] grad = CosineSimilarity.ComputeWithGradients(
            KerasProfile.Keras2, new ShapedSpan<float>(t, [1, 2]), new ShapedSpan<float>(p, [1, 2])).YTrue!.Values.ToArray();
        Assert.True(Math.Abs(grad[0]) < 1e3, $"the tie was held: {grad[0]}");
    }

    // TF's RsqrtGrad returns 0 for a zero incoming gradient, even at r = inf. Keras 3 in float16 has no cap (1e7 is
    // inf), so a zero y_pred row has r_p = inf, and the cap (inf <= inf) lets the gradient through. With y_true =
    // [1, 0]: ybar = dc * x = [-1, -0], dr = sum(ybar * p) = 0, so ds = 0 (not -0.5 * 0 * inf = NaN), and the
    // gradient is ybar * inf = [-inf, NaN].
    [Fact]
    public void Zero_incoming_gradient_gives_zero_through_an_infinite_inverse_norm()
    {
        Half[] t = [(Half)1, (Half)0], p = [(Half)0, (Half)0];
        Half[] grad = CosineSimilarity.ComputeWithGradients(
            KerasProfile.Keras3, new ShapedSpan<Half>(t, [1, 2]), new ShapedSpan<Half>(p, [1, 2])).YPred!.Values.ToArray();
        Assert.Equal(Half.NegativeInfinity, grad[0]);
        Assert.True(Half.IsNaN(grad[1]));
    }

    // Finite differences in float64 away from the branches: every row's norm is at least 0.5, so neither clamp holds
    // and the loss is smooth. A central difference with step h has error O(h^2 f''') plus rounding O(u f / h); with
    // h = 1e-5 and unit-sized inputs both are below 1e-8, so analytic and numeric gradients agree to 1e-6.
    [Theory]
    [InlineData("keras2")]
    [InlineData("keras3")]
    public void Gradients_match_central_differences(string profileName)
    {
        KerasProfile profile = KerasProfile.Parse(profileName);
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 6], Gen.Int[0, 2]).SelectMany((rows, length, reduction) =>
                Gen.Double[-2, 2].Array[2 * rows * length].Select(values => (rows, length, reduction, values)))
            .Where(c => Enumerable.Range(0, 2 * c.rows).All(r => Norm(c.values.AsSpan(r * c.length, c.length)) >= 0.5))
            .Sample(c =>
            {
                LossReduction reduction = new[] { LossReduction.Sum, LossReduction.SumOverBatchSize, LossReduction.None }[c.reduction];
                var loss = new CosineSimilarityLoss(profile, reduction: reduction, dtype: profile == KerasProfile.Keras3 ? KerasDType.Float64 : null);
                int n = c.rows * c.length;
                double[] t = c.values[..n], p = c.values[n..];
                nint[] shape = [c.rows, c.length];
                double Total(double[] tt, double[] pp) =>
                    loss.Compute<double, double, double>(new ShapedSpan<double>(tt, shape), new ShapedSpan<double>(pp, shape)).Values.ToArray().Sum();
                LossGradients<double, double, double> analytic = loss.ComputeWithGradients<double, double, double>(
                    new ShapedSpan<double>(t, shape), new ShapedSpan<double>(p, shape));
                const double h = 1e-5;
                for (int i = 0; i < n; i++)
                {
                    double[] up = (double[])p.Clone(), down = (double[])p.Clone();
                    up[i] += h;
                    down[i] -= h;
                    double numeric = (Total(t, up) - Total(t, down)) / (2 * h);
                    if (Math.Abs(numeric - analytic.YPred!.Values[i]) > 1e-6)
                    {
                        return false;
                    }

                    up = (double[])t.Clone();
                    down = (double[])t.Clone();
                    up[i] += h;
                    down[i] -= h;
                    numeric = (Total(up, p) - Total(down, p)) / (2 * h);
                    if (Math.Abs(numeric - analytic.YTrue!.Values[i]) > 1e-6)
                    {
                        return false;
                    }
                }

                return true;
            }, iter: 200);
    }

    private static double Norm(ReadOnlySpan<double> row)
    {
        double sum = 0;
        foreach (double v in row)
        {
            sum += v * v;
        }

        return Math.Sqrt(sum);
    }

    private static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {actual[i]} vs {expected[i]}");
        }
    }
}

using System;
using System.Linq;
using System.Numerics.Tensors;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace CosineParity.Tests.Port;

/// <summary>
/// Properties of the loss that hold for any inputs away from the clamp, checked with CsCheck on random float64
/// batches [B, D] (B 1..8, D 1..16, every row's norm &gt;= 1e-3), for both profiles (Keras 3 given
/// <c>dtype=float64</c>, since it would otherwise cast to float32). A failing property throws CsCheck's exception,
/// whose message holds the seed that reproduces it (pass it as <c>seed:</c> to <see cref="Check.Sample{T}(Gen{T}, Action{T}, Action{string}, string, long, int, int, Func{T, string}, ISampleLogger)"/>).
/// </summary>
/// <remarks>
/// The tolerance. Away from the clamp every row is unclamped: norms &gt;= 1e-3 give <c>s &gt;= 1e-6 &gt;&gt; 1e-12</c>
/// (Keras 2's floor) and <c>rsqrt(s) &lt;= 1e3 &lt;&lt; 1e7</c> (Keras 3's cap), and the scale-invariance property's
/// factors (2^-8 .. 2^8) keep <c>s &gt;= 1.5e-11</c> and <c>rsqrt(s) &lt;= 2.6e5</c>. In float64 (u = 2^-53) one
/// evaluation of a row's cosine, either Keras's literal <c>sum((t*r_t) * (p*r_p))</c> or the fused <c>sum(t*p) * r_t * r_p</c>, is within
/// <c>(2D + 12) u * sum_k |x_k y_k|</c> of the exact cosine: gamma(D) for the sum of products, gamma(D)/2 + 3u for each
/// <c>r = 1/sqrt(s)</c> (the sum of squares, the square root, the division), u for each <c>t*r</c>, u for each product.
/// By Cauchy-Schwarz <c>sum_k |x_k y_k| &lt;= |x| |y| = 1</c> (to within those same u's), so the bound is absolute.
/// Two evaluations that should agree differ by at most twice that, <c>(4D + 24) u</c>, and rescaling the inputs
/// (<c>a*t</c> rounds each element once) moves the exact cosine by at most about 4u more. <c>64 D u</c> covers
/// <c>(4D + 28) u</c> for every D &gt;= 1 with room to spare. A mean over B rows adds its own sums (gamma(B) each,
/// relative to sum |l_i| / B &lt;= 1) and a division: <c>64 (D + B) u</c>.
/// </remarks>
public sealed class PropertyTests(ITestOutputHelper output)
{
    private const long Iterations = 1000;
    private static readonly double U = Math.ScaleB(1, -53);

    public static TheoryData<string> Profiles => ["keras2", "keras3"];

    // ---- generators ----------------------------------------------------------------------------------------------

    /// <summary>Uniform in [-1, 1) (CsCheck's <c>Gen.Double[-1, 1]</c> favours edge values: tiny magnitudes, 0, simple
    /// fractions), with an exact 0 one time in ten.</summary>
    private static readonly Gen<double> Element =
        Gen.Frequency((9, Gen.Double.Unit.Select(u => (2 * u) - 1)), (1, Gen.Const(0.0)));

    /// <summary>A factor 2^e with e uniform in [-8, 8].</summary>
    private static readonly Gen<double> Factor = Gen.Double.Unit.Select(u => Math.Pow(2, (16 * u) - 8));

    /// <summary>B*D values, row by row: <see cref="Element"/> times 2^e per row (e in -6..6), every row's norm >= 1e-3.</summary>
    private static Gen<double[]> Values(int b, int d) =>
        from values in Element.Array[b * d]
        from exponents in Gen.Int[-6, 6].Array[b]
        let scaled = values.Select((v, i) => Math.ScaleB(v, exponents[i / d])).ToArray()
        where Enumerable.Range(0, b).All(row => Norm(scaled.AsSpan(row * d, d)) >= 1e-3)
        select scaled;

    private static readonly Gen<(int B, int D, double[] T, double[] P)> Batch =
        from b in Gen.Int[1, 8]
        from d in Gen.Int[1, 16]
        from t in Values(b, d)
        from p in Values(b, d)
        select (b, d, t, p);

    private static double Norm(ReadOnlySpan<double> row)
    {
        double s = 0;
        foreach (double v in row)
        {
            s += v * v;
        }

        return Math.Sqrt(s);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private void Check<T>(Gen<T> gen, Action<T> property) =>
        gen.Sample(property, writeLine: output.WriteLine, iter: Iterations);

    private static KerasProfile Profile(string name) => KerasProfile.Parse(name);

    /// <summary>The loss computing in float64 (Keras 3's dtype argument; Keras 2 computes in the inputs' dtype).</summary>
    private static CosineSimilarityLoss Loss(KerasProfile profile, LossReduction reduction, Axes? axis = null) =>
        new(profile, axis, reduction, profile == KerasProfile.Keras3 ? KerasDType.Float64 : null);

    /// <summary>The loss through the destination overload (the tensor-returning one loses reduced values, see
    /// <see cref="SemanticsTests.ReducedValuesSurviveTheTensorOverloads"/>).</summary>
    private static double[] Run(CosineSimilarityLoss loss, double[] t, double[] p, nint[] shape, SampleWeight<double> weight = default)
    {
        Tensor<double> yTrue = Tensor.Create(t, shape), yPred = Tensor.Create(p, shape);
        int[] resultShape = loss.GetResultShape<double, double, double>(yTrue, yPred, weight);
        var values = new double[resultShape.Aggregate(1, (a, b) => a * b)];
        loss.Compute<double, double, double>(yTrue, yPred, weight, KerasMask.None, values);
        return values;
    }

    private static double[] PerSample(KerasProfile profile, int b, int d, double[] t, double[] p) =>
        Run(Loss(profile, LossReduction.None), t, p, [b, d]);

    private static double RowTolerance(int d) => 64 * d * U;

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= tolerance))
            {
                Assert.Fail($"{what}[{i}]: {actual[i]:R} vs {expected[i]:R}, |difference| {error:R} > tolerance {tolerance:R}");
            }
        }
    }

    private static void AssertBitIdentical(double[] expected, double[] actual, string what)
    {
        if (!expected.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(actual.Select(BitConverter.DoubleToInt64Bits)))
        {
            Assert.Fail($"{what}: [{Format(expected)}] vs [{Format(actual)}]");
        }

        static string Format(double[] values) =>
            string.Join(", ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
    }

    // ---- the properties ------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Profiles))]
    public void ScaleInvariance(string name)
    {
        KerasProfile profile = Profile(name);
        Gen<((int B, int D, double[] T, double[] P) Batch, double A, double Bs)> gen =
            from batch in Batch
            from a in Factor
            from bs in Factor
            select (batch, a, bs);
        Check(gen, sample =>
        {
            (int b, int d, double[] t, double[] p) = sample.Batch;
            double[] scaledT = t.Select(v => sample.A * v).ToArray(), scaledP = p.Select(v => sample.Bs * v).ToArray();
            AssertClose(PerSample(profile, b, d, t, p), PerSample(profile, b, d, scaledT, scaledP), RowTolerance(d), "loss(a t, b p) vs loss(t, p)");
        });
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void SwappingTrueAndPredKeepsEveryLoss(string name)
    {
        KerasProfile profile = Profile(name);
        Check(Batch, sample =>
        {
            (int b, int d, double[] t, double[] p) = sample;
            AssertClose(PerSample(profile, b, d, t, p), PerSample(profile, b, d, p, t), RowTolerance(d), "loss(p, t) vs loss(t, p)");
        });
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void PermutingTheReducedAxisKeepsEveryLoss(string name)
    {
        KerasProfile profile = Profile(name);
        Gen<((int B, int D, double[] T, double[] P) Batch, int[] Keys)> gen =
            from batch in Batch
            from keys in Gen.Int.Array[16]
            select (batch, keys);
        Check(gen, sample =>
        {
            (int b, int d, double[] t, double[] p) = sample.Batch;
            int[] permutation = Enumerable.Range(0, d).OrderBy(i => sample.Keys[i]).ThenBy(i => i).ToArray();
            double[] Permute(double[] x) => Enumerable.Range(0, b * d).Select(i => x[((i / d) * d) + permutation[i % d]]).ToArray();
            AssertClose(PerSample(profile, b, d, t, p), PerSample(profile, b, d, Permute(t), Permute(p)), RowTolerance(d), "permuted vs original");
        });
    }

    /// <summary>cos(x, x) = 1, so the loss of x against itself is -1 per row: through the loss class and the function.</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void AVectorAgainstItselfHasLossMinusOne(string name)
    {
        KerasProfile profile = Profile(name);
        Check(Batch, sample =>
        {
            (int b, int d, double[] t, _) = sample;
            double[] minusOnes = Enumerable.Repeat(-1.0, b).ToArray();
            AssertClose(minusOnes, PerSample(profile, b, d, t, t), RowTolerance(d) / 2, "loss(x, x)");
            double[] values = CosineSimilarity.Compute(profile, Tensor.Create(t, [b, d]), Tensor.Create(t, [b, d])).Values.ToArray();
            AssertClose(minusOnes, values, RowTolerance(d) / 2, "cosine_similarity(x, x)");
        });
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void AZeroSampleWeightGivesZero(string name)
    {
        KerasProfile profile = Profile(name);
        LossReduction[] reductions = [.. profile.Reductions.Where(r => r is not (LossReduction.None or LossReduction.Unreduced))];
        Check(Batch, sample =>
        {
            (int b, int d, double[] t, double[] p) = sample;
            foreach (LossReduction reduction in reductions)
            {
                CosineSimilarityLoss loss = Loss(profile, reduction);
                double[] zeros = new double[b];
                foreach (double value in new[]
                {
                    Run(loss, t, p, [b, d], SampleWeight<double>.Scalar(0.0))[0],
                    Run(loss, t, p, [b, d], SampleWeight<double>.Scalar(0L))[0],
                    Run(loss, t, p, [b, d], Tensor.Create(zeros, [b]))[0],
                })
                {
                    Assert.True(value == 0, $"{reduction}: a zero weight gave {value:R}");
                }
            }
        });
    }

    /// <summary>Rows do not interact: reduction none on the batch equals each row computed alone as a [1, D] batch, bit for bit.</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void ABatchEqualsItsRowsOneByOne(string name)
    {
        KerasProfile profile = Profile(name);
        Check(Batch, sample =>
        {
            (int b, int d, double[] t, double[] p) = sample;
            double[] batch = PerSample(profile, b, d, t, p);
            double[] rows = Enumerable.Range(0, b)
                .Select(row => PerSample(profile, 1, d, t[(row * d)..((row + 1) * d)], p[(row * d)..((row + 1) * d)])[0])
                .ToArray();
            AssertBitIdentical(batch, rows, "batch vs rows one by one");
        });
    }

    /// <summary>An axis list names a set: [1, 2], [2, 1], [-1, 1], [1, -1] and [-2, -1] on [B, D1, D2] give the same
    /// results bit for bit, which are also those of the [B, D1*D2] reshape over its last axis (same element order).</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void AxisListOrderDoesNotMatter(string name)
    {
        KerasProfile profile = Profile(name);
        Gen<(int B, int D1, int D2, double[] T, double[] P)> gen =
            from b in Gen.Int[1, 8]
            from d1 in Gen.Int[1, 4]
            from d2 in Gen.Int[1, 4]
            from t in Values(b, d1 * d2)
            from p in Values(b, d1 * d2)
            select (b, d1, d2, t, p);
        int[][] lists = [[1, 2], [2, 1], [-1, 1], [1, -1], [-2, -1]];
        Check(gen, sample =>
        {
            (int b, int d1, int d2, double[] t, double[] p) = sample;
            foreach (LossReduction reduction in new[] { LossReduction.None, profile.DefaultReduction, LossReduction.Sum })
            {
                double[] reshaped = Run(Loss(profile, reduction), t, p, [b, d1 * d2]);
                foreach (int[] axes in lists)
                {
                    double[] listed = Run(Loss(profile, reduction, Axes.List(axes)), t, p, [b, d1, d2]);
                    AssertBitIdentical(reshaped, listed, $"{reduction}, axis [{string.Join(", ", axes)}] vs the reshape over -1");
                }
            }
        });
    }

    /// <summary>
    /// The port (whichever path it takes: the fused <c>sum(t*p) * r_t * r_p</c> or the per-element one) against
    /// Keras's formula written out literally here, per element, in double: <c>x = t * rsqrt(max(s, 1e-12))</c>
    /// (Keras 2, <c>tf.linalg.l2_normalize</c>) or <c>x = t * min(rsqrt(s), 1e7)</c> (Keras 3, <c>ops.normalize</c>),
    /// the same for y, <c>loss = -sum(x * y)</c>; per sample and for the default reduction (the mean).
    /// </summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void TheLossMatchesKerasFormulaWrittenOut(string name)
    {
        KerasProfile profile = Profile(name);
        Check(Batch, sample =>
        {
            (int b, int d, double[] t, double[] p) = sample;
            double[] expected = new double[b];
            for (int row = 0; row < b; row++)
            {
                double[] x = Normalize(profile, t.AsSpan(row * d, d)), y = Normalize(profile, p.AsSpan(row * d, d));
                double c = 0;
                for (int k = 0; k < d; k++)
                {
                    c += x[k] * y[k];
                }

                expected[row] = -c;
            }

            AssertClose(expected, PerSample(profile, b, d, t, p), RowTolerance(d), "per-sample loss vs the literal formula");
            double mean = expected.Sum() / b;
            double reduced = Run(Loss(profile, profile.DefaultReduction), t, p, [b, d])[0];
            AssertClose([mean], [reduced], 64 * (d + b) * U, $"{profile.DefaultReduction} vs the mean of the literal losses");
        });
    }

    private static double[] Normalize(KerasProfile profile, ReadOnlySpan<double> row)
    {
        double s = 0;
        foreach (double v in row)
        {
            s += v * v;
        }

        double r = profile == KerasProfile.Keras2 ? 1 / Math.Sqrt(Math.Max(s, 1e-12)) : Math.Min(1 / Math.Sqrt(s), 1e7);
        var x = new double[row.Length];
        for (int k = 0; k < row.Length; k++)
        {
            x[k] = row[k] * r;
        }

        return x;
    }
}

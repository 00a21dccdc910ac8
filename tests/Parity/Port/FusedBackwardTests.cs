using System;
using System.Collections.Generic;
using System.Numerics;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Reference;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>The fused backward pass (<see cref="FusedBackward"/>, <see cref="GradientPass{T}"/>): judged by the exact
/// reference's bound on every row length 0..256, every vector width, rows and columns (axis 0), both profiles, with
/// planted rows on both sides of its guards; the guards at their boundaries; the fallbacks' results; allocations.</summary>
public sealed class FusedBackwardTests
{
    /// <summary>Rows (or columns) per case: one more than a 512-bit vector of floats, so that the column layout has
    /// both vector and scalar rows at every width.</summary>
    private const int Rows = 17;

    private static readonly int[] s_widths = [512, 256, 128];

    public static TheoryData<string, bool> Cases() => new()
    {
        { Profiles.Keras2, false }, { Profiles.Keras2, true }, { Profiles.Keras3, false }, { Profiles.Keras3, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_gradients_are_within_the_bound_on_every_length_width_and_layout(string profile, bool columns) =>
        AllLengths<float, float>(profile, columns);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64_gradients_are_within_the_bound_on_every_length_width_and_layout(string profile, bool columns) =>
        AllLengths<double, double>(profile, columns);

    /// <summary>16-bit inputs, widened to float in registers and rounded once at the store: in their own dtype
    /// (Keras 2) and under a float32 loss (Keras 3), one layout each per type.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Float16_gradients_are_within_the_bound_on_every_length_and_width(bool keras3Columns)
    {
        if (keras3Columns)
        {
            AllLengths<Half, float>(Profiles.Keras3, columns: true);
        }
        else
        {
            AllLengths<Half, Half>(Profiles.Keras2, columns: false);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bfloat16_gradients_are_within_the_bound_on_every_length_and_width(bool keras3Rows)
    {
        if (keras3Rows)
        {
            AllLengths<BFloat16, float>(Profiles.Keras3, columns: false);
        }
        else
        {
            AllLengths<BFloat16, BFloat16>(Profiles.Keras2, columns: true);
        }
    }

    /// <summary>Float32 inputs under a float64 loss, widened to double in registers.</summary>
    [Fact]
    public void Float32_gradients_under_a_float64_loss_are_within_the_bound_on_every_length_and_width() =>
        AllLengths<float, double>(Profiles.Keras3, columns: false);

    /// <summary>Each guard of <see cref="FusedBackward.RowCoefficients"/> just inside and just outside its limit.</summary>
    [Theory]
    [InlineData(Profiles.Keras2)]
    [InlineData(Profiles.Keras3)]
    public void Guards_hold_inside_their_limits_and_reject_just_outside(string profile)
    {
        KerasProfile kerasProfile = Profile(profile);
        var single = Precision.Of(KerasDType.Float32);
        var limits = new FusedLimits(
            CosineEvaluator.FusedScaleLimit(false), CosineEvaluator.SmallestFusedDot(false, 4), Math.ScaleB(1, -126), float.MaxValue);
        bool Holds(double tt, double pp, double tp, double dc) =>
            Coefficients(kerasProfile, single, limits, tt, pp, tp, dc, out _, out _, out _);

        // The forward's dot-product floor.
        Assert.True(Holds(1, 1, limits.SmallestSafeDot, -1));
        Assert.False(Holds(1, 1, Math.BitDecrement(limits.SmallestSafeDot), -1));
        // The forward's scale limit 2^21: r_t = r_p = 2^10 passes, 2^11 does not.
        Assert.True(Holds(Math.ScaleB(1, -20), Math.ScaleB(1, -20), 1e-6, -1));
        Assert.False(Holds(Math.ScaleB(1, -22), Math.ScaleB(1, -22), 1e-6, -1));
        // Non-finite sums and upstream gradients.
        Assert.False(Holds(double.PositiveInfinity, 1, 0.5, -1));
        Assert.False(Holds(double.NaN, 1, 0.5, -1));
        Assert.False(Holds(1, 1, double.NaN, -1));
        Assert.False(Holds(1, 1, 0.5, double.NaN));
        Assert.False(Holds(1, 1, 0.5, double.NegativeInfinity));
        // dc = 0: exact zeros.
        Assert.True(Coefficients(kerasProfile, single, limits, 1, 1, 0.5, 0, out double a, out double bT, out double bP));
        Assert.Equal((0.0, 0.0, 0.0), (a, bT, bP));
        // a = dc r_t r_p must be normal: 2^-126 passes, 2^-127 does not.
        Assert.True(Holds(1, 1, 0.5, Math.ScaleB(1, -126)));
        Assert.False(Holds(1, 1, 0.5, Math.ScaleB(1, -127)));
        // 2 ds must be finite: ds = -dr/2 at r = 1, dr = dc * tp; 2 ds = -2^127 passes, -2^128 does not.
        Assert.True(Holds(1, 1, Math.ScaleB(1, 27), Math.ScaleB(1, 100)));
        Assert.False(Holds(1, 1, Math.ScaleB(1, 28), Math.ScaleB(1, 100)));

        // Float64: the double arithmetic's safe range (dc * r_p from 2^-900 on).
        var wide = Precision.Of(KerasDType.Float64);
        var wideLimits = new FusedLimits(
            CosineEvaluator.FusedScaleLimit(true), CosineEvaluator.SmallestFusedDot(true, 4), Math.ScaleB(1, -1022), double.MaxValue);
        Assert.True(Coefficients(kerasProfile, wide, wideLimits, 1, 1, 0.5, Math.ScaleB(1, -899), out _, out _, out _));
        Assert.False(Coefficients(kerasProfile, wide, wideLimits, 1, 1, 0.5, Math.ScaleB(1, -901), out _, out _, out _));
    }

    /// <summary>Rows the guards reject (here: a zero row, and one whose products underflow) get exactly what
    /// <see cref="DenseBackward.Row{T}"/> gives them; the others, rows or columns, exactly what the fused pass gives
    /// with the coefficients of <see cref="FusedBackward.RowCoefficients"/>.</summary>
    [Theory]
    [InlineData(Profiles.Keras2, false)]
    [InlineData(Profiles.Keras3, false)]
    [InlineData(Profiles.Keras2, true)]
    [InlineData(Profiles.Keras3, true)]
    public void Each_row_gets_the_fused_pass_or_where_rejected_the_three_pass_row_bit_for_bit(string profile, bool columns)
    {
        // 70, and the shortest row the three-pass row takes (one Vector<float>: DenseBackward.Fits).
        FusedOrThreePass(profile, columns, 70);
        FusedOrThreePass(profile, columns, Vector<float>.Count);
    }

    private static void FusedOrThreePass(string profile, bool columns, int n)
    {
        KerasProfile kerasProfile = Profile(profile);
        float[] t = Values<float>(Rows * n, 1), p = Values<float>(Rows * n, 2);
        if (!columns)
        {
            t.AsSpan(n, n).Clear();
            for (int k = 0; k < n; k++)
            {
                t[(2 * n) + k] *= 1e-20f;
                p[(2 * n) + k] *= 1e-20f;
            }
        }

        int[] dims = columns ? [n, Rows] : [Rows, n];
        LossGradients<float, float, float> result = CosineSimilarity.ComputeWithGradients(
            kerasProfile, new ShapedSpan<float>(t, [dims[0], dims[1]]), new ShapedSpan<float>(p, [dims[0], dims[1]]), columns ? 0 : -1);

        var precision = Precision.Of(KerasDType.Float32);
        var layout = RowLayout.Create(dims, [dims[1], 1], [columns ? 0 : 1]);
        var reader = new ElementReader(InputReader.For<float>(precision), InputReader.For<float>(precision));
        double[] sums = new double[3 * Rows];
        RowSums<float>.Three(t, layout, p, layout, reader, sums.AsSpan(0, Rows), sums.AsSpan(Rows, Rows), sums.AsSpan(2 * Rows, Rows));
        var limits = new FusedLimits(
            CosineEvaluator.FusedScaleLimit(false), CosineEvaluator.SmallestFusedDot(false, n), Math.ScaleB(1, -126), float.MaxValue);
        float[] tExpected = new float[t.Length], pExpected = new float[p.Length], a = new float[Rows], bT = new float[Rows], bP = new float[Rows];
        var rejected = new List<int>();
        for (int row = 0; row < Rows; row++)
        {
            if (Coefficients(kerasProfile, precision, limits, sums[row], sums[Rows + row], sums[(2 * Rows) + row], -1, out double ra, out double rbT, out double rbP))
            {
                (a[row], bT[row], bP[row]) = ((float)ra, (float)rbT, (float)rbP);
                if (!columns)
                {
                    GradientPass<float>.Row(KernelSwitch.VectorBits, t.AsSpan(row * n, n), p.AsSpan(row * n, n), a[row], bT[row], bP[row], tExpected.AsSpan(row * n, n), pExpected.AsSpan(row * n, n));
                }
            }
            else
            {
                rejected.Add(row);
                DenseBackward.Row(kerasProfile, precision, t.AsSpan(row * n, n), p.AsSpan(row * n, n), -1, tExpected.AsSpan(row * n, n), pExpected.AsSpan(row * n, n));
            }
        }

        if (columns)
        {
            GradientPass<float>.Columns(KernelSwitch.VectorBits, t, layout, p, layout, a, bT, bP, tExpected, pExpected);
        }

        Assert.Equal(columns ? [] : [1, 2], rejected);
        Assert.Equal(tExpected, result.YTrue!.Values.ToArray());
        Assert.Equal(pExpected, result.YPred!.Values.ToArray());
    }

    /// <summary>16-bit rows take the fused pass (widened to float, rounded once at the store): float16 (Keras 2) and
    /// bfloat16 (Keras 3), each in its own dtype (the function computes in its inputs' dtype), bit for bit what the
    /// pass gives with the coefficients of <see cref="FusedBackward.RowCoefficients"/>.</summary>
    [Fact]
    public void Sixteen_bit_rows_take_the_fused_pass_bit_for_bit()
    {
        SixteenBitRows<Half>(KerasProfile.Keras2, Precision.Of(KerasDType.Float16));
        SixteenBitRows<BFloat16>(KerasProfile.Keras3, Precision.Of(KerasDType.BFloat16));
    }

    /// <summary>float16 and bfloat16 inputs under Keras 3's default float32 loss (an input narrower than the compute
    /// dtype) take the fused pass too: bit for bit the pass with float32 coefficients, each gradient rounded once to
    /// the input type.</summary>
    [Fact]
    public void Sixteen_bit_inputs_of_a_float32_loss_take_the_fused_pass_bit_for_bit()
    {
        SixteenBitLoss<Half>();
        SixteenBitLoss<BFloat16>();
    }

    private static void SixteenBitLoss<T>()
        where T : unmanaged
    {
        const int n = 70;
        var precision = Precision.Of(KerasDType.Float32);
        T[] t = Values<T>(Rows * n, 7), p = Values<T>(Rows * n, 8);
        T[] tGradient = new T[t.Length], pGradient = new T[p.Length];
        float[] result = new float[1];
        new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.Sum).ComputeWithGradients<T, T, float>(
            new ShapedSpan<T>(t, [Rows, n]), new ShapedSpan<T>(p, [Rows, n]), default, default, result, tGradient, pGradient);
        (T[] tExpected, T[] pExpected) = FusedRows(KerasProfile.Keras3, precision, t, p, n);
        Assert.Equal(tExpected, tGradient);
        Assert.Equal(pExpected, pGradient);
    }

    private static void SixteenBitRows<T>(KerasProfile profile, Precision precision)
        where T : unmanaged
    {
        const int n = 70;
        T[] t = Values<T>(Rows * n, 5), p = Values<T>(Rows * n, 6);
        LossGradients<T, T, T> result = CosineSimilarity.ComputeWithGradients(
            profile, new ShapedSpan<T>(t, [Rows, n]), new ShapedSpan<T>(p, [Rows, n]));
        (T[] tExpected, T[] pExpected) = FusedRows(profile, precision, t, p, n);
        Assert.Equal(tExpected, result.YTrue!.Values.ToArray());
        Assert.Equal(pExpected, result.YPred!.Values.ToArray());
    }

    /// <summary>What the fused pass gives <see cref="Rows"/> 16-bit rows of length <paramref name="n"/> in float lanes
    /// with <see cref="FusedBackward.RowCoefficients"/>'s coefficients for the cosine's upstream -1 (the function, or
    /// the loss under <c>sum</c>).</summary>
    private static (T[] TGradient, T[] PGradient) FusedRows<T>(KerasProfile profile, Precision precision, T[] t, T[] p, int n)
        where T : unmanaged
    {
        var layout = RowLayout.Create([Rows, n], [n, 1], [1]);
        var reader = new ElementReader(InputReader.For<T>(precision), InputReader.For<T>(precision));
        double[] sums = new double[3 * Rows];
        RowSums<float>.Three<T, T>(t, layout, p, layout, reader, sums.AsSpan(0, Rows), sums.AsSpan(Rows, Rows), sums.AsSpan(2 * Rows, Rows));
        FusedLimits limits = FusedLimits.For(precision, n);
        T[] tExpected = new T[t.Length], pExpected = new T[p.Length];
        for (int row = 0; row < Rows; row++)
        {
            Assert.True(Coefficients(profile, precision, limits, sums[row], sums[Rows + row], sums[(2 * Rows) + row], -1, out double a, out double bT, out double bP));
            GradientPass<float>.Row<T>(KernelSwitch.VectorBits, t.AsSpan(row * n, n), p.AsSpan(row * n, n), (float)a, (float)bT, (float)bP, tExpected.AsSpan(row * n, n), pExpected.AsSpan(row * n, n));
        }

        return (tExpected, pExpected);
    }

    /// <summary>The column layout has no per-row fallback: one rejected column sends the whole call to the exact
    /// per-op path, which gives what that path gives under <see cref="KernelSwitch.Vectorize"/> = false.</summary>
    [Theory]
    [InlineData(Profiles.Keras2)]
    [InlineData(Profiles.Keras3)]
    public void A_rejected_column_sends_the_whole_call_to_the_exact_path(string profile)
    {
        KerasProfile kerasProfile = Profile(profile);
        const int n = 30;
        float[] t = Values<float>(n * Rows, 3), p = Values<float>(n * Rows, 4);
        for (int k = 0; k < n; k++)
        {
            t[(k * Rows) + 5] = 0;
        }

        nint[] shape = [n, Rows];
        LossGradients<float, float, float> Run() => CosineSimilarity.ComputeWithGradients(
            kerasProfile, new ShapedSpan<float>(t, shape), new ShapedSpan<float>(p, shape), Axes.One(0));
        LossGradients<float, float, float> fused = Run();
        LossGradients<float, float, float> exact;
        KernelSwitch.Vectorize = false;
        try
        {
            exact = Run();
        }
        finally
        {
            KernelSwitch.Vectorize = true;
        }

        Assert.Equal(exact.YTrue!.Values.ToArray(), fused.YTrue!.Values.ToArray());
        Assert.Equal(exact.YPred!.Values.ToArray(), fused.YPred!.Values.ToArray());
    }

    [Fact]
    public void Fused_gradients_allocate_nothing_after_the_first_call()
    {
        float[] t = Values<float>(64 * 300, 7), p = Values<float>(64 * 300, 8);
        double[] tWide = Array.ConvertAll(t, v => (double)v), pWide = Array.ConvertAll(p, v => (double)v);
        Assert.Equal(0, Measure(new CosineSimilarityLoss(KerasProfile.Keras3, axis: -1), t, p, [64, 300]));
        Assert.Equal(0, Measure(new CosineSimilarityLoss(KerasProfile.Keras3, axis: 0), t, p, [300, 64]));
        Assert.Equal(0, Measure(new CosineSimilarityLoss(KerasProfile.Keras2, axis: -1), tWide, pWide, [64, 300]));
        Assert.Equal(0, Measure(new CosineSimilarityLoss(KerasProfile.Keras2, axis: 0), tWide, pWide, [300, 64]));
        Half[] tHalf = Array.ConvertAll(t, v => (Half)v), pHalf = Array.ConvertAll(p, v => (Half)v);
        Assert.Equal(0, Measure(new CosineSimilarityLoss(KerasProfile.Keras2, axis: -1), tHalf, pHalf, [64, 300]));
        Assert.Equal(0, Measure(new CosineSimilarityLoss(KerasProfile.Keras2, axis: 0), tHalf, pHalf, [300, 64]));
        BFloat16[] tBrain = Array.ConvertAll(t, v => (BFloat16)v), pBrain = Array.ConvertAll(p, v => (BFloat16)v);
        Assert.Equal(0, Measure(new CosineSimilarityLoss(KerasProfile.Keras2, axis: -1), tBrain, pBrain, [64, 300]));
        Assert.Equal(0, Measure(new CosineSimilarityLoss(KerasProfile.Keras2, axis: 0), tBrain, pBrain, [300, 64]));
    }

    /// <summary>Bytes the calling thread allocates in one gradient call after five warm-up calls.</summary>
    internal static long Measure<T>(CosineSimilarityLoss loss, T[] t, T[] p, nint[] shape)
        where T : unmanaged
    {
        T[] value = new T[1], tGradient = new T[t.Length], pGradient = new T[p.Length];
        void Call() => loss.ComputeWithGradients<T, T, T>(
            new ShapedSpan<T>(t, shape), new ShapedSpan<T>(p, shape), default, default, value, tGradient, pGradient);
        for (int i = 0; i < 5; i++)
        {
            Call();   // plan, JIT, ArrayPool buckets
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        Call();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Every length of <see cref="RowLengths.All"/> (0..256 unless sampled) of one input type <typeparamref name="T"/> and result type
    /// <typeparamref name="TR"/> (the loss dtype: Keras 2's is the input's, a double result asks Keras 3 for
    /// float64).</summary>
    private static void AllLengths<T, TR>(string profile, bool columns)
        where T : unmanaged
        where TR : unmanaged
    {
        var failures = new List<string>();
        foreach (int n in RowLengths.All)
        {
            string? failure = Judge<T, TR>(profile, columns, n);
            if (failure is not null)
            {
                failures.Add($"length {n}: {failure}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.GetRange(0, Math.Min(10, failures.Count))));
    }

    /// <summary>One weighted case of <see cref="Rows"/> rows of length <paramref name="n"/> (the last axis, or axis 0
    /// of [n, Rows] for <paramref name="columns"/>) at every width (the forward's sums, and so the gradients, differ
    /// between widths); null when every width's gradients are within the bound. The columns get only the special rows
    /// the guards accept: one rejected column sends the whole call to the exact path (tested on its own below).</summary>
    private static string? Judge<T, TR>(string profile, bool columns, int n)
        where T : unmanaged
        where TR : unmanaged
    {
        bool inDouble = profile == Profiles.Keras3 && typeof(TR) == typeof(double);
        T[] t = Values<T>(Rows * n, 2 * n), p = Values<T>(Rows * n, (2 * n) + 1);
        TR[] w = new TR[Rows];
        w.AsSpan().Fill(Element.FromDouble<TR>(1));
        // A rejected row has a per-row fallback only in contiguous rows of the compute dtype itself.
        bool computeDtype = typeof(T) == typeof(double) || (typeof(T) == typeof(float) && !inDouble);
        Plant(t, p, w, n, columns, rejectedToo: !columns && computeDtype);
        var loss = new CosineSimilarityLoss(Profile(profile), axis: columns ? 0 : -1, dtype: inDouble ? KerasDType.Float64 : null);
        nint[] shape = columns ? [n, Rows] : [Rows, n];
        int[] dims = columns ? [n, Rows] : [Rows, n];
        string json = (columns ? "\"axis\": 0" : "\"axis\": -1") + (inDouble ? ", \"dtype\": \"float64\"" : "");
        ReferenceAnswer answer = ExactReference.Evaluate(profile, Apis.Loss, CaseArgs.Parse("{" + json + "}"), new Dictionary<string, CaseInput>
        {
            ["y_true"] = new TensorInput(TensorData.Create<T>(t, dims)),
            ["y_pred"] = new TensorInput(TensorData.Create<T>(p, dims)),
            ["sample_weight"] = new TensorInput(TensorData.Create<TR>(w, [Rows])),
        });
        TR[] value = new TR[1];
        T[] tGradient = new T[t.Length], pGradient = new T[p.Length];
        foreach (int bits in s_widths)
        {
            KernelSwitch.MaxVectorBits = bits;
            try
            {
                loss.ComputeWithGradients<T, T, TR>(
                    new ShapedSpan<T>(t, shape), new ShapedSpan<T>(p, shape), SampleWeight<TR>.Tensor(new ShapedSpan<TR>(w, [Rows])), default,
                    value, tGradient, pGradient);
            }
            finally
            {
                KernelSwitch.MaxVectorBits = 512;
            }

            Verdict trueVerdict = answer.JudgeGradient("y_true", TensorData.Create<T>(tGradient, dims));
            Verdict predVerdict = answer.JudgeGradient("y_pred", TensorData.Create<T>(pGradient, dims));
            if (!trueVerdict.Passed || !predVerdict.Passed)
            {
                return $"{bits} bits: " + (!trueVerdict.Passed ? $"y_true: {trueVerdict.Failure}" : $"y_pred: {predVerdict.Failure}");
            }
        }

        return null;
    }

    /// <summary>
    /// Special rows the guards accept (the rest stay ordinary): 4 under the clamp, 6 opposite, 8 large sums, 9 a
    /// single non-zero term, 10 weight 0, 12 one large element, 13 nearly parallel (the two gradient terms cancel),
    /// 14 exactly parallel, and in float32 11, a huge weight. With <paramref name="rejectedToo"/> also rows they
    /// reject: 1 zero, 2 a NaN, 3 an infinity, 5 squares that overflow, 7 products that underflow, 15 a weight so
    /// small that <c>a</c> would be subnormal, and in float64 11, a weight outside the safe range.
    /// </summary>
    private static void Plant<T, TR>(T[] t, T[] p, TR[] w, int n, bool columns, bool rejectedToo)
        where T : unmanaged
        where TR : unmanaged
    {
        if (n == 0)
        {
            return;
        }

        bool isDouble = typeof(T) == typeof(double), isHalf = typeof(T) == typeof(Half);
        int At(int row, int k) => columns ? (k * Rows) + row : (row * n) + k;
        void Scale(T[] x, int i, double factor) => x[i] = Element.FromDouble<T>(Element.ToDouble(x[i]) * factor);
        w[10] = Element.FromDouble<TR>(0);
        if (rejectedToo || !isDouble)
        {
            w[11] = Element.FromDouble<TR>(isDouble ? 1e300 : isHalf ? 1e4 : 1e30);
        }

        for (int k = 0; k < n; k++)
        {
            Scale(p, At(4, k), isHalf ? 1e-2 : 1e-9);
            p[At(6, k)] = Element.FromDouble<T>(-Element.ToDouble(t[At(6, k)]));
            Scale(t, At(8, k), isDouble ? 1e100 : isHalf ? 10 : 1e15);
            Scale(p, At(8, k), isDouble ? 1e100 : isHalf ? 10 : 1e15);
            if (k != n / 2)
            {
                t[At(9, k)] = p[At(9, k)] = Element.FromDouble<T>(0);
            }

            p[At(13, k)] = Element.FromDouble<T>(Element.ToDouble(t[At(13, k)]) * (1 + (1e-3 * (k % 3))));
            p[At(14, k)] = Element.FromDouble<T>(2 * Element.ToDouble(t[At(14, k)]));
        }

        Scale(t, At(12, n / 3), isHalf ? 100 : 1e10);
        if (!rejectedToo)
        {
            return;
        }

        w[15] = Element.FromDouble<TR>(isDouble ? 1e-300 : 1e-38);
        for (int k = 0; k < n; k++)
        {
            t[At(1, k)] = Element.FromDouble<T>(0);
            Scale(t, At(5, k), isDouble ? 1e160 : 1e20);
            Scale(t, At(7, k), isDouble ? 1e-160 : 1e-20);
            Scale(p, At(7, k), isDouble ? 1e-160 : 1e-20);
        }

        p[At(2, n / 2)] = Element.FromDouble<T>(double.NaN);
        t[At(3, n / 3)] = Element.FromDouble<T>(double.PositiveInfinity);
    }

    /// <summary><see cref="FusedBackward.RowCoefficients"/> of one row's sums with the inverse norms the forward gives
    /// them (<see cref="CosineEvaluator.RowSumsLength"/>).</summary>
    private static bool Coefficients(
        KerasProfile profile, Precision precision, in FusedLimits limits, double tt, double pp, double tp, double dc,
        out double a, out double bT, out double bP) =>
        FusedBackward.RowCoefficients(
            profile, precision, limits,
            new RowStatistics(tt, pp, tp, profile.InverseNorm(precision.Round(tt), precision), profile.InverseNorm(precision.Round(pp), precision)),
            dc, out a, out bT, out bP);

    private static KerasProfile Profile(string name) => name == Profiles.Keras2 ? KerasProfile.Keras2 : KerasProfile.Keras3;

    /// <summary>Values uniform in [-1, 1) from <paramref name="seed"/>.</summary>
    internal static T[] Values<T>(int count, int seed)
        where T : unmanaged
    {
        var random = new Random(seed);
        var values = new T[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Element.FromDouble<T>((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}

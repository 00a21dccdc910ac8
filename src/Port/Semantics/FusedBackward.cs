using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CosineParity;

/// <summary>
/// The backward pass from the forward's row sums and inverse norms (<see cref="CosineEvaluator.RowSumsLength"/>): with
/// <c>xbar = dc * p * r_p</c>, <c>dr_t = sum(xbar * t) = dc * r_p * sum(t*p)</c> (and <c>dr_p = dc * r_t * sum(t*p)</c>),
/// so every gradient element is a two-term linear combination, <c>tbar = (dc r_t r_p) * p + 2 ds_t * t</c> and
/// <c>pbar = (dc r_t r_p) * t + 2 ds_p * p</c>, with <c>ds = </c><see cref="CosineBackward.Slope"/> (the clamp's select
/// and <c>RsqrtGrad</c>, as TF). The coefficients are computed per row in double and rounded once; then one pass
/// (<see cref="GradientPass{TAcc}"/>) reads both inputs and writes both gradients.
/// <para>
/// Why this stays within Keras's bound (fixtures/README, "The error bound") where the guards hold: the bound of
/// <c>dr</c> is at least <c>(k + 2) u S</c> with <c>S = |dc| r sum|t p|</c> over the <c>k</c> non-zero terms (three
/// roundings per term, <c>gamma(k-1)</c> for the sum); <c>sum(t*p)</c> from the forward is within <c>gamma(k) sum|t p|</c>
/// (any order, fused multiply-adds), plus at most <c>k u tiny</c> from underflowed products, which the forward's
/// <c>SmallestFusedDot</c> guard holds below <c>u |sum(t*p)| / 8</c>; the scaling by <c>dc r</c> adds one rounding
/// (an exact two-product), together <c>(k + 1.125) u S</c>. The rest of <c>ds</c> is TF's own ops on that
/// <c>dr</c>. In the output, <c>a = dc r_t r_p</c> carries at most two roundings where the bound has three
/// (<c>p * r_p</c>, <c>dc * y</c>, <c>xbar * r_t</c>) and its product sits inside the fused multiply-add; <c>2 ds</c>
/// is exact, so its product with <c>t</c>, rounded once, is TF's <c>ds * (2 t)</c>; the multiply-add's rounding is
/// the bound's final sum's.
/// </para>
/// <para>
/// Inputs narrower than the accumulator (float16 and bfloat16 in float, float32 under float64) widen exactly on
/// load, and each gradient element is rounded once to the input type at the store: where TF rounds every op to a
/// 16-bit dtype, this has fewer and smaller roundings; TF's overflow in that dtype is a branch of the bound, its
/// underflow is within the bound's <c>tiny</c> terms, and the coefficients are held within the dtype's range.
/// </para>
/// Rows where that argument does not hold take <see cref="DenseBackward"/>'s three passes (TF's ops); a call whose
/// failing rows cannot (rows too short for it, the column layout, a narrower input type) is left to
/// <see cref="CosineBackward"/> whole.
/// </summary>
internal static class FusedBackward
{
    /// <summary>
    /// The magnitudes inside which the double arithmetic of the coefficients is exact enough: a product there is
    /// normal with 53 bits of room below it (so the two-product's low part is exact, and a low part's product cannot
    /// underflow far enough to matter) and far from overflow. Float32 rows always are (their factors lie within
    /// 2^±150); float64 rows outside take the fallback.
    /// </summary>
    private static readonly double s_smallestSafe = Math.ScaleB(1, -900), s_largestSafe = Math.ScaleB(1, 900);

    /// <summary>
    /// Writes both gradients for the upstream gradient <paramref name="dc"/> of the cosines and returns true when
    /// the call fits: same-shape dense inputs of one type that widens exactly into the accumulator of the compute
    /// dtype (float32 or float64 in that dtype, float16 or bfloat16 in their own dtype or under float32, float32
    /// under float64), reduced over contiguous rows or over leading axes (<see cref="RowLayout.RowsAdjacent"/>), both
    /// gradients asked; else writes nothing.
    /// </summary>
    public static bool TryRun<TT, TP>(
        CosinePlan plan, KerasProfile profile, Precision precision, in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred,
        ReadOnlySpan<double> rowSums, ReadOnlySpan<double> dc, Span<TT> trueGradient, Span<TP> predGradient)
    {
        // Stryker disable once Logical : equivalent: without a broadcast product, same-shape dense inputs (checked below) have one layout
        bool rows = plan.True.IsContiguous && plan.Pred.IsContiguous, columns = plan.True.RowsAdjacent && plan.Pred.RowsAdjacent;
        if (!KernelSwitch.Vectorize || plan.Product is not null || !(rows || columns) || rowSums.Length != CosineEvaluator.RowSumsLength(plan)
            || typeof(TT) != typeof(TP) || !Element.IsFloating<TT>()
            || (KerasDTypes.Of<TT>() != precision.DType && precision.DType is not (KerasDType.Float32 or KerasDType.Float64))
            || !Views.IsDense(yTrue) || !Views.IsDense(yPred) || trueGradient.Length != yTrue.ElementCount
            || predGradient.Length != yPred.ElementCount || (long)plan.True.RowCount * plan.True.RowLength != yTrue.ElementCount)
        {
            return false;
        }

        // The accumulator is the forward kernel's (double for float64, else float); an input it does not hold
        // exactly (float64 under float32) is not taken.
        ReadOnlySpan<TT> t = yTrue.Data, p = As<TP, TT>(yPred.Data);
        Span<TT> pGradient = AsSpan<TP, TT>(predGradient);
        return precision.DType == KerasDType.Float64
            ? WideLoad.Supports<TT, double>() && Run<TT, double>(plan, profile, precision, rows, t, p, rowSums, dc, trueGradient, pGradient)
            : WideLoad.Supports<TT, float>() && Run<TT, float>(plan, profile, precision, rows, t, p, rowSums, dc, trueGradient, pGradient);
    }

    private static bool Run<TIn, TAcc>(
        CosinePlan plan, KerasProfile profile, Precision precision, bool contiguousRows, ReadOnlySpan<TIn> t, ReadOnlySpan<TIn> p,
        ReadOnlySpan<double> rowSums, ReadOnlySpan<double> dc, Span<TIn> tGradient, Span<TIn> pGradient)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    {
        int rows = plan.True.RowCount, length = plan.True.RowLength;
        TAcc[] buffer = ArrayPool<TAcc>.Shared.Rent(3 * rows);
        try
        {
            Span<TAcc> a = buffer.AsSpan(0, rows), bT = buffer.AsSpan(rows, rows), bP = buffer.AsSpan(2 * rows, rows);
            // Rejected rows take the three-pass row, which needs contiguous rows of the compute dtype itself.
            bool rowFallback = contiguousRows && typeof(TIn) == typeof(TAcc) && DenseBackward.Fits<TAcc>(length);
            if (Coefficients(profile, precision, length, rowSums, dc, a, bT, bP) != 0 && !rowFallback)
            {
                return false;
            }

            int vectorBits = KernelSwitch.VectorBits;
            if (!contiguousRows)
            {
                GradientPass<TAcc>.Columns(vectorBits, t, plan.True, p, plan.Pred, a, bT, bP, tGradient, pGradient);
                return true;
            }

            for (int row = 0; row < rows; row++)
            {
                int tBase = plan.True.RowOffsets[row], pBase = plan.Pred.RowOffsets[row];
                ReadOnlySpan<TIn> tRow = t.Slice(tBase, length), pRow = p.Slice(pBase, length);
                Span<TIn> tgRow = tGradient.Slice(tBase, length), pgRow = pGradient.Slice(pBase, length);
                if (TAcc.IsNaN(a[row]))
                {
                    DenseBackward.Row(profile, precision, As<TIn, TAcc>(tRow), As<TIn, TAcc>(pRow), dc[row], AsSpan<TIn, TAcc>(tgRow), AsSpan<TIn, TAcc>(pgRow));
                }
                else
                {
                    GradientPass<TAcc>.Row(vectorBits, tRow, pRow, a[row], bT[row], bP[row], tgRow, pgRow);
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<TAcc>.Shared.Return(buffer);
        }
    }

    /// <summary>Every row's coefficients, NaN in <paramref name="a"/> for a row that must take the fallback (no
    /// fused coefficient is NaN); returns how many rows must.</summary>
    private static int Coefficients<T>(
        KerasProfile profile, Precision precision, int rowLength, ReadOnlySpan<double> rowSums, ReadOnlySpan<double> dc,
        Span<T> a, Span<T> bT, Span<T> bP)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = a.Length, failing = 0;
        FusedLimits limits = FusedLimits.For(precision, rowLength);
        for (int row = 0; row < rows; row++)
        {
            var sums = new RowStatistics(rowSums[row], rowSums[rows + row], rowSums[(2 * rows) + row], rowSums[(3 * rows) + row], rowSums[(4 * rows) + row]);
            if (RowCoefficients(profile, precision, limits, sums, dc[row], out double coefficient, out double slopeT, out double slopeP))
            {
                a[row] = T.CreateTruncating(coefficient);
                bT[row] = T.CreateTruncating(slopeT);
                bP[row] = T.CreateTruncating(slopeP);
            }
            else
            {
                a[row] = T.NaN;
                // Stryker disable once Update : equivalent: only whether the count is 0 is read
                failing++;
            }
        }

        return failing;
    }

    /// <summary>
    /// One row's <c>a = dc r_t r_p</c>, <c>bT = 2 ds_t</c>, <c>bP = 2 ds_p</c> from its unrounded sums, or false when
    /// the fused form is not known to be within the bound (see the class): the forward's own guards (finite sums,
    /// positive finite inverse norms, safe scale, a dot product not dominated by underflow: non-finite inputs, zero
    /// rows and infinite norms all fail them); a finite <c>dc</c>; the double intermediates within the safe range;
    /// <c>a</c> a normal number of the dtype (a subnormal one would lose digits that its product with a large
    /// element shows); <c>2 ds</c> finite in the dtype (an infinity times a zero element would be NaN where TF's
    /// <c>ds * (2 t)</c> is 0).
    /// </summary>
    internal static bool RowCoefficients(
        KerasProfile profile, Precision precision, in FusedLimits limits, in RowStatistics sums, double dc,
        out double a, out double bT, out double bP)
    {
        a = bT = bP = 0;
        double st = precision.Round(sums.SquaresT), sp = precision.Round(sums.SquaresP), tp = sums.Dot;
        double rt = sums.InverseNormT, rp = sums.InverseNormP;
        if (!CosineEvaluator.FusedFormHolds(tp, rt, rp, limits.SafeScale, limits.SmallestSafeDot) || !double.IsFinite(dc))
        {
            return false;
        }

        if (dc == 0)
        {
            return true;   // TF: xbar = 0 * y = 0 (finite rows), dr = 0, ds = 0: both gradients exactly 0
        }

        double scale = rt * rp;
        a = dc * scale;
        double drT = ScaledDot(dc, rp, tp), drP = ScaledDot(dc, rt, tp);
        if (!IsSafe(scale) || !IsSafe(a) || !IsSafe(drT) || !IsSafe(drP) || Math.Abs(a) < limits.SmallestNormal || Math.Abs(a) > limits.Largest)
        {
            return false;
        }

        bT = 2 * CosineBackward.Slope(profile, precision, st, rt, drT);
        bP = 2 * CosineBackward.Slope(profile, precision, sp, rp, drP);
        return Math.Abs(bT) <= limits.Largest && Math.Abs(bP) <= limits.Largest;
    }

    /// <summary><c>dc * r * dot</c> with one rounding: <c>dc * r</c> split exactly into a high and a low part (NaN
    /// when the high part is outside the safe range, where the split is not exact).</summary>
    private static double ScaledDot(double dc, double r, double dot)
    {
        double high = dc * r;
        return IsSafe(high) ? Math.FusedMultiplyAdd(high, dot, Math.FusedMultiplyAdd(dc, r, -high) * dot) : double.NaN;
    }

    private static bool IsSafe(double value) => Math.Abs(value) is var magnitude && magnitude >= s_smallestSafe && magnitude <= s_largestSafe;

    /// <summary>A span of <typeparamref name="TIn"/> that is <typeparamref name="T"/> (checked by the caller) as one.</summary>
    private static ReadOnlySpan<T> As<TIn, T>(ReadOnlySpan<TIn> span) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TIn, T>(ref MemoryMarshal.GetReference(span)), span.Length);

    private static Span<T> AsSpan<TIn, T>(Span<TIn> span) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<TIn, T>(ref MemoryMarshal.GetReference(span)), span.Length);
}

/// <summary>The per-call thresholds of <see cref="FusedBackward.RowCoefficients"/>: the forward's two fused-form
/// limits for the row length, the accumulator's smallest normal number (the coefficients are applied in it) and the
/// compute dtype's largest finite one (the coefficients stay within TF's range).</summary>
internal readonly record struct FusedLimits(double SafeScale, double SmallestSafeDot, double SmallestNormal, double Largest)
{
    /// <summary>The limits for rows of <paramref name="rowLength"/> in <paramref name="precision"/>.</summary>
    public static FusedLimits For(Precision precision, int rowLength)
    {
        bool isDouble = precision.DType == KerasDType.Float64;
        double largest = precision.DType switch
        {
            KerasDType.Float16 => (double)Half.MaxValue,
            KerasDType.BFloat16 => (double)BFloat16.MaxValue,
            KerasDType.Float32 => float.MaxValue,
            _ => double.MaxValue,
        };
        return new(
            CosineEvaluator.FusedScaleLimit(isDouble), CosineEvaluator.SmallestFusedDot(isDouble, rowLength),
            Math.ScaleB(1, isDouble ? -1022 : -126), largest);
    }
}

/// <summary>One row as the forward left it: its unrounded sums <c>sum(t*t)</c>, <c>sum(p*p)</c>, <c>sum(t*p)</c> and
/// its inverse norms (<see cref="KerasProfile.InverseNorm"/> of the rounded sums of squares).</summary>
internal readonly record struct RowStatistics(double SquaresT, double SquaresP, double Dot, double InverseNormT, double InverseNormP);

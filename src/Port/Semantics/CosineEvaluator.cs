using System;
using System.Buffers;

namespace CosineParity;

/// <summary>
/// Per-sample <c>-cosine</c> from a <see cref="CosinePlan"/>: the kernel's three row sums, then per row the profile's
/// clamp and the product <c>sum(t*p) * r_t * r_p</c>. Where that product is not a faithful evaluation of Keras's
/// <c>sum((t * r_t) * (p * r_p))</c> (a non-finite or zero inverse norm, or a scale so large that the raw products
/// may have lost digits below the smallest normal) the row is recomputed element by element in Keras's order.
/// Values are doubles that are always representable in the compute dtype.
/// </summary>
internal static class CosineEvaluator
{
    /// <summary>The doubles <see cref="Evaluate{TT, TP}(CosinePlan, KerasProfile, Precision, ReadOnlySpan{TT}, ReadOnlySpan{TP}, Span{double}, Span{double})"/>
    /// keeps of the rows for the backward pass: <c>sum(t*t)</c>, <c>sum(p*p)</c>, <c>sum(t*p)</c> and the two inverse
    /// norms <c>r_t</c>, <c>r_p</c> (<see cref="KerasProfile.InverseNorm"/>) of every row, one block each (the
    /// backward needs no square root of its own); none when the cosine is over a broadcast product (no row
    /// sums).</summary>
    // Stryker disable once Conditional : equivalent: a broadcast product's evaluation never writes row sums, and FusedBackward rejects a product first
    public static int RowSumsLength(CosinePlan plan) => plan.Product is null ? 5 * plan.True.RowCount : 0;

    public static void Evaluate<TT, TP>(
        CosinePlan plan, KerasProfile profile, Precision precision, ReadOnlySpan<TT> yTrue, ReadOnlySpan<TP> yPred, Span<double> losses) =>
        Evaluate(plan, profile, precision, yTrue, yPred, losses, default);

    /// <summary>The losses, and the row sums and inverse norms into <paramref name="rowSums"/> when it is not empty
    /// (<see cref="RowSumsLength"/> doubles).</summary>
    public static void Evaluate<TT, TP>(
        CosinePlan plan, KerasProfile profile, Precision precision, ReadOnlySpan<TT> yTrue, ReadOnlySpan<TP> yPred, Span<double> losses,
        Span<double> rowSums)
    {
        var reader = new ElementReader(InputReader.For<TT>(precision), InputReader.For<TP>(precision));
        if (plan.Product is { } product)
        {
            EvaluateBroadcast(plan, product, profile, reader, yTrue, yPred, losses);
        }
        else if (precision.DType == KerasDType.Float64)
        {
            EvaluateRows<TT, TP, double>(plan, profile, reader, yTrue, yPred, losses, rowSums);
        }
        else
        {
            EvaluateRows<TT, TP, float>(plan, profile, reader, yTrue, yPred, losses, rowSums);
        }
    }

    private static void EvaluateRows<TT, TP, TAcc>(
        CosinePlan plan, KerasProfile profile, in ElementReader reader, ReadOnlySpan<TT> yTrue, ReadOnlySpan<TP> yPred, Span<double> losses,
        Span<double> rowSums)
        where TAcc : unmanaged, System.Numerics.IFloatingPointIeee754<TAcc>
    {
        int rows = plan.True.RowCount;
        double[]? buffer = rowSums.IsEmpty ? ArrayPool<double>.Shared.Rent(3 * rows) : null;
        try
        {
            Span<double> sums = buffer is null ? rowSums : buffer.AsSpan(0, 3 * rows);
            Span<double> tt = sums[..rows], pp = sums.Slice(rows, rows), tp = sums.Slice(2 * rows, rows);
            RowSums<TAcc>.Three(yTrue, plan.True, yPred, plan.Pred, reader, tt, pp, tp);
            Precision precision = reader.Pred.Precision;
            double safeScale = FusedScaleLimit(typeof(TAcc) == typeof(double));
            double smallestSafeDot = SmallestFusedDot(typeof(TAcc) == typeof(double), plan.True.RowLength);
            for (int row = 0; row < rows; row++)
            {
                double rt = profile.InverseNorm(precision.Round(tt[row]), precision);
                double rp = profile.InverseNorm(precision.Round(pp[row]), precision);
                if (buffer is null)
                {
                    rowSums[(3 * rows) + row] = rt;
                    rowSums[(4 * rows) + row] = rp;
                }

                double cosine = FusedFormHolds(tp[row], rt, rp, safeScale, smallestSafeDot)
                    ? precision.Round(tp[row] * rt * rp)
                    : FaithfulRow(plan, row, reader, yTrue, rt, yPred, rp);
                losses[row] = -cosine;
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<double>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Whether <c>sum(t*p) * r_t * r_p</c> is a faithful evaluation of Keras's normalised dot product for a
    /// row (the class's guards: finite sum, positive finite inverse norms, a safe scale, a dot product that is not
    /// dominated by underflowed raw products).</summary>
    internal static bool FusedFormHolds(double tp, double rt, double rp, double safeScale, double smallestSafeDot) =>
        double.IsFinite(tp) && rt > 0 && rp > 0 && rt * rp <= safeScale && Math.Abs(tp) >= smallestSafeDot;

    /// <summary>
    /// The largest <c>r_t * r_p</c> for which scaling the raw dot product stays within Keras's error bound: each raw
    /// product below the smallest normal loses at most <c>u * tiny</c>, which the scale turns into <c>u * tiny * scale</c>;
    /// at <c>scale &lt;= 1/(8u)</c> that is an eighth of the <c>tiny</c> per term the bound allows any evaluation.
    /// </summary>
    internal static double FusedScaleLimit(bool doubleAccumulator) => doubleAccumulator ? Math.ScaleB(1, 50) : Math.ScaleB(1, 21);

    /// <summary>
    /// The smallest <c>|sum(t*p)|</c> the fused form may scale: below it, raw products may have underflowed while
    /// Keras's normalised ones do not, and their absolute errors (up to <c>u * tiny</c> each, <c>n</c> of them) are
    /// no longer small against the result's own <c>u * |c|</c>. The bound grants no <c>tiny</c> where a row has a single
    /// non-zero term (fuzz seed 2026120202, case 48213: 3.4 bounds), so such rows take Keras's order.
    /// </summary>
    internal static double SmallestFusedDot(bool doubleAccumulator, int rowLength) =>
        8.0 * rowLength * Math.ScaleB(1, doubleAccumulator ? -1022 : -126);

    /// <summary><c>sum((t * r_t) * (p * r_p))</c> of one row, each product rounded to the compute dtype.</summary>
    private static double FaithfulRow<TT, TP>(
        CosinePlan plan, int row, in ElementReader reader, ReadOnlySpan<TT> yTrue, double rt, ReadOnlySpan<TP> yPred, double rp)
    {
        Precision precision = reader.Pred.Precision;
        int tBase = plan.True.RowOffsets[row], pBase = plan.Pred.RowOffsets[row];
        int[] tOffsets = plan.True.ElementOffsets, pOffsets = plan.Pred.ElementOffsets;
        double sum = 0;
        for (int k = 0; k < tOffsets.Length; k++)
        {
            double x = precision.Multiply(reader.True.Read(yTrue[tBase + tOffsets[k]]), rt);
            double y = precision.Multiply(reader.Pred.Read(yPred[pBase + pOffsets[k]]), rp);
            sum += precision.Multiply(x, y);
        }

        return precision.Round(sum);
    }

    private static void EvaluateBroadcast<TT, TP>(
        CosinePlan plan, ProductLayouts product, KerasProfile profile, in ElementReader reader,
        ReadOnlySpan<TT> yTrue, ReadOnlySpan<TP> yPred, Span<double> losses)
    {
        Precision precision = reader.Pred.Precision;
        int trueRows = plan.True.RowCount, predRows = plan.Pred.RowCount;
        double[] buffer = ArrayPool<double>.Shared.Rent(2 * (trueRows + predRows));
        try
        {
            Span<double> rt = buffer.AsSpan(0, trueRows), rp = buffer.AsSpan(trueRows, predRows);
            Span<double> squares = buffer.AsSpan(trueRows + predRows, trueRows + predRows);
            Norms(yTrue, plan.True, reader.True, profile, squares[..trueRows], rt);
            Norms(yPred, plan.Pred, reader.Pred, profile, squares[trueRows..], rp);
            int length = product.TrueElements.RowLength;
            for (int row = 0; row < product.TrueElements.RowCount; row++)
            {
                double sum = 0;
                for (int k = 0; k < length; k++)
                {
                    double t = reader.True.Read(yTrue[product.TrueElements.RowOffsets[row] + product.TrueElements.ElementOffsets[k]]);
                    double p = reader.Pred.Read(yPred[product.PredElements.RowOffsets[row] + product.PredElements.ElementOffsets[k]]);
                    double x = precision.Multiply(t, rt[product.TrueRows.RowOffsets[row] + product.TrueRows.ElementOffsets[k]]);
                    double y = precision.Multiply(p, rp[product.PredRows.RowOffsets[row] + product.PredRows.ElementOffsets[k]]);
                    sum += precision.Multiply(x, y);
                }

                losses[row] = -precision.Round(sum);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>Per row of one input: the sum of squares rounded to the compute dtype, and the clamped inverse norm.</summary>
    internal static void Norms<TX>(ReadOnlySpan<TX> x, RowLayout layout, in InputReader reader, KerasProfile profile, Span<double> squares, Span<double> inverseNorms)
    {
        Precision precision = reader.Precision;
        if (precision.DType == KerasDType.Float64)
        {
            RowSums<double>.Squares(x, layout, reader, squares);
        }
        else
        {
            RowSums<float>.Squares(x, layout, reader, squares);
        }

        for (int row = 0; row < squares.Length; row++)
        {
            squares[row] = precision.Round(squares[row]);
            inverseNorms[row] = profile.InverseNorm(squares[row], precision);
        }
    }
}

using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CosineParity;

/// <summary>
/// The numeric kernel: per cosine row, <c>sum(t*t)</c>, <c>sum(p*p)</c> and <c>sum(t*p)</c> in one pass, each element
/// first read as the compute dtype (<see cref="InputReader"/>), products and sums in the accumulator type
/// <typeparamref name="TAcc"/> (float for float32 and the 16-bit dtypes, double for float64). It knows nothing of
/// Keras: clamps, weights and reductions are applied to its sums afterwards.
/// </summary>
/// <typeparam name="TAcc">float or double.</typeparam>
internal static class RowSums<TAcc>
    where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
{
    /// <summary>Sums for every row: <paramref name="tt"/>, <paramref name="pp"/>, <paramref name="tp"/> get one value per row.</summary>
    public static void Three<TT, TP>(
        ReadOnlySpan<TT> t, RowLayout tLayout, ReadOnlySpan<TP> p, RowLayout pLayout, in ElementReader reader,
        Span<double> tt, Span<double> pp, Span<double> tp)
    {
        int rows = tLayout.RowCount, firstScalarRow = 0;
        int vectorBits = Widens<TT>(reader.True) && Widens<TP>(reader.Pred) ? KernelSwitch.VectorBits : 0;
        if (vectorBits != 0)
        {
            if (tLayout.IsContiguous && pLayout.IsContiguous)
            {
                if (RowPartition.Splits((long)rows * tLayout.RowLength))
                {
                    RowPartition.Three<TT, TP, TAcc>(vectorBits, t, tLayout, p, pLayout, tt, pp, tp);
                }
                else
                {
                    ContiguousRows(vectorBits, t, tLayout, p, pLayout, 0, rows, tt, pp, tp);
                }

                return;
            }

            if (tLayout.RowsAdjacent && pLayout.RowsAdjacent)
            {
                firstScalarRow = vectorBits switch
                {
                    512 => WideRowSums<Vector512<TAcc>, TAcc, Width512<TAcc>>.Columns(t, tLayout, p, pLayout, tt, pp, tp),
                    256 => WideRowSums<Vector256<TAcc>, TAcc, Width256<TAcc>>.Columns(t, tLayout, p, pLayout, tt, pp, tp),
                    _ => WideRowSums<Vector128<TAcc>, TAcc, Width128<TAcc>>.Columns(t, tLayout, p, pLayout, tt, pp, tp),
                };
            }
        }

        for (int row = firstScalarRow; row < rows; row++)
        {
            ThreeScalar(t, tLayout, p, pLayout, reader, row, out tt[row], out pp[row], out tp[row]);
        }
    }

    /// <summary>
    /// Rows <paramref name="firstRow"/> .. <paramref name="endRow"/> - 1 of dense rows at <paramref name="vectorBits"/>
    /// bits. The width is an argument, not read from <see cref="KernelSwitch"/>, so that a second thread computing
    /// part of the rows sums them exactly as the caller would.
    /// </summary>
    public static void ContiguousRows<TT, TP>(
        int vectorBits, ReadOnlySpan<TT> t, RowLayout tLayout, ReadOnlySpan<TP> p, RowLayout pLayout, int firstRow, int endRow,
        Span<double> tt, Span<double> pp, Span<double> tp)
    {
        switch (vectorBits)
        {
            case 512:
                WideRowSums<Vector512<TAcc>, TAcc, Width512<TAcc>>.Rows(t, tLayout, p, pLayout, firstRow, endRow, tt, pp, tp);
                break;
            case 256:
                WideRowSums<Vector256<TAcc>, TAcc, Width256<TAcc>>.Rows(t, tLayout, p, pLayout, firstRow, endRow, tt, pp, tp);
                break;
            default:
                WideRowSums<Vector128<TAcc>, TAcc, Width128<TAcc>>.Rows(t, tLayout, p, pLayout, firstRow, endRow, tt, pp, tp);
                break;
        }
    }

    /// <summary>Whether an input's rows can be summed in SIMD registers: it widens to the accumulator exactly into
    /// the compute dtype (it is that dtype, or a narrower one it holds).</summary>
    private static bool Widens<TIn>(in InputReader reader) =>
        WideLoad.Supports<TIn, TAcc>()
        && (!reader.Rounds || (typeof(TIn) != typeof(TAcc) && reader.Precision.DType is KerasDType.Float32 or KerasDType.Float64));

    /// <summary>The scalar loop of one row, in element order through the reader.</summary>
    private static void ThreeScalar<TT, TP>(
        ReadOnlySpan<TT> t, RowLayout tLayout, ReadOnlySpan<TP> p, RowLayout pLayout, in ElementReader reader, int row,
        out double tt, out double pp, out double tp)
    {
        TAcc sumTT = TAcc.Zero, sumPP = TAcc.Zero, sumTP = TAcc.Zero;
        int tBase = tLayout.RowOffsets[row], pBase = pLayout.RowOffsets[row];
        int[] tOffsets = tLayout.ElementOffsets, pOffsets = pLayout.ElementOffsets;
        for (int k = 0; k < tOffsets.Length; k++)
        {
            TAcc x = reader.True.Load<TT, TAcc>(t[tBase + tOffsets[k]]);
            TAcc y = reader.Pred.Load<TP, TAcc>(p[pBase + pOffsets[k]]);
            sumTT += x * x;
            sumPP += y * y;
            sumTP += x * y;
        }

        tt = double.CreateTruncating(sumTT);
        pp = double.CreateTruncating(sumPP);
        tp = double.CreateTruncating(sumTP);
    }

    /// <summary><c>sum(x*x)</c> for every row of one tensor.</summary>
    public static void Squares<TX>(ReadOnlySpan<TX> x, RowLayout layout, in InputReader reader, Span<double> sums)
    {
        for (int row = 0; row < layout.RowCount; row++)
        {
            TAcc sum = TAcc.Zero;
            int rowBase = layout.RowOffsets[row];
            foreach (int offset in layout.ElementOffsets)
            {
                TAcc v = reader.Load<TX, TAcc>(x[rowBase + offset]);
                sum += v * v;
            }

            sums[row] = double.CreateTruncating(sum);
        }
    }
}

/// <summary>
/// The SIMD loops of <see cref="RowSums{TAcc}"/> at one vector width <typeparamref name="TWidth"/>: the same code runs
/// at 512, 256 and 128 bits, so CPUs without AVX-512 keep a vector kernel, and tests can run every width on one CPU.
/// </summary>
internal static class WideRowSums<TVec, TAcc, TWidth>
    where TVec : struct
    where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    where TWidth : IVectorWidth<TVec, TAcc>
{
    /// <summary>The three sums of dense rows <paramref name="firstRow"/> .. <paramref name="endRow"/> - 1.</summary>
    public static void Rows<TT, TP>(
        ReadOnlySpan<TT> t, RowLayout tLayout, ReadOnlySpan<TP> p, RowLayout pLayout, int firstRow, int endRow,
        Span<double> tt, Span<double> pp, Span<double> tp)
    {
        for (int row = firstRow; row < endRow; row++)
        {
            Row(t.Slice(tLayout.RowOffsets[row], tLayout.RowLength), p.Slice(pLayout.RowOffsets[row], pLayout.RowLength), out tt[row], out pp[row], out tp[row]);
        }
    }

    /// <summary>The three sums of one dense row in vector registers (inputs widened on load), two fused
    /// multiply-add chains per sum, the lanes summed at the end and the tail in scalars: another summation order
    /// than the scalar loop's (and one rounding per product-add), which the error bound allows.</summary>
    private static void Row<TT, TP>(ReadOnlySpan<TT> t, ReadOnlySpan<TP> p, out double tt, out double pp, out double tp)
    {
        ref TT t0 = ref WideLoad.Start(t);
        ref TP p0 = ref WideLoad.Start(p);
        nuint width = (nuint)TWidth.Count, length = (nuint)t.Length, k = 0;
        TVec tt0 = TWidth.Zero, pp0 = tt0, tp0 = tt0, tt1 = tt0, pp1 = tt0, tp1 = tt0;
        for (; k + (2 * width) <= length; k += 2 * width)
        {
            TVec x0 = WideLoad<TVec, TAcc, TWidth>.Load(ref t0, k), y0 = WideLoad<TVec, TAcc, TWidth>.Load(ref p0, k);
            TVec x1 = WideLoad<TVec, TAcc, TWidth>.Load(ref t0, k + width), y1 = WideLoad<TVec, TAcc, TWidth>.Load(ref p0, k + width);
            tt0 = TWidth.MultiplyAdd(x0, x0, tt0);
            pp0 = TWidth.MultiplyAdd(y0, y0, pp0);
            tp0 = TWidth.MultiplyAdd(x0, y0, tp0);
            tt1 = TWidth.MultiplyAdd(x1, x1, tt1);
            pp1 = TWidth.MultiplyAdd(y1, y1, pp1);
            tp1 = TWidth.MultiplyAdd(x1, y1, tp1);
        }

        if (k + width <= length)
        {
            TVec x0 = WideLoad<TVec, TAcc, TWidth>.Load(ref t0, k), y0 = WideLoad<TVec, TAcc, TWidth>.Load(ref p0, k);
            tt0 = TWidth.MultiplyAdd(x0, x0, tt0);
            pp0 = TWidth.MultiplyAdd(y0, y0, pp0);
            tp0 = TWidth.MultiplyAdd(x0, y0, tp0);
            k += width;
        }

        TAcc sumTT = TWidth.Sum(TWidth.Add(tt0, tt1)), sumPP = TWidth.Sum(TWidth.Add(pp0, pp1)), sumTP = TWidth.Sum(TWidth.Add(tp0, tp1));
        for (; k < length; k++)
        {
            TAcc x = WideLoad.One<TT, TAcc>(ref t0, k), y = WideLoad.One<TP, TAcc>(ref p0, k);
            sumTT += x * x;
            sumPP += y * y;
            sumTP += x * y;
        }

        tt = double.CreateTruncating(sumTT);
        pp = double.CreateTruncating(sumPP);
        tp = double.CreateTruncating(sumTP);
    }

    /// <summary>
    /// Rows whose starts are adjacent elements (a reduction over a leading axis, such as axis 0 of [256, 512]): one
    /// vector holds the sums of that many neighbouring rows, and each step down the reduced axis adds one contiguous
    /// load of them, so every element is read once in memory order. Returns the first row left to the scalar loop
    /// (the last <c>rows % Count</c>).
    /// </summary>
    public static int Columns<TT, TP>(
        ReadOnlySpan<TT> t, RowLayout tLayout, ReadOnlySpan<TP> p, RowLayout pLayout, Span<double> tt, Span<double> pp, Span<double> tp)
    {
        int width = TWidth.Count, rows = tLayout.RowCount, row = 0;
        if (rows == 0 || tLayout.RowLength == 0)
        {
            return 0;
        }

        ref TT t0 = ref WideLoad.Start(t);
        ref TP p0 = ref WideLoad.Start(p);
        int[] tOffsets = tLayout.ElementOffsets, pOffsets = pLayout.ElementOffsets;
        for (; row + width <= rows; row += width)
        {
            nuint tBase = (nuint)(tLayout.RowOffsets[0] + row), pBase = (nuint)(pLayout.RowOffsets[0] + row);
            TVec sumTT = TWidth.Zero, sumPP = sumTT, sumTP = sumTT;
            for (int k = 0; k < tOffsets.Length; k++)
            {
                TVec x = WideLoad<TVec, TAcc, TWidth>.Load(ref t0, tBase + (nuint)tOffsets[k]);
                TVec y = WideLoad<TVec, TAcc, TWidth>.Load(ref p0, pBase + (nuint)pOffsets[k]);
                sumTT = TWidth.MultiplyAdd(x, x, sumTT);
                sumPP = TWidth.MultiplyAdd(y, y, sumPP);
                sumTP = TWidth.MultiplyAdd(x, y, sumTP);
            }

            for (int lane = 0; lane < width; lane++)
            {
                tt[row + lane] = double.CreateTruncating(TWidth.Lane(sumTT, lane));
                pp[row + lane] = double.CreateTruncating(TWidth.Lane(sumPP, lane));
                tp[row + lane] = double.CreateTruncating(TWidth.Lane(sumTP, lane));
            }
        }

        return row;
    }
}

/// <summary>How each input's elements become compute-dtype values: read, then rounded to the compute dtype when the
/// input's own type is another (Keras 3 casts its inputs to the loss dtype; Keras 2 never casts).</summary>
internal readonly struct InputReader(Precision precision, bool rounds)
{
    public Precision Precision { get; } = precision;

    /// <summary>Whether elements are rounded to the compute dtype when read (their own type is another).</summary>
    public bool Rounds { get; } = rounds;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TAcc Load<TIn, TAcc>(TIn value)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    {
        double v = Element.ToDouble(value);
        return TAcc.CreateTruncating(Rounds ? Precision.Round(v) : v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Read<TIn>(TIn value)
    {
        double v = Element.ToDouble(value);
        return Rounds ? Precision.Round(v) : v;
    }

    public static InputReader For<TIn>(Precision precision) =>
        new(precision, typeof(TIn) == typeof(long) || KerasDTypes.Of<TIn>() != precision.DType);
}

/// <summary>The readers of <c>y_true</c> and <c>y_pred</c>.</summary>
internal readonly struct ElementReader(InputReader yTrue, InputReader yPred)
{
    public InputReader True { get; } = yTrue;

    public InputReader Pred { get; } = yPred;
}

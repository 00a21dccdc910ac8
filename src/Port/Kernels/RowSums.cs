using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        int rows = tLayout.RowCount;
        int length = tLayout.RowLength;
        bool contiguous = tLayout.IsContiguous && pLayout.IsContiguous;
        for (int row = 0; row < rows; row++)
        {
            TAcc sumTT = TAcc.Zero, sumPP = TAcc.Zero, sumTP = TAcc.Zero;
            int tBase = tLayout.RowOffsets[row], pBase = pLayout.RowOffsets[row];
            if (contiguous && Vectorizes<TT, TP>(reader))
            {
                ThreeVectorized(As<TT>(t.Slice(tBase, length)), As<TP>(p.Slice(pBase, length)), out sumTT, out sumPP, out sumTP);
            }
            else if (contiguous)
            {
                ReadOnlySpan<TT> tRow = t.Slice(tBase, length);
                ReadOnlySpan<TP> pRow = p.Slice(pBase, length);
                for (int k = 0; k < length; k++)
                {
                    TAcc x = reader.True.Load<TT, TAcc>(tRow[k]);
                    TAcc y = reader.Pred.Load<TP, TAcc>(pRow[k]);
                    sumTT += x * x;
                    sumPP += y * y;
                    sumTP += x * y;
                }
            }
            else
            {
                int[] tOffsets = tLayout.ElementOffsets, pOffsets = pLayout.ElementOffsets;
                for (int k = 0; k < length; k++)
                {
                    TAcc x = reader.True.Load<TT, TAcc>(t[tBase + tOffsets[k]]);
                    TAcc y = reader.Pred.Load<TP, TAcc>(p[pBase + pOffsets[k]]);
                    sumTT += x * x;
                    sumPP += y * y;
                    sumTP += x * y;
                }
            }

            tt[row] = double.CreateTruncating(sumTT);
            pp[row] = double.CreateTruncating(sumPP);
            tp[row] = double.CreateTruncating(sumTP);
        }
    }

    /// <summary>A span of <typeparamref name="TIn"/> that is <typeparamref name="TAcc"/> (checked by the caller) as one.</summary>
    private static ReadOnlySpan<TAcc> As<TIn>(ReadOnlySpan<TIn> span) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TIn, TAcc>(ref MemoryMarshal.GetReference(span)), span.Length);

    /// <summary>Whether rows of these inputs can be summed straight from memory in SIMD registers: both already in
    /// the accumulator type (nothing to round to the compute dtype first).</summary>
    private static bool Vectorizes<TT, TP>(in ElementReader reader) =>
        KernelSwitch.Vectorize && Vector.IsHardwareAccelerated && typeof(TT) == typeof(TAcc) && typeof(TP) == typeof(TAcc)
        && !reader.True.Rounds && !reader.Pred.Rounds;

    /// <summary>The three sums of one dense row with <see cref="Vector{T}"/> (the widest the CPU has), two
    /// accumulators per sum to keep the multiply-add chains apart, the lanes summed at the end and the tail in
    /// scalars. Another summation order than the scalar loop's, which the error bound allows.</summary>
    private static void ThreeVectorized(ReadOnlySpan<TAcc> t, ReadOnlySpan<TAcc> p, out TAcc sumTT, out TAcc sumPP, out TAcc sumTP)
    {
        int width = Vector<TAcc>.Count, k = 0;
        Vector<TAcc> tt0 = Vector<TAcc>.Zero, pp0 = tt0, tp0 = tt0, tt1 = tt0, pp1 = tt0, tp1 = tt0;
        for (; k <= t.Length - (2 * width); k += 2 * width)
        {
            var x0 = new Vector<TAcc>(t[k..]);
            var y0 = new Vector<TAcc>(p[k..]);
            var x1 = new Vector<TAcc>(t[(k + width)..]);
            var y1 = new Vector<TAcc>(p[(k + width)..]);
            tt0 += x0 * x0;
            pp0 += y0 * y0;
            tp0 += x0 * y0;
            tt1 += x1 * x1;
            pp1 += y1 * y1;
            tp1 += x1 * y1;
        }

        if (k <= t.Length - width)
        {
            var x0 = new Vector<TAcc>(t[k..]);
            var y0 = new Vector<TAcc>(p[k..]);
            tt0 += x0 * x0;
            pp0 += y0 * y0;
            tp0 += x0 * y0;
            k += width;
        }

        sumTT = Vector.Sum(tt0 + tt1);
        sumPP = Vector.Sum(pp0 + pp1);
        sumTP = Vector.Sum(tp0 + tp1);
        for (; k < t.Length; k++)
        {
            sumTT += t[k] * t[k];
            sumPP += p[k] * p[k];
            sumTP += t[k] * p[k];
        }
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

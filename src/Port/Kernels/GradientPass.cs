using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CosineParity;

/// <summary>
/// The fused backward pass: with three coefficients per row (<see cref="FusedBackward"/>),
/// <c>tbar = a * p + bT * t</c> and <c>pbar = a * t + bP * p</c>, so both inputs are read once and both gradients
/// written once. Inputs of type <c>TIn</c> are widened exactly into <typeparamref name="TAcc"/> on load
/// (<see cref="WideLoad"/>); each element is one product and one fused multiply-add in <typeparamref name="TAcc"/>, in
/// vector lanes and in the scalar remainder alike (so its value does not depend on the vector width), then rounded
/// once to <c>TIn</c> when that is narrower. The gradients have the inputs' layout (dense, same offsets).
/// </summary>
/// <typeparam name="TAcc">float or double.</typeparam>
internal static class GradientPass<TAcc>
    where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
{
    /// <summary>
    /// Both gradients of one dense row pair at <paramref name="vectorBits"/> bits (0: scalar). The elements before
    /// the first vector-aligned address of <paramref name="tGradient"/> take the scalar pair, so that the vector
    /// stores do not straddle cache lines (the pass is bound by its two stores; split ones made forward + gradients
    /// about 1.4x slower at 32x128, docs/benchmarks.md): the same values, as the scalar pair computes every element
    /// as the lanes do.
    /// </summary>
    public static void Row<TIn>(
        int vectorBits, ReadOnlySpan<TIn> t, ReadOnlySpan<TIn> p, TAcc a, TAcc bT, TAcc bP, Span<TIn> tGradient, Span<TIn> pGradient)
    {
        // Stryker disable once Conditional,Arithmetic : equivalent: only where the scalar head ends, never a value
        int head = vectorBits == 0 ? 0 : Math.Min(t.Length, ElementsBeforeAlignment(tGradient, vectorBits / 8 / Unsafe.SizeOf<TAcc>()));
        for (int k = 0; k < head; k++)
        {
            (tGradient[k], pGradient[k]) = Pair(t[k], p[k], a, bT, bP);
        }

        int done = head + vectorBits switch
        {
            512 => WideGradientPass<Vector512<TAcc>, TAcc, Width512<TAcc>>.Row(t[head..], p[head..], a, bT, bP, tGradient[head..], pGradient[head..]),
            256 => WideGradientPass<Vector256<TAcc>, TAcc, Width256<TAcc>>.Row(t[head..], p[head..], a, bT, bP, tGradient[head..], pGradient[head..]),
            128 => WideGradientPass<Vector128<TAcc>, TAcc, Width128<TAcc>>.Row(t[head..], p[head..], a, bT, bP, tGradient[head..], pGradient[head..]),
            _ => 0,
        };
        for (int k = done; k < t.Length; k++)
        {
            (tGradient[k], pGradient[k]) = Pair(t[k], p[k], a, bT, bP);
        }
    }

    // Stryker disable all : equivalent: only where the scalar head ends, never a value (the head computes as the lanes do)
    /// <summary>How many elements precede the first one of <paramref name="span"/> whose address is a multiple of a
    /// vector store of <paramref name="lanes"/> elements (0 when the span's elements are not naturally aligned). The
    /// address is read unpinned: should the GC move the array, only the speed changes, never a value.</summary>
    private static unsafe int ElementsBeforeAlignment<TIn>(Span<TIn> span, int lanes)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
        nuint size = (nuint)Unsafe.SizeOf<TIn>(), bytes = (nuint)lanes * size;
        return address % size != 0 ? 0 : (int)((bytes - (address % bytes)) % bytes / size);
    }
    // Stryker restore all

    /// <summary>
    /// Both gradients of rows whose starts are adjacent elements (<see cref="RowLayout.RowsAdjacent"/>), the
    /// coefficients one per row in <paramref name="a"/>, <paramref name="bT"/>, <paramref name="bP"/>: a vector holds
    /// that many neighbouring rows, so the coefficients are per-lane vectors and each step down the reduced axis is
    /// one contiguous load and store per input, in memory order.
    /// </summary>
    public static void Columns<TIn>(
        int vectorBits, ReadOnlySpan<TIn> t, RowLayout tLayout, ReadOnlySpan<TIn> p, RowLayout pLayout,
        ReadOnlySpan<TAcc> a, ReadOnlySpan<TAcc> bT, ReadOnlySpan<TAcc> bP, Span<TIn> tGradient, Span<TIn> pGradient)
    {
        int done = vectorBits switch
        {
            512 => WideGradientPass<Vector512<TAcc>, TAcc, Width512<TAcc>>.Columns(t, tLayout, p, pLayout, a, bT, bP, tGradient, pGradient),
            256 => WideGradientPass<Vector256<TAcc>, TAcc, Width256<TAcc>>.Columns(t, tLayout, p, pLayout, a, bT, bP, tGradient, pGradient),
            128 => WideGradientPass<Vector128<TAcc>, TAcc, Width128<TAcc>>.Columns(t, tLayout, p, pLayout, a, bT, bP, tGradient, pGradient),
            _ => 0,
        };
        for (int row = done; row < tLayout.RowCount; row++)
        {
            int tBase = tLayout.RowOffsets[row], pBase = pLayout.RowOffsets[row];
            for (int k = 0; k < tLayout.RowLength; k++)
            {
                int i = tBase + tLayout.ElementOffsets[k], j = pBase + pLayout.ElementOffsets[k];
                (tGradient[i], pGradient[j]) = Pair(t[i], p[j], a[row], bT[row], bP[row]);
            }
        }
    }

    /// <summary>One element of each gradient, as the lanes compute it: <c>a * other + slope * own</c>, the slope's
    /// product rounded (TF's <c>ds * (2 t)</c>), then one fused multiply-add, then the store's rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TIn T, TIn P) Pair<TIn>(TIn t, TIn p, TAcc a, TAcc bT, TAcc bP)
    {
        TAcc x = TAcc.CreateTruncating(Element.ToDouble(t)), y = TAcc.CreateTruncating(Element.ToDouble(p));
        return (Narrow<TIn>(TAcc.FusedMultiplyAdd(a, y, bT * x)), Narrow<TIn>(TAcc.FusedMultiplyAdd(a, x, bP * y)));
    }

    /// <summary>A value rounded to the input type (exact when that is <typeparamref name="TAcc"/>); from float
    /// directly for the 16-bit types, which rounds the same value once as the double conversion would.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TIn Narrow<TIn>(TAcc value)
    {
        if (typeof(TIn) == typeof(TAcc))
        {
            return Unsafe.As<TAcc, TIn>(ref value);
        }

        // Stryker disable once Equality,Logical,Block : equivalent: a shortcut; the double conversion below rounds the same value once to the same bits
        if (typeof(TAcc) == typeof(float) && typeof(TIn) == typeof(Half))
        {
            Half half = (Half)Unsafe.As<TAcc, float>(ref value);
            return Unsafe.As<Half, TIn>(ref half);
        }

        // Stryker disable once Equality,Logical,Block : equivalent: a shortcut; the double conversion below rounds the same value once to the same bits
        if (typeof(TAcc) == typeof(float) && typeof(TIn) == typeof(BFloat16))
        {
            BFloat16 brain = (BFloat16)Unsafe.As<TAcc, float>(ref value);
            return Unsafe.As<BFloat16, TIn>(ref brain);
        }

        return Element.FromDouble<TIn>(double.CreateTruncating(value));
    }
}

/// <summary>The SIMD loops of <see cref="GradientPass{TAcc}"/> at one vector width <typeparamref name="TWidth"/>.</summary>
internal static class WideGradientPass<TVec, TAcc, TWidth>
    where TVec : struct
    where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    where TWidth : IVectorWidth<TVec, TAcc>
{
    /// <summary>The full vectors of one row; returns the first element left to the scalar remainder.</summary>
    public static int Row<TIn>(ReadOnlySpan<TIn> t, ReadOnlySpan<TIn> p, TAcc a, TAcc bT, TAcc bP, Span<TIn> tGradient, Span<TIn> pGradient)
    {
        if (NarrowStore.Handles<TIn, TAcc>())
        {
            return RowThroughFloats(t, p, a, bT, bP, tGradient, pGradient);
        }

        ref TIn t0 = ref WideLoad.Start(t), p0 = ref WideLoad.Start(p);
        ref TIn tg0 = ref MemoryMarshal.GetReference(tGradient), pg0 = ref MemoryMarshal.GetReference(pGradient);
        TVec va = TWidth.Create(a), vbT = TWidth.Create(bT), vbP = TWidth.Create(bP);
        nuint width = (nuint)TWidth.Count, length = (nuint)t.Length, k = 0;
        for (; k + width <= length; k += width)
        {
            TVec x = WideLoad<TVec, TAcc, TWidth>.Load(ref t0, k), y = WideLoad<TVec, TAcc, TWidth>.Load(ref p0, k);
            (TVec tBar, TVec pBar) = Gradients(x, y, va, vbT, vbP);
            Store(tBar, ref tg0, k, default);
            Store(pBar, ref pg0, k, default);
        }

        return (int)k;
    }

    /// <summary>
    /// <see cref="Row"/> for 16-bit inputs: the float lanes go to a stack chunk, which <see cref="NarrowStore"/>
    /// rounds in vector lanes too (a lane-by-lane scalar rounding costs more than the rest of the pass).
    /// </summary>
    [SkipLocalsInit]
    private static int RowThroughFloats<TIn>(ReadOnlySpan<TIn> t, ReadOnlySpan<TIn> p, TAcc a, TAcc bT, TAcc bP, Span<TIn> tGradient, Span<TIn> pGradient)
    {
        const int Chunk = 256;   // a multiple of every width's Count; two chunks stay in L1
        Span<TAcc> tLanes = stackalloc TAcc[Chunk], pLanes = stackalloc TAcc[Chunk];
        ref TIn t0 = ref WideLoad.Start(t), p0 = ref WideLoad.Start(p);
        ref TAcc tl0 = ref MemoryMarshal.GetReference(tLanes), pl0 = ref MemoryMarshal.GetReference(pLanes);
        TVec va = TWidth.Create(a), vbT = TWidth.Create(bT), vbP = TWidth.Create(bP);
        int width = TWidth.Count, whole = t.Length - (t.Length % width);
        for (int start = 0; start < whole; start += Chunk)
        {
            int count = Math.Min(Chunk, whole - start);
            for (int j = 0; j < count; j += width)
            {
                nuint k = (nuint)(start + j);
                TVec x = WideLoad<TVec, TAcc, TWidth>.Load(ref t0, k), y = WideLoad<TVec, TAcc, TWidth>.Load(ref p0, k);
                (TVec tBar, TVec pBar) = Gradients(x, y, va, vbT, vbP);
                TWidth.Store(tBar, ref tl0, (nuint)j);
                TWidth.Store(pBar, ref pl0, (nuint)j);
            }

            NarrowStore.Round(Floats(tLanes[..count]), tGradient.Slice(start, count));
            NarrowStore.Round(Floats(pLanes[..count]), pGradient.Slice(start, count));
        }

        return whole;
    }

    /// <summary>The rows of whole vectors (see <see cref="GradientPass{TAcc}.Columns"/>); returns the first row left
    /// to the scalar loop (the last <c>rows % Count</c>).</summary>
    public static int Columns<TIn>(
        ReadOnlySpan<TIn> t, RowLayout tLayout, ReadOnlySpan<TIn> p, RowLayout pLayout,
        ReadOnlySpan<TAcc> a, ReadOnlySpan<TAcc> bT, ReadOnlySpan<TAcc> bP, Span<TIn> tGradient, Span<TIn> pGradient)
    {
        int width = TWidth.Count, rows = tLayout.RowCount, row = 0;
        // Stryker disable once Logical,Block : equivalent: with no rows the loop does not run; rows of no elements make no load and no store
        if (rows == 0 || tLayout.RowLength == 0)
        {
            return rows;
        }

        ref TIn t0 = ref WideLoad.Start(t), p0 = ref WideLoad.Start(p);
        ref TIn tg0 = ref MemoryMarshal.GetReference(tGradient), pg0 = ref MemoryMarshal.GetReference(pGradient);
        ref TAcc a0 = ref MemoryMarshal.GetReference(a), bT0 = ref MemoryMarshal.GetReference(bT), bP0 = ref MemoryMarshal.GetReference(bP);
        int[] tOffsets = tLayout.ElementOffsets, pOffsets = pLayout.ElementOffsets;
        Span<TAcc> lanes = stackalloc TAcc[width];   // the 16-bit stores' float lanes
        for (; row + width <= rows; row += width)
        {
            TVec va = TWidth.Load(ref a0, (nuint)row), vbT = TWidth.Load(ref bT0, (nuint)row), vbP = TWidth.Load(ref bP0, (nuint)row);
            nuint tBase = (nuint)(tLayout.RowOffsets[0] + row), pBase = (nuint)(pLayout.RowOffsets[0] + row);
            for (int k = 0; k < tOffsets.Length; k++)
            {
                nuint i = tBase + (nuint)tOffsets[k], j = pBase + (nuint)pOffsets[k];
                TVec x = WideLoad<TVec, TAcc, TWidth>.Load(ref t0, i), y = WideLoad<TVec, TAcc, TWidth>.Load(ref p0, j);
                (TVec tBar, TVec pBar) = Gradients(x, y, va, vbT, vbP);
                Store(tBar, ref tg0, i, lanes);
                Store(pBar, ref pg0, j, lanes);
            }
        }

        return row;
    }

    /// <summary>Both gradients of one vector of elements, as <see cref="GradientPass{TAcc}"/>'s scalar pair computes
    /// them: the slope's product rounded, then one fused multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVec T, TVec P) Gradients(TVec x, TVec y, TVec a, TVec bT, TVec bP) =>
        (TWidth.MultiplyAdd(a, y, TWidth.Multiply(bT, x)), TWidth.MultiplyAdd(a, x, TWidth.Multiply(bP, y)));

    /// <summary>The lanes at <paramref name="index"/> on: one vector store; for the 16-bit types, through
    /// <paramref name="lanes"/> (Count floats) and <see cref="NarrowStore"/>; for float under a float64 loss, each lane
    /// rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TIn>(TVec v, ref TIn destination, nuint index, Span<TAcc> lanes)
    {
        if (typeof(TIn) == typeof(TAcc))
        {
            TWidth.Store(v, ref Unsafe.As<TIn, TAcc>(ref destination), index);
            // Stryker disable once Statement : equivalent: the per-lane stores below write the same bits again (NarrowStoreTests)
            return;
        }

        if (NarrowStore.Handles<TIn, TAcc>())
        {
            TWidth.Store(v, ref MemoryMarshal.GetReference(lanes), 0);
            NarrowStore.Round(Floats(lanes), MemoryMarshal.CreateSpan(ref Unsafe.Add(ref destination, index), TWidth.Count));
            // Stryker disable once Statement : equivalent: the per-lane stores below write the same bits again (NarrowStoreTests)
            return;
        }

        for (int lane = 0; lane < TWidth.Count; lane++)
        {
            Unsafe.Add(ref destination, index + (nuint)lane) = GradientPass<TAcc>.Narrow<TIn>(TWidth.Lane(v, lane));
        }
    }

    /// <summary>Lanes of <typeparamref name="TAcc"/> as floats (only called where it is float).</summary>
    private static ReadOnlySpan<float> Floats(Span<TAcc> lanes) => MemoryMarshal.Cast<TAcc, float>(lanes);
}

using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CosineParity;

/// <summary>
/// The SIMD kernel of the backward pass over one pair of dense rows already in the compute dtype
/// <typeparamref name="T"/> (float for float32, double for float64): the same ops as the exact path, each a single
/// <typeparamref name="T"/> operation (the product or sum of two values of <typeparamref name="T"/> rounded once,
/// which is what the exact path's double operation rounded to the dtype gives), only the sums in another order.
/// A row shorter than <see cref="Vector{T}"/> is not handled here (<see cref="Fits"/>). Loads and stores are
/// unchecked: the caller passes spans of one length, at least one vector (<see cref="Fits"/>).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal static class GradientRows<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether rows of this length go through the kernel: SIMD available and at least one full vector, so
    /// that the last partial vector can be read as the row's last full one.</summary>
    public static bool Fits(int rowLength) => Vector.IsHardwareAccelerated && rowLength >= Vector<T>.Count;

    /// <summary><c>sum(t*t)</c> and <c>sum(p*p)</c> of one row pair.</summary>
    public static (T TT, T PP) Squares(ReadOnlySpan<T> t, ReadOnlySpan<T> p) => Reduce(t, p, default(SquareTerms));

    /// <summary><c>dr_t = sum(xbar_t * t)</c> and <c>dr_p = sum(xbar_p * p)</c> with <c>xbar_t = dc * (p * r_p)</c>,
    /// <c>xbar_p = dc * (t * r_t)</c>.</summary>
    public static (T DrT, T DrP) Slopes(ReadOnlySpan<T> t, ReadOnlySpan<T> p, T dc, T rt, T rp) =>
        Reduce(t, p, new SlopeTerms(new Vector<T>(dc), new Vector<T>(rt), new Vector<T>(rp)));

    /// <summary>Both gradients of one row pair: <c>xbar * r + slope * (2x)</c> (<c>2x</c> as <c>x + x</c>, the same
    /// value). The last partial vector is written as the row's last full one: its lanes get the same values again.</summary>
    public static void Write(ReadOnlySpan<T> t, ReadOnlySpan<T> p, T dc, T rt, T rp, T slopeT, T slopeP, Span<T> tGradient, Span<T> pGradient)
    {
        Vector<T> vdc = new(dc), vrt = new(rt), vrp = new(rp), vst = new(slopeT), vsp = new(slopeP);
        ref T tRef = ref MemoryMarshal.GetReference(t), pRef = ref MemoryMarshal.GetReference(p);
        ref T tgRef = ref MemoryMarshal.GetReference(tGradient), pgRef = ref MemoryMarshal.GetReference(pGradient);
        int width = Vector<T>.Count, n = t.Length;
        for (int k = 0; k < n; k += width)
        {
            nuint at = (nuint)Math.Min(k, n - width);
            Vector<T> x = Vector.LoadUnsafe(ref tRef, at), y = Vector.LoadUnsafe(ref pRef, at);
            Vector<T> xbarT = vdc * (y * vrp), xbarP = vdc * (x * vrt);
            Vector.StoreUnsafe((xbarT * vrt) + (vst * (x + x)), ref tgRef, at);
            Vector.StoreUnsafe((xbarP * vrp) + (vsp * (y + y)), ref pgRef, at);
        }
    }

    /// <summary>The two per-element terms a reduction sums.</summary>
    private interface ITerms
    {
        (Vector<T> A, Vector<T> B) Of(Vector<T> t, Vector<T> p);
    }

    /// <summary>Sums both terms over the row: two accumulators each (independent add chains), then the row's last
    /// full vector for the remainder with the lanes already summed masked out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T A, T B) Reduce<TTerms>(ReadOnlySpan<T> t, ReadOnlySpan<T> p, TTerms terms)
        where TTerms : struct, ITerms
    {
        ref T tRef = ref MemoryMarshal.GetReference(t), pRef = ref MemoryMarshal.GetReference(p);
        int width = Vector<T>.Count, n = t.Length, k = 0;
        Vector<T> a0 = Vector<T>.Zero, b0 = a0, a1 = a0, b1 = a0;
        for (; k <= n - (2 * width); k += 2 * width)
        {
            (Vector<T> a, Vector<T> b) = terms.Of(Vector.LoadUnsafe(ref tRef, (nuint)k), Vector.LoadUnsafe(ref pRef, (nuint)k));
            (Vector<T> c, Vector<T> d) = terms.Of(Vector.LoadUnsafe(ref tRef, (nuint)(k + width)), Vector.LoadUnsafe(ref pRef, (nuint)(k + width)));
            a0 += a;
            b0 += b;
            a1 += c;
            b1 += d;
        }

        for (; k < n; k += width)
        {
            int last = Math.Min(k, n - width);
            Vector<T> keep = Vector.GreaterThanOrEqual(Vector<T>.Indices, new Vector<T>(T.CreateTruncating(k - last)));
            (Vector<T> a, Vector<T> b) = terms.Of(Vector.LoadUnsafe(ref tRef, (nuint)last), Vector.LoadUnsafe(ref pRef, (nuint)last));
            a0 += Vector.ConditionalSelect(keep, a, Vector<T>.Zero);
            b0 += Vector.ConditionalSelect(keep, b, Vector<T>.Zero);
        }

        return (Vector.Sum(a0 + a1), Vector.Sum(b0 + b1));
    }

    private readonly struct SquareTerms : ITerms
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (Vector<T> A, Vector<T> B) Of(Vector<T> t, Vector<T> p) => (t * t, p * p);
    }

    private readonly struct SlopeTerms(Vector<T> dc, Vector<T> rt, Vector<T> rp) : ITerms
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (Vector<T> A, Vector<T> B) Of(Vector<T> t, Vector<T> p) => ((dc * (p * rp)) * t, (dc * (t * rt)) * p);
    }
}

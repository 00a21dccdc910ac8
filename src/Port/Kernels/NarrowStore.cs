using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CosineParity;

/// <summary>
/// Floats rounded to a 16-bit element type a whole run at a time, in vector lanes: what the gradient pass stores
/// when its inputs are <see cref="Half"/> or <see cref="BFloat16"/>. Each value is rounded to nearest, ties to even,
/// exactly as the scalar casts <c>(Half)float</c> and <c>(BFloat16)float</c> round it (same bits, NaN included), so
/// a gradient does not depend on whether its element went through here or through the scalar remainder.
/// </summary>
internal static class NarrowStore
{
    /// <summary>Whether <typeparamref name="TIn"/> is stored through here from float lanes.</summary>
    // Stryker disable once Equality,Logical : equivalent: a type it does not handle takes the per-lane scalar casts, the same bits
    public static bool Handles<TIn, TAcc>() =>
        typeof(TAcc) == typeof(float) && (typeof(TIn) == typeof(Half) || typeof(TIn) == typeof(BFloat16));

    /// <summary>Rounds every value of <paramref name="source"/> into <paramref name="destination"/> (as long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Round<TIn>(ReadOnlySpan<float> source, Span<TIn> destination)
    {
        if (typeof(TIn) == typeof(Half))
        {
            TensorPrimitives.ConvertToHalf(source, As<TIn, Half>(destination));
        }
        else
        {
            RoundToBFloat16(source, As<TIn, ushort>(destination));
        }
    }

    /// <summary>A span of 16-bit elements as another 16-bit type (the callers' element type is unconstrained).</summary>
    private static Span<TTo> As<TFrom, TTo>(Span<TFrom> span) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<TFrom, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);

    /// <summary>
    /// The scalar <see cref="BFloat16"/> rounding in lanes: add <c>0x7FFF</c> plus the kept part's lowest bit and
    /// keep the upper half (ties to even, overflow carrying into infinity); a NaN keeps its upper half, made quiet.
    /// </summary>
    private static void RoundToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        ReadOnlySpan<uint> bits = MemoryMarshal.Cast<float, uint>(source);
        int width = Vector<uint>.Count, k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<uint> magnitude = new(0x7FFF_FFFFu), infinity = new(0x7F80_0000u), half = new(0x7FFFu), one = Vector<uint>.One, quiet = new(0x0040u);
            ref uint s0 = ref MemoryMarshal.GetReference(bits);
            ref ushort d0 = ref MemoryMarshal.GetReference(destination);
            for (; k + 2 * width <= bits.Length; k += 2 * width)
            {
                Vector<uint> low = Lanes(Vector.LoadUnsafe(ref s0, (nuint)k), magnitude, infinity, half, one, quiet);
                Vector<uint> high = Lanes(Vector.LoadUnsafe(ref s0, (nuint)(k + width)), magnitude, infinity, half, one, quiet);
                Vector.StoreUnsafe(Vector.Narrow(low, high), ref d0, (nuint)k);
            }
        }

        for (; k < bits.Length; k++)
        {
            destination[k] = ((BFloat16)source[k]).RawBits;
        }
    }

    /// <summary>One vector of float patterns rounded, each result in the low half of its lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Lanes(Vector<uint> v, Vector<uint> magnitude, Vector<uint> infinity, Vector<uint> half, Vector<uint> one, Vector<uint> quiet)
    {
        Vector<uint> upper = Vector.ShiftRightLogical(v, 16);
        Vector<uint> rounded = Vector.ShiftRightLogical(v + half + (upper & one), 16);
        Vector<uint> isNaN = Vector.GreaterThan(v & magnitude, infinity);
        return Vector.ConditionalSelect(isNaN, upper | quiet, rounded);
    }
}

using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CosineParity;

/// <summary>
/// What the widening loads share across vector widths: which input types widen, single-element tail loads and span
/// starts. The loads themselves are <see cref="WideLoad{TVec, TAcc, TWidth}"/>.
/// </summary>
internal static class WideLoad
{
    /// <summary>Whether <typeparamref name="TIn"/> widens into <typeparamref name="TAcc"/> here.</summary>
    public static bool Supports<TIn, TAcc>() =>
        typeof(TIn) == typeof(TAcc)
        || (typeof(TAcc) == typeof(float) && (typeof(TIn) == typeof(Half) || typeof(TIn) == typeof(BFloat16)))
        || (typeof(TAcc) == typeof(double) && typeof(TIn) == typeof(float));

    /// <summary>One element, widened (the tails of rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TAcc One<TIn, TAcc>(ref TIn source, nuint index)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc> =>
        TAcc.CreateTruncating(Element.ToDouble(Unsafe.Add(ref source, index)));

    /// <summary>The start of a span, for the loads.</summary>
    public static ref TIn Start<TIn>(ReadOnlySpan<TIn> span) => ref MemoryMarshal.GetReference(span);
}

/// <summary>
/// Loads of <c>Count</c> input elements into one vector of the accumulator type at one width, widening in
/// registers: <see cref="Half"/> and <see cref="BFloat16"/> to float, float to double. Every widening here is exact,
/// so a widened row is the row the scalar reader sees. The type tests fold away per instantiation (all element
/// types are structs).
/// </summary>
internal static class WideLoad<TVec, TAcc, TWidth>
    where TVec : struct
    where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    where TWidth : IVectorWidth<TVec, TAcc>
{
    /// <summary>Elements <paramref name="index"/> .. index + Count - 1 of the run starting at <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TIn>(ref TIn source, nuint index)
    {
        if (typeof(TIn) == typeof(TAcc))
        {
            return TWidth.Load(ref Unsafe.As<TIn, TAcc>(ref source), index);
        }

        if (typeof(TIn) == typeof(float))
        {
            return TWidth.LoadWidened(ref Unsafe.As<TIn, float>(ref source), index);
        }

        TVec bits = TWidth.LoadBits(ref Unsafe.As<TIn, ushort>(ref source), index);
        return typeof(TIn) == typeof(Half) ? HalfBitsToSingle(bits) : TWidth.ShiftLeft(bits, 16);
    }

    /// <summary>
    /// float16 bit patterns (one per 32-bit lane) as floats: the 15 magnitude bits shifted into float's exponent and
    /// fraction give the value times 2^-112 exactly (normal or subnormal), so one exact multiply by 2^112 fixes the
    /// scale; infinities and NaNs (exponent all ones) get float's all-ones exponent and keep their payload.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec HalfBitsToSingle(TVec half)
    {
        TVec magnitude = TWidth.ShiftLeft(TWidth.And(half, TWidth.FromBits(0x7FFFu)), 13);
        TVec finite = TWidth.Multiply(magnitude, TWidth.FromBits((127 + 112) << 23));   // times 2^112
        TVec special = TWidth.Or(magnitude, TWidth.FromBits(0x7F800000u));
        TVec unsigned = TWidth.SelectAtLeast(magnitude, TWidth.FromBits(0x7C00u << 13), special, finite);
        return TWidth.Or(unsigned, TWidth.ShiftLeft(TWidth.And(half, TWidth.FromBits(0x8000u)), 16));
    }
}

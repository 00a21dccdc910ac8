using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CosineParity;

/// <summary>
/// Loads of <see cref="Vector512{T}.Count"/> input elements into one <see cref="Vector512{T}"/> of the accumulator
/// type, widening in registers: <see cref="Half"/> and <see cref="BFloat16"/> to float, float to double. Every
/// widening here is exact, so a widened row is the row the scalar reader sees. The type tests fold away per
/// instantiation (all element types are structs).
/// </summary>
internal static class WideLoad
{
    /// <summary>Whether <typeparamref name="TIn"/> widens into <typeparamref name="TAcc"/> here.</summary>
    public static bool Supports<TIn, TAcc>() =>
        typeof(TIn) == typeof(TAcc)
        || (typeof(TAcc) == typeof(float) && (typeof(TIn) == typeof(Half) || typeof(TIn) == typeof(BFloat16)))
        || (typeof(TAcc) == typeof(double) && typeof(TIn) == typeof(float));

    /// <summary>Elements <paramref name="index"/> .. index + Count - 1 of the run starting at <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> Load<TIn, TAcc>(ref TIn source, nuint index)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    {
        if (typeof(TIn) == typeof(TAcc))
        {
            return Vector512.LoadUnsafe(ref Unsafe.As<TIn, TAcc>(ref source), index);
        }

        if (typeof(TIn) == typeof(float))
        {
            Vector256<float> single = Vector256.LoadUnsafe(ref Unsafe.As<TIn, float>(ref source), index);
            return Vector512.WidenLower(single.ToVector512Unsafe()).As<double, TAcc>();
        }

        Vector256<ushort> bits = Vector256.LoadUnsafe(ref Unsafe.As<TIn, ushort>(ref source), index);
        Vector512<uint> wide = Vector512.WidenLower(bits.ToVector512Unsafe());
        return (typeof(TIn) == typeof(Half) ? HalfBitsToSingle(wide) : (wide << 16).AsSingle()).As<float, TAcc>();
    }

    /// <summary>
    /// float16 bit patterns (one per 32-bit lane) as floats: the 15 magnitude bits shifted into float's exponent and
    /// fraction give the value times 2^-112 exactly (normal or subnormal), so one exact multiply by 2^112 fixes the
    /// scale; infinities and NaNs (exponent all ones) get float's all-ones exponent and keep their payload.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> HalfBitsToSingle(Vector512<uint> half)
    {
        Vector512<uint> magnitude = (half & Vector512.Create(0x7FFFu)) << 13;
        Vector512<float> finite = magnitude.AsSingle() * Vector512.Create(BitConverter.Int32BitsToSingle((127 + 112) << 23));   // 2^112
        Vector512<uint> special = magnitude | Vector512.Create(0x7F800000u);
        Vector512<uint> isSpecial = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(0x7C00u << 13));
        Vector512<uint> unsigned = Vector512.ConditionalSelect(isSpecial, special, finite.AsUInt32());
        return (unsigned | ((half & Vector512.Create(0x8000u)) << 16)).AsSingle();
    }

    /// <summary>One element, widened (the tails of rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TAcc One<TIn, TAcc>(ref TIn source, nuint index)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc> =>
        TAcc.CreateTruncating(Element.ToDouble(Unsafe.Add(ref source, index)));

    /// <summary>The start of a span, for the loads above.</summary>
    public static ref TIn Start<TIn>(ReadOnlySpan<TIn> span) => ref MemoryMarshal.GetReference(span);
}

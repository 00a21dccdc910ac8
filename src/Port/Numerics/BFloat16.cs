using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace CosineParity;

/// <summary>
/// bfloat16: the upper 16 bits of an IEEE 754 binary32 (1 sign, 8 exponent, 7 fraction bits), as TensorFlow's
/// <c>tf.bfloat16</c>. Conversion to <see cref="float"/> and <see cref="double"/> is exact; conversion from them rounds
/// to nearest, ties to even (TensorFlow's rounding), keeping NaN a NaN and overflowing to infinity.
/// </summary>
/// <remarks>
/// The element type of both generations' <c>"bfloat16"</c> dtype: Keras 2 computes in it when both inputs are
/// <c>tf.bfloat16</c>; Keras 3 when the loss is built with <c>dtype="bfloat16"</c> (or, for the function, when
/// <c>y_pred</c> is bfloat16). .NET 10 has no bfloat16 type of its own (<c>System.Numerics.BFloat16</c> comes with
/// .NET 11).
/// </remarks>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>, IFormattable
{
    private readonly ushort _bits;

    private BFloat16(ushort bits) => _bits = bits;

    /// <summary>The raw bits: the upper half of the <see cref="float"/> this value widens to.</summary>
    public ushort RawBits => _bits;

    /// <summary>The value with the given raw bits.</summary>
    /// <param name="bits">The upper 16 bits of a binary32.</param>
    public static BFloat16 FromRawBits(ushort bits) => new(bits);

    /// <summary>Positive zero.</summary>
    public static BFloat16 Zero => new(0);

    /// <summary>1.</summary>
    public static BFloat16 One => new(0x3F80);

    /// <summary>The largest finite value, 3.3895314e38.</summary>
    public static BFloat16 MaxValue => new(0x7F7F);

    /// <summary>The smallest positive normal value, 2^-126 (as in <see cref="float"/>).</summary>
    public static BFloat16 SmallestNormal => new(0x0080);

    /// <summary>The smallest positive subnormal value, 2^-133.</summary>
    public static BFloat16 Epsilon => new(0x0001);

    /// <summary>Positive infinity.</summary>
    public static BFloat16 PositiveInfinity => new(0x7F80);

    /// <summary>Negative infinity.</summary>
    public static BFloat16 NegativeInfinity => new(0xFF80);

    /// <summary>A quiet NaN.</summary>
    public static BFloat16 NaN => new(0x7FC0);

    /// <summary>Whether the value is NaN.</summary>
    /// <param name="value">The value to test.</param>
    public static bool IsNaN(BFloat16 value) => (value._bits & 0x7FFF) > 0x7F80;

    /// <summary>Whether the value is finite (not NaN, not infinite).</summary>
    /// <param name="value">The value to test.</param>
    public static bool IsFinite(BFloat16 value) => (value._bits & 0x7F80) != 0x7F80;

    /// <summary>Widens exactly to <see cref="float"/>.</summary>
    /// <param name="value">The value to widen.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator float(BFloat16 value) => BitConverter.Int32BitsToSingle(value._bits << 16);

    /// <summary>Widens exactly to <see cref="double"/>.</summary>
    /// <param name="value">The value to widen.</param>
    public static explicit operator double(BFloat16 value) => (float)value;

    /// <summary>Rounds a <see cref="float"/> to nearest, ties to even.</summary>
    /// <param name="value">The value to round.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            return new((ushort)((bits >> 16) | 0x0040));   // NaN stays NaN (quiet), sign and top payload kept
        }

        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);   // ties to even
        return new((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>
    /// Rounds a <see cref="double"/> to nearest, ties to even, in one step: going through <see cref="float"/> first
    /// could round twice (a double just above a bfloat16 midpoint may round to the midpoint as a float).
    /// </summary>
    /// <param name="value">The value to round.</param>
    public static explicit operator BFloat16(double value)
    {
        float single = (float)value;
        uint bits = BitConverter.SingleToUInt32Bits(single);
        if ((bits & 0xFFFF) == 0x8000 && float.IsFinite(single) && single != value)
        {
            // The float landed exactly on a bfloat16 midpoint but the double is not there: step it off the midpoint
            // towards the double so the second rounding goes the way the exact value does.
            single = (double)single < value ? MathF.BitIncrement(single) : MathF.BitDecrement(single);
        }

        return (BFloat16)single;
    }

    /// <inheritdoc/>
    public bool Equals(BFloat16 other) => ((float)this).Equals((float)other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ((float)this).GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo((float)other);

    /// <summary>IEEE equality: NaN equals nothing, and +0 equals -0.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(BFloat16 left, BFloat16 right) => (float)left == (float)right;

    /// <summary>IEEE inequality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(BFloat16 left, BFloat16 right) => (float)left != (float)right;

    /// <summary>IEEE ordering.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator <(BFloat16 left, BFloat16 right) => (float)left < (float)right;

    /// <summary>IEEE ordering.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator >(BFloat16 left, BFloat16 right) => (float)left > (float)right;

    /// <summary>IEEE ordering.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator <=(BFloat16 left, BFloat16 right) => (float)left <= (float)right;

    /// <summary>IEEE ordering.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator >=(BFloat16 left, BFloat16 right) => (float)left >= (float)right;

    /// <inheritdoc/>
    public override string ToString() => ((float)this).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ((float)this).ToString(format, formatProvider);
}

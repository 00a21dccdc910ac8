using System;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>
/// <see cref="BFloat16"/> conversions against a reference written here from the definition of rounding to nearest,
/// ties to even: find the two bfloat16 neighbours of the value (the largest one not above its magnitude and the next
/// one up), measure both distances in double (exact, see <see cref="Distances"/>), take the nearer, and on a tie
/// the one whose last mantissa bit is 0. Overflow follows IEEE 754: the value is rounded as if the exponent were
/// unbounded, so the neighbour above the largest finite value is 2^128, and a result of 2^128 is infinity.
/// </summary>
public sealed class BFloat16Tests
{
    private const ushort SignBit = 0x8000;
    private const ushort MaxFinite = 0x7F7F;
    private const ushort PositiveInfinity = 0x7F80;
    private const double TwoTo128 = 3.4028236692093846e38; // 2^128, the "next value" after MaxFinite

    // ---- the reference ------------------------------------------------------------------------------------------

    /// <summary>The bits of a non-negative, non-NaN bfloat16 magnitude as a double (0x7F80 is 2^128 here, not infinity:
    /// the unbounded-exponent neighbour IEEE rounds towards before deciding on overflow).</summary>
    private static double MagnitudeValue(uint magnitudeBits) =>
        magnitudeBits == PositiveInfinity ? TwoTo128 : BitConverter.Int32BitsToSingle((int)(magnitudeBits << 16));

    /// <summary>
    /// The distances from <paramref name="x"/> (non-negative, finite) to its neighbours <paramref name="lo"/> &lt;=
    /// x &lt; <paramref name="hi"/>. Both subtractions are exact in double by Sterbenz's lemma: lo and hi are within a
    /// factor 2 of x (hi - lo is one bfloat16 ulp, which is at most lo for a normal lo and exactly lo's spacing for a
    /// subnormal one, k * 2^-133 with k &gt;= 1, so x &lt; hi &lt;= 2 lo); for lo = 0 the first distance is x itself.
    /// </summary>
    private static (double ToLo, double ToHi) Distances(double x, double lo, double hi) => (x - lo, hi - x);

    /// <summary>Rounds a non-negative finite double to bfloat16 magnitude bits, given the bits of its lower neighbour.</summary>
    private static ushort Nearest(double x, uint loBits)
    {
        uint hiBits = loBits + 1;
        (double toLo, double toHi) = Distances(x, MagnitudeValue(loBits), MagnitudeValue(hiBits));
        uint chosen = toLo < toHi ? loBits : toHi < toLo ? hiBits : (loBits & 1) == 0 ? loBits : hiBits;
        return (ushort)chosen; // hiBits == 0x7F80 is the overflow to infinity
    }

    /// <summary>The correctly rounded bfloat16 of a float, NaN excluded.</summary>
    private static ushort ReferenceFromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        ushort sign = (ushort)((bits >> 16) & SignBit);
        uint magnitude = bits & 0x7FFF_FFFF;
        if (magnitude == 0x7F80_0000)
        {
            return (ushort)(sign | PositiveInfinity);
        }

        // The largest bfloat16 <= |value|: every bfloat16 is a float, so it is |value| with the low 16 bits cleared.
        return (ushort)(sign | Nearest(Math.Abs((double)value), magnitude >> 16));
    }

    /// <summary>The correctly rounded bfloat16 of a double, NaN excluded.</summary>
    private static ushort ReferenceFromDouble(double value)
    {
        ushort sign = double.IsNegative(value) ? SignBit : (ushort)0;
        double x = Math.Abs(value);
        if (double.IsPositiveInfinity(x))
        {
            return (ushort)(sign | PositiveInfinity);
        }

        // The largest float <= x (the nearest float, stepped down if it is above), then the largest bfloat16 <= that
        // float, which is the largest bfloat16 <= x since every bfloat16 is a float. Beyond float's range the nearest
        // float is infinity, stepped down to float.MaxValue, whose bfloat16 floor is MaxFinite.
        float below = (float)x;
        if ((double)below > x)
        {
            below = MathF.BitDecrement(below);
        }

        uint loBits = BitConverter.SingleToUInt32Bits(below) >> 16;
        if (x >= TwoTo128)
        {
            return (ushort)(sign | PositiveInfinity); // beyond the last neighbour: overflow whatever the tie rule says
        }

        return (ushort)(sign | Nearest(x, loBits));
    }

    private static float SingleOf(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    private static ushort Bits(BFloat16 value) => value.RawBits;

    private static string Hex(uint bits) => "0x" + bits.ToString("X8", System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertSingleRounds(uint floatBits)
    {
        float value = SingleOf(floatBits);
        ushort expected = ReferenceFromSingle(value);
        ushort actual = Bits((BFloat16)value);
        if (actual != expected)
        {
            Assert.Fail($"(BFloat16){value:R} (float bits {Hex(floatBits)}): expected bits 0x{expected:X4}, got 0x{actual:X4}");
        }
    }

    private static void AssertDoubleRounds(double value)
    {
        ushort expected = ReferenceFromDouble(value);
        ushort actual = Bits((BFloat16)value);
        if (actual != expected)
        {
            Assert.Fail($"(BFloat16){value:R} (double bits 0x{BitConverter.DoubleToUInt64Bits(value):X16}): expected bits 0x{expected:X4}, got 0x{actual:X4}");
        }
    }

    // ---- the reference checks itself on values whose answer is known ---------------------------------------------

    [Fact]
    public void ReferenceAgreesWithHandPickedAnswers()
    {
        Assert.Equal(0x3F80, ReferenceFromSingle(1f));
        Assert.Equal(0x3F80, ReferenceFromSingle(SingleOf(0x3F80_8000)));  // tie between 0x3F80 (even) and 0x3F81
        Assert.Equal(0x3F82, ReferenceFromSingle(SingleOf(0x3F81_8000)));  // tie between 0x3F81 and 0x3F82 (even)
        Assert.Equal(0x3F81, ReferenceFromSingle(SingleOf(0x3F80_8001)));
        Assert.Equal(0x7F80, ReferenceFromSingle(float.MaxValue));
        Assert.Equal(0x7F7F, ReferenceFromSingle(SingleOf(0x7F7F_7FFF)));
        Assert.Equal(0x0000, ReferenceFromSingle(float.Epsilon));
        Assert.Equal(0x8000, ReferenceFromSingle(-0f));
        Assert.Equal(0x3F80, ReferenceFromDouble(1 + Math.ScaleB(1, -8)));             // tie, to even
        Assert.Equal(0x3F81, ReferenceFromDouble(1 + Math.ScaleB(1, -8) + Math.ScaleB(1, -40)));
        Assert.Equal(0x7F80, ReferenceFromDouble(1e300));
        Assert.Equal(0xFF80, ReferenceFromDouble(-1e300));
    }

    // ---- float -> bfloat16 ---------------------------------------------------------------------------------------

    [Fact]
    public void EveryBFloat16WidensExactlyAndRoundsBackToItself()
    {
        for (int b = 0; b <= ushort.MaxValue; b++)
        {
            var value = BFloat16.FromRawBits((ushort)b);
            float wide = (float)value;
            Assert.Equal((uint)b << 16, BitConverter.SingleToUInt32Bits(wide));
            Assert.Equal(BitConverter.DoubleToUInt64Bits(wide), BitConverter.DoubleToUInt64Bits((double)value));
            if (BFloat16.IsNaN(value))
            {
                Assert.True(float.IsNaN(wide));
                Assert.True(BFloat16.IsNaN((BFloat16)wide));
                Assert.True(BFloat16.IsNaN((BFloat16)(double)wide));
                continue;
            }

            Assert.Equal((ushort)b, Bits((BFloat16)wide));
            Assert.Equal((ushort)b, Bits((BFloat16)(double)wide));
            AssertSingleRounds((uint)b << 16);
        }
    }

    /// <summary>For every pair of neighbours (both signs, subnormals and the overflow step included): the exact
    /// midpoint goes to the even one, one float ulp above it to the upper one, one below to the lower one; and the
    /// reference agrees at each of them.</summary>
    [Fact]
    public void MidpointsTieToEvenAndOneUlpOffDecides()
    {
        for (uint b = 0; b < PositiveInfinity; b++)
        {
            foreach (uint sign in new[] { 0u, 0x8000_0000u })
            {
                uint midpoint = sign | (b << 16) | 0x8000;   // halfway between b and b + 1 (in magnitude)
                ushort lower = (ushort)((sign >> 16) | b), upper = (ushort)((sign >> 16) | (b + 1));
                ushort even = (b & 1) == 0 ? lower : upper;
                Assert.Equal(even, Bits((BFloat16)SingleOf(midpoint)));
                Assert.Equal(upper, Bits((BFloat16)SingleOf(midpoint + 1)));
                Assert.Equal(lower, Bits((BFloat16)SingleOf(midpoint - 1)));
                AssertSingleRounds(midpoint);
                AssertSingleRounds(midpoint + 1);
                AssertSingleRounds(midpoint - 1);
            }
        }
    }

    [Fact]
    public void RandomFloatsRoundAsTheReference()
    {
        var random = new Random(20240611);
        for (int i = 0; i < 1_000_000; i++)
        {
            uint bits = (uint)random.NextInt64(0, 1L << 32);
            if (!float.IsNaN(SingleOf(bits)))
            {
                AssertSingleRounds(bits);
            }
        }
    }

    [Fact]
    public void OverflowToInfinityStartsAtTheMidpointAboveMaxValue()
    {
        // MaxValue = 0x7F7F (odd mantissa); the midpoint to 2^128 is float 0x7F7F8000 = 2^128 - 2^119, which ties to
        // the even neighbour 2^128: infinity. Anything below it stays MaxValue.
        Assert.Equal(MaxFinite, Bits((BFloat16)SingleOf(0x7F7F_7FFF)));
        Assert.Equal(PositiveInfinity, Bits((BFloat16)SingleOf(0x7F7F_8000)));
        Assert.Equal(PositiveInfinity, Bits((BFloat16)float.MaxValue));
        Assert.Equal(PositiveInfinity, Bits((BFloat16)float.PositiveInfinity));
        Assert.Equal((ushort)(SignBit | MaxFinite), Bits((BFloat16)SingleOf(0xFF7F_7FFF)));
        Assert.Equal((ushort)(SignBit | PositiveInfinity), Bits((BFloat16)SingleOf(0xFF7F_8000)));
        Assert.Equal((ushort)(SignBit | PositiveInfinity), Bits((BFloat16)float.MinValue));
        Assert.Equal((ushort)(SignBit | PositiveInfinity), Bits((BFloat16)float.NegativeInfinity));
        Assert.Equal(3.3895313892515355e38, (double)BFloat16.MaxValue);

        double threshold = (double)SingleOf(0x7F7F_8000);
        Assert.Equal(TwoTo128 - Math.ScaleB(1, 119), threshold);
        Assert.Equal(MaxFinite, Bits((BFloat16)Math.BitDecrement(threshold)));
        Assert.Equal(PositiveInfinity, Bits((BFloat16)threshold));
        Assert.Equal(PositiveInfinity, Bits((BFloat16)1e39));
        Assert.Equal(PositiveInfinity, Bits((BFloat16)double.MaxValue));
        Assert.Equal((ushort)(SignBit | PositiveInfinity), Bits((BFloat16)double.NegativeInfinity));
    }

    [Fact]
    public void SubnormalsRoundOnTheSubnormalGrid()
    {
        // bfloat16 subnormals are k * 2^-133; float's are k * 2^-149. 2^-134 is the midpoint between 0 and 2^-133.
        Assert.Equal(0x0000, Bits((BFloat16)float.Epsilon));                  // 2^-149, far below 2^-134
        Assert.Equal(0x0000, Bits((BFloat16)SingleOf(0x0000_8000)));          // 2^-134: tie, to even 0
        Assert.Equal(0x0001, Bits((BFloat16)SingleOf(0x0000_8001)));          // just above: 2^-133
        Assert.Equal(0x0002, Bits((BFloat16)SingleOf(0x0001_8000)));          // 1.5 * 2^-133: tie, to even 2
        Assert.Equal(0x0080, Bits((BFloat16)SingleOf(0x007F_FFFF)));          // largest float subnormal: smallest normal
        Assert.Equal(0x007F, Bits((BFloat16)SingleOf(0x007F_7FFF)));          // largest bfloat16 subnormal stays
        Assert.Equal(0x8001, Bits((BFloat16)SingleOf(0x8000_8001)));
        Assert.Equal(0x8000, Bits((BFloat16)(-float.Epsilon)));               // rounds to -0, keeping the sign
        Assert.Equal(Math.ScaleB(1, -133), (double)BFloat16.Epsilon);
        Assert.Equal(Math.ScaleB(1, -126), (double)BFloat16.SmallestNormal);
        for (uint bits = 0; bits < 0x0080_0000; bits += 0x13)             // every 19th float subnormal
        {
            AssertSingleRounds(bits);
            AssertSingleRounds(bits | 0x8000_0000);
        }
    }

    [Fact]
    public void SignedZerosKeepTheirSign()
    {
        Assert.Equal(0x0000, Bits((BFloat16)0f));
        Assert.Equal(0x8000, Bits((BFloat16)(-0f)));
        Assert.Equal(0x0000, Bits((BFloat16)0d));
        Assert.Equal(0x8000, Bits((BFloat16)(-0d)));
        Assert.True(float.IsNegative((float)BFloat16.FromRawBits(0x8000)));
        Assert.Equal(BFloat16.Zero, BFloat16.FromRawBits(0x8000));            // IEEE equality: -0 == +0
    }

    [Fact]
    public void NaNStaysNaNWithItsSign()
    {
        // The dangerous NaNs have their payload only in the low 16 bits: truncating them would give infinity.
        for (uint payload = 1; payload <= 0xFFFF; payload++)
        {
            AssertNaN(0x7F80_0000 | payload);
            AssertNaN(0xFF80_0000 | payload);
        }

        var random = new Random(7);
        for (int i = 0; i < 100_000; i++)
        {
            uint payload = (uint)random.Next(1, 0x0080_0000);
            AssertNaN(0x7F80_0000 | payload);
            AssertNaN(0xFF80_0000 | payload);
        }

        AssertNaN(BitConverter.SingleToUInt32Bits(float.NaN));
        Assert.True(BFloat16.IsNaN((BFloat16)double.NaN));
        Assert.True(BFloat16.IsNaN((BFloat16)BitConverter.UInt64BitsToDouble(0x7FF0_0000_0000_0001)));   // signalling, low payload
        Assert.True(BFloat16.IsNaN((BFloat16)BitConverter.UInt64BitsToDouble(0xFFF8_0000_0000_0000)));
        Assert.True(BFloat16.IsNaN(BFloat16.NaN));

        static void AssertNaN(uint floatBits)
        {
            BFloat16 result = (BFloat16)SingleOf(floatBits);
            Assert.True(BFloat16.IsNaN(result), $"float bits {Hex(floatBits)} gave 0x{result.RawBits:X4}");
            Assert.Equal(floatBits >> 31, (uint)result.RawBits >> 15);
        }
    }

    // ---- double -> bfloat16 --------------------------------------------------------------------------------------

    /// <summary>
    /// Doubles on either side of every bfloat16 midpoint by less than half a float ulp (a quarter ulp, and one double
    /// ulp): the nearest float is the midpoint itself, so rounding through float would tie and go to even. The
    /// correctly rounded answer is decided by the side of the midpoint the double is on.
    /// </summary>
    [Fact]
    public void DoublesNearAMidpointRoundOnceNotTwice()
    {
        for (uint b = 0; b < PositiveInfinity; b++)
        {
            foreach (double sign in new[] { 1.0, -1.0 })
            {
                uint signBits = sign < 0 ? 0x8000_0000u : 0;
                float midpointSingle = SingleOf(signBits | (b << 16) | 0x8000);
                double midpoint = midpointSingle;
                double quarterUlp = (MathF.BitIncrement(Math.Abs(midpointSingle)) - (double)Math.Abs(midpointSingle)) / 4;
                ushort lower = (ushort)((signBits >> 16) | b), upper = (ushort)((signBits >> 16) | (b + 1));
                ushort even = (b & 1) == 0 ? lower : upper;
                double[] above = [midpoint + (sign * quarterUlp), sign > 0 ? Math.BitIncrement(midpoint) : Math.BitDecrement(midpoint)];
                double[] below = [midpoint - (sign * quarterUlp), sign > 0 ? Math.BitDecrement(midpoint) : Math.BitIncrement(midpoint)];
                Assert.Equal(even, Bits((BFloat16)midpoint));
                foreach (double d in above)
                {
                    Assert.Equal(midpointSingle, (float)d);   // the double-rounding trap is really set
                    Assert.Equal(upper, Bits((BFloat16)d));
                    AssertDoubleRounds(d);
                }

                foreach (double d in below)
                {
                    Assert.Equal(midpointSingle, (float)d);
                    Assert.Equal(lower, Bits((BFloat16)d));
                    AssertDoubleRounds(d);
                }
            }
        }
    }

    [Fact]
    public void RandomDoublesRoundAsTheReference()
    {
        var random = new Random(99);
        for (int i = 0; i < 1_000_000; i++)
        {
            // Exponents around float's range (subnormals, overflow) with random 52-bit fractions.
            long exponent = random.Next(1023 - 160, 1023 + 132);
            ulong bits = ((ulong)random.Next(2) << 63) | ((ulong)exponent << 52) | ((ulong)random.NextInt64(0, 1L << 52));
            AssertDoubleRounds(BitConverter.UInt64BitsToDouble(bits));
        }

        foreach (double d in new[] { 0.0, -0.0, double.Epsilon, -double.Epsilon, 1e-320, Math.ScaleB(1, -134), Math.ScaleB(1, -150), 1.0 / 3, Math.PI, 65504.5, 1e38, -1e38 })
        {
            AssertDoubleRounds(d);
        }
    }
}

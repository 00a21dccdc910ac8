using System;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>
/// <see cref="NarrowStore"/> against the scalar casts the rest of the port rounds with: the same bits for every
/// float pattern of a sweep over all exponents (subnormals, ties, overflow, infinities and NaN payloads included), at
/// every run length 0..80 so each vector width's tail is crossed.
/// </summary>
public sealed class NarrowStoreTests
{
    [Fact]
    public void Float16_rounds_every_lane_as_the_scalar_cast() =>
        AssertMatches<Half>(v => BitConverter.HalfToUInt16Bits((Half)v), h => BitConverter.HalfToUInt16Bits(h));

    [Fact]
    public void Bfloat16_rounds_every_lane_as_the_scalar_cast() =>
        AssertMatches<BFloat16>(v => ((BFloat16)v).RawBits, b => b.RawBits);

    private static void AssertMatches<T>(Func<float, ushort> scalar, Func<T, ushort> bitsOf)
        where T : struct
    {
        float[] values = Sweep();
        T[] rounded = new T[values.Length];
        NarrowStore.Round<T>(values, rounded);
        for (int i = 0; i < values.Length; i++)
        {
            if (bitsOf(rounded[i]) != scalar(values[i]))
            {
                Assert.Fail($"0x{BitConverter.SingleToUInt32Bits(values[i]):X8}: 0x{bitsOf(rounded[i]):X4}, scalar 0x{scalar(values[i]):X4}");
            }
        }

        for (int length = 0; length <= 80; length++)
        {
            T[] run = new T[length + 1];
            NarrowStore.Round<T>(values.AsSpan(1000, length), run.AsSpan(0, length));
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(scalar(values[1000 + i]), bitsOf(run[i]));
            }

            Assert.Equal(0, bitsOf(run[length]));   // nothing written past the run
        }
    }

    /// <summary>Every exponent and sign with low fraction patterns around the 16-bit types' rounding points (the
    /// half-way bit alone, with the kept bit set, with a sticky bit), plus a pseudo-random fill.</summary>
    private static float[] Sweep()
    {
        uint[] fractions = [0, 1, 0x0FFF, 0x1000, 0x1001, 0x2000, 0x3000, 0x7FFF, 0x8000, 0x8001, 0x1_8000, 0x7F_FFFF, 0x40_0000, 0x40_0001];
        var values = new System.Collections.Generic.List<float>();
        for (uint sign = 0; sign < 2; sign++)
        {
            for (uint exponent = 0; exponent < 256; exponent++)
            {
                foreach (uint fraction in fractions)
                {
                    values.Add(BitConverter.UInt32BitsToSingle((sign << 31) | (exponent << 23) | fraction));
                }
            }
        }

        var random = new Random(20261202);
        for (int i = 0; i < 20000; i++)
        {
            values.Add(BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)));
        }

        return [.. values];
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>
/// The kernel's SIMD paths (<see cref="WideLoad"/>, rows and adjacent-row columns) at every width this CPU accelerates
/// (512, 256, 128 bits, capped by <see cref="KernelSwitch.MaxVectorBits"/>) against its scalar path and a
/// double reference: every float16 and bfloat16 bit pattern widened, every row length 0..256 of 16-bit and float
/// inputs in the float32 and float64 compute dtypes, axis-0 layouts of 0..40 columns, NaN and infinities planted.
/// The bound is <see cref="RowSumsTests"/>'s: <c>gamma(n)</c> of the accumulator (FMA or not, any order) plus the
/// reference's own, plus <c>n * 2^-149</c> for products below float's smallest normal.
/// </summary>
public sealed class WideKernelTests
{
    public static IEnumerable<object[]> LengthsIncluding0 => Enumerable.Range(0, 257).Select(n => new object[] { n });

    [Fact]
    public void Every_float16_and_bfloat16_bit_pattern_widens_to_its_float_value()
    {
        var halves = new Half[ushort.MaxValue + 1];
        var brains = new BFloat16[ushort.MaxValue + 1];
        for (int bits = 0; bits <= ushort.MaxValue; bits++)
        {
            halves[bits] = BitConverter.UInt16BitsToHalf((ushort)bits);
            brains[bits] = BFloat16.FromRawBits((ushort)bits);
        }

        Widen<Vector512<float>, Width512<float>>(halves, brains);
        Widen<Vector256<float>, Width256<float>>(halves, brains);
        Widen<Vector128<float>, Width128<float>>(halves, brains);
    }

    private static void Widen<TVec, TWidth>(Half[] halves, BFloat16[] brains)
        where TVec : struct
        where TWidth : IVectorWidth<TVec, float>
    {
        int width = TWidth.Count;
        for (int start = 0; start < halves.Length; start += width)
        {
            TVec half = WideLoad<TVec, float, TWidth>.Load(ref halves[0], (nuint)start);
            TVec brain = WideLoad<TVec, float, TWidth>.Load(ref brains[0], (nuint)start);
            for (int lane = 0; lane < width; lane++)
            {
                float expectedHalf = (float)halves[start + lane], expectedBrain = (float)brains[start + lane];
                float actualHalf = TWidth.Lane(half, lane), actualBrain = TWidth.Lane(brain, lane);
                Assert.True(SameFloat(expectedHalf, actualHalf), $"{width}-lane float16 0x{start + lane:X4}: {actualHalf:R}, expected {expectedHalf:R}");
                Assert.True(SameFloat(expectedBrain, actualBrain), $"{width}-lane bfloat16 0x{start + lane:X4}: {actualBrain:R}, expected {expectedBrain:R}");
            }
        }
    }

    /// <summary>The same bits, but any NaN for a NaN (the widening keeps payloads; float's own cast may quiet them).</summary>
    private static bool SameFloat(float expected, float actual) =>
        float.IsNaN(expected) ? float.IsNaN(actual) : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual);

    [Theory]
    [MemberData(nameof(LengthsIncluding0))]
    public void Rows_of_every_length_match_the_scalar_path(int length)
    {
        var random = new Random(7000 + length);
        double[] t = RandomValues(random, 3 * length), p = RandomValues(random, 3 * length);
        RowLayout layout = RowLayout.Create([3, length], [length, 1], [1]);
        Check<Half, float>(t, p, layout, KerasDType.Float32);
        Check<Half, float>(t, p, layout, KerasDType.Float16);     // Keras 2's float16: sums in float, read unrounded
        Check<BFloat16, float>(t, p, layout, KerasDType.Float32);
        Check<float, float>(t, p, layout, KerasDType.Float32);
        Check<float, double>(t, p, layout, KerasDType.Float64);   // Keras 3 casting float32 up to float64
        Check<double, double>(t, p, layout, KerasDType.Float64);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(256)]
    public void Adjacent_row_columns_of_every_count_match_the_scalar_path(int length)
    {
        for (int columns = 0; columns <= 40; columns++)
        {
            var random = new Random((100 * length) + columns);
            double[] t = RandomValues(random, length * columns), p = RandomValues(random, length * columns);
            RowLayout layout = RowLayout.Create([length, columns], [columns, 1], [0]);
            Assert.True(layout.RowsAdjacent);
            Check<Half, float>(t, p, layout, KerasDType.Float32);
            Check<float, float>(t, p, layout, KerasDType.Float32);
            Check<double, double>(t, p, layout, KerasDType.Float64);
        }
    }

    /// <summary>An axis list over the leading axes ([4, 5, 37] over [0, 1]): adjacent rows, 20 elements apart in steps of 37.</summary>
    [Fact]
    public void Leading_axis_lists_take_the_column_path_and_match_the_scalar_path()
    {
        var random = new Random(77);
        double[] t = RandomValues(random, 4 * 5 * 37), p = RandomValues(random, 4 * 5 * 37);
        RowLayout layout = RowLayout.Create([4, 5, 37], [185, 37, 1], [0, 1]);
        Assert.True(layout.RowsAdjacent);
        Check<float, float>(t, p, layout, KerasDType.Float32);
        Check<BFloat16, float>(t, p, layout, KerasDType.Float32);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(77)]
    [InlineData(256)]
    public void Planted_nan_and_infinities_give_the_scalar_paths_non_finite_sums(int length)
    {
        var random = new Random(9000 + length);
        double[] t = RandomValues(random, 3 * length), p = RandomValues(random, 3 * length);
        foreach (RowLayout layout in new[] { RowLayout.Create([3, length], [length, 1], [1]), RowLayout.Create([length, 3], [3, 1], [0]) })
        {
            foreach (double special in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            {
                foreach (int k in new[] { 0, length / 2, length - 1 }.Distinct())
                {
                    double[] tPlanted = (double[])t.Clone(), pPlanted = (double[])p.Clone();
                    tPlanted[layout.RowOffsets[1] + layout.ElementOffsets[k]] = special;
                    pPlanted[layout.RowOffsets[2] + layout.ElementOffsets[length - 1 - k]] = -special;
                    Check<Half, float>(tPlanted, pPlanted, layout, KerasDType.Float32);
                    Check<float, float>(tPlanted, pPlanted, layout, KerasDType.Float32);
                    Check<double, double>(tPlanted, pPlanted, layout, KerasDType.Float64);
                }
            }
        }

        // 48 adjacent rows: the planted column sits in a full vector of columns.
        double[] wideT = RandomValues(random, 48 * length), wideP = RandomValues(random, 48 * length);
        RowLayout columns = RowLayout.Create([length, 48], [48, 1], [0]);
        wideT[columns.RowOffsets[21] + columns.ElementOffsets[length - 1]] = double.NaN;
        wideP[columns.RowOffsets[5] + columns.ElementOffsets[0]] = double.PositiveInfinity;
        Check<Half, float>(wideT, wideP, columns, KerasDType.Float32);
        Check<float, float>(wideT, wideP, columns, KerasDType.Float32);
    }

    /// <summary>Uniform in [-1, 1) times 2^e, e in [-6, 6]: within float16's range, no product underflows far.</summary>
    private static double[] RandomValues(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => Math.ScaleB((random.NextDouble() * 2) - 1, random.Next(-6, 7)))];

    /// <summary>The data converted to <typeparamref name="TIn"/>, summed by the SIMD path and by the scalar path:
    /// non-finite sums identical, finite ones each within the bound of the double reference.</summary>
    private static void Check<TIn, TAcc>(double[] tValues, double[] pValues, RowLayout layout, KerasDType dtype)
        where TAcc : unmanaged, System.Numerics.IFloatingPointIeee754<TAcc>
    {
        TIn[] t = [.. tValues.Select(Element.FromDouble<TIn>)], p = [.. pValues.Select(Element.FromDouble<TIn>)];
        var precision = Precision.Of(dtype);
        var reader = new ElementReader(InputReader.For<TIn>(precision), InputReader.For<TIn>(precision));
        int rows = layout.RowCount, n = layout.RowLength;
        double[] scalar = new double[3 * rows];
        KernelSwitch.Vectorize = false;
        try
        {
            RowSums<TAcc>.Three<TIn, TIn>(t, layout, p, layout, reader, scalar.AsSpan(0, rows), scalar.AsSpan(rows, rows), scalar.AsSpan(2 * rows, rows));
        }
        finally
        {
            KernelSwitch.Vectorize = true;
        }

        foreach (int bits in AcceleratedWidths)
        {
            double[] wide = new double[3 * rows];
            KernelSwitch.MaxVectorBits = bits;
            try
            {
                Assert.Equal(bits, KernelSwitch.VectorBits);
                RowSums<TAcc>.Three<TIn, TIn>(t, layout, p, layout, reader, wide.AsSpan(0, rows), wide.AsSpan(rows, rows), wide.AsSpan(2 * rows, rows));
            }
            finally
            {
                KernelSwitch.MaxVectorBits = 512;
            }

            CheckSums<TIn, TAcc>(t, p, layout, dtype, wide, scalar, bits);
        }
    }

    /// <summary>The widths this CPU accelerates, each run by capping <see cref="KernelSwitch.MaxVectorBits"/>.</summary>
    internal static int[] AcceleratedWidths =>
        [.. new[] { (512, Vector512.IsHardwareAccelerated), (256, Vector256.IsHardwareAccelerated), (128, Vector128.IsHardwareAccelerated) }
            .Where(width => width.Item2).Select(width => width.Item1)];

    private static void CheckSums<TIn, TAcc>(TIn[] t, TIn[] p, RowLayout layout, KerasDType dtype, double[] wide, double[] scalar, int bits)
        where TAcc : unmanaged, System.Numerics.IFloatingPointIeee754<TAcc>
    {
        int rows = layout.RowCount, n = layout.RowLength;
        double u = typeof(TAcc) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);
        for (int row = 0; row < rows; row++)
        {
            int tBase = layout.RowOffsets[row];
            for (int which = 0; which < 3; which++)
            {
                double sum = 0, magnitude = 0;
                for (int k = 0; k < n; k++)
                {
                    double x = Element.ToDouble(t[tBase + layout.ElementOffsets[k]]), y = Element.ToDouble(p[tBase + layout.ElementOffsets[k]]);
                    double product = which == 0 ? x * x : which == 1 ? y * y : x * y;
                    sum += product;
                    magnitude += Math.Abs(product);
                }

                double actual = wide[(which * rows) + row], expected = scalar[(which * rows) + row];
                string where = $"{bits}-bit {typeof(TIn).Name}->{typeof(TAcc).Name} ({dtype}) row {row} of {rows}, n = {n}, sum {which}";
                if (!double.IsFinite(expected))
                {
                    Assert.True(double.IsNaN(expected) ? double.IsNaN(actual) : actual == expected, $"{where}: SIMD {actual:R}, scalar {expected:R}");
                    continue;
                }

                double bound = (2 * (n * u / (1 - (n * u))) * magnitude) + (typeof(TAcc) == typeof(float) ? n * Math.ScaleB(1, -149) : 0);
                Assert.True(Math.Abs(actual - sum) <= bound, $"{where}: SIMD {actual:R}, reference {sum:R}, bound {bound:R}");
            }
        }
    }
}

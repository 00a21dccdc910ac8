using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>
/// The three-sum kernel <see cref="RowSums{TAcc}.Three"/> against a plain scalar loop in double, in the style of
/// dotnet/runtime's System.Numerics.Tensors tests: every row length 0..256, random data, then special values planted
/// at every position.
/// </summary>
/// <remarks>
/// The error bound. The kernel computes <c>sum_k x_k*y_k</c> with each product and each of the n - 1 additions
/// rounded in the accumulator (unit roundoff u: 2^-24 for float, 2^-53 for double); by the standard analysis
/// (Higham, Accuracy and Stability, 3.1) the result is within <c>gamma(n) * sum_k |x_k*y_k|</c> of the exact sum,
/// <c>gamma(n) = n*u / (1 - n*u)</c>, in any order and with or without FMA. Products of floats are exact in double
/// (24 + 24 bits), so the reference loop only rounds its additions: within <c>gamma(n)</c> at u = 2^-53 of the exact
/// sum, which the bound adds. Products that fall below float's smallest normal lose up to half the smallest subnormal
/// (2^-150) each, beyond the relative bound: the bound adds <c>n * 2^-149</c> for the float accumulator.
/// </remarks>
public sealed class RowSumsTests
{
    private const int Rows = 3;

    public static IEnumerable<object[]> LengthsIncluding0 => Enumerable.Range(0, 257).Select(n => new object[] { n });

    public static IEnumerable<object[]> Lengths => Enumerable.Range(1, 256).Select(n => new object[] { n });

    private static readonly float[] SpecialValues =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, -1.5e-40f /* subnormal */,
    ];

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static double Gamma(int n, double u) => n * u / (1 - (n * u));

    private static double UnitRoundoff<TAcc>() => typeof(TAcc) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);

    /// <summary>Random floats: uniform in [-1, 1) times 2^e, e in [-20, 20], so products neither underflow nor overflow.</summary>
    private static float[] RandomFloats(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)Math.ScaleB((random.NextDouble() * 2) - 1, random.Next(-20, 21));
        }

        return values;
    }

    /// <summary><c>Rows</c> rows of <paramref name="length"/> elements, each row contiguous: a [Rows, n] tensor reduced over axis 1.</summary>
    private static RowLayout Contiguous(int length) => RowLayout.Create([Rows, length], [length, 1], [1]);

    /// <summary><c>Rows</c> rows of <paramref name="length"/> elements with stride <c>Rows</c>: a [n, Rows] tensor reduced over axis 0.</summary>
    private static RowLayout Strided(int length) => RowLayout.Create([length, Rows], [Rows, 1], [0]);

    private static ElementReader Reader<TAcc>()
    {
        Precision precision = Precision.Of(typeof(TAcc) == typeof(float) ? KerasDType.Float32 : KerasDType.Float64);
        return new ElementReader(InputReader.For<float>(precision), InputReader.For<float>(precision));
    }

    private static (double[] TT, double[] PP, double[] TP) RunKernel<TAcc>(float[] t, RowLayout tLayout, float[] p, RowLayout pLayout)
        where TAcc : unmanaged, System.Numerics.IFloatingPointIeee754<TAcc>
    {
        double[] tt = new double[tLayout.RowCount], pp = new double[tLayout.RowCount], tp = new double[tLayout.RowCount];
        RowSums<TAcc>.Three<float, float>(t, tLayout, p, pLayout, Reader<TAcc>(), tt, pp, tp);
        return (tt, pp, tp);
    }

    /// <summary>The plain loop: <c>sum a*b</c> in double in element order, and <c>sum |a*b|</c> for the bound.</summary>
    private static (double Sum, double Magnitude) Reference(float[] a, RowLayout aLayout, float[] b, RowLayout bLayout, int row)
    {
        double sum = 0, magnitude = 0;
        for (int k = 0; k < aLayout.RowLength; k++)
        {
            double product = (double)a[aLayout.RowOffsets[row] + aLayout.ElementOffsets[k]] * b[bLayout.RowOffsets[row] + bLayout.ElementOffsets[k]];
            sum += product;
            magnitude += Math.Abs(product);
        }

        return (sum, magnitude);
    }

    private static double Bound<TAcc>(int n, double magnitude) =>
        ((Gamma(n, UnitRoundoff<TAcc>()) + Gamma(n, Math.ScaleB(1, -53))) * magnitude)
        + (typeof(TAcc) == typeof(float) ? n * Math.ScaleB(1, -149) : 0);

    private static void AssertWithinBound<TAcc>(Func<string> context, string what, int row, double actual, (double Sum, double Magnitude) expected, int n)
    {
        if (!(Math.Abs(actual - expected.Sum) <= Bound<TAcc>(n, expected.Magnitude)))
        {
            AssertWithinBound<TAcc>(context() + what, row, actual, expected, n);
        }
    }

    private static void AssertWithinBound<TAcc>(string what, int row, double actual, (double Sum, double Magnitude) expected, int n)
    {
        double bound = Bound<TAcc>(n, expected.Magnitude);
        double error = Math.Abs(actual - expected.Sum);
        if (!(error <= bound))
        {
            Assert.Fail($"{typeof(TAcc).Name} {what}[row {row}], n = {n}: kernel {actual:R}, reference {expected.Sum:R}, |error| {error:R} > bound {bound:R}");
        }
    }

    /// <summary>Checks all three sums of every row against the reference (finite data).</summary>
    private static void AssertSums<TAcc>(float[] t, RowLayout tLayout, float[] p, RowLayout pLayout)
        where TAcc : unmanaged, System.Numerics.IFloatingPointIeee754<TAcc>
    {
        (double[] tt, double[] pp, double[] tp) = RunKernel<TAcc>(t, tLayout, p, pLayout);
        int n = tLayout.RowLength;
        for (int row = 0; row < tLayout.RowCount; row++)
        {
            AssertWithinBound<TAcc>("tt", row, tt[row], Reference(t, tLayout, t, tLayout, row), n);
            AssertWithinBound<TAcc>("pp", row, pp[row], Reference(p, pLayout, p, pLayout, row), n);
            AssertWithinBound<TAcc>("tp", row, tp[row], Reference(t, tLayout, p, pLayout, row), n);
        }
    }

    // ---- random data ---------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(LengthsIncluding0))]
    public void ContiguousRowsMatchTheScalarLoop(int length)
    {
        var random = new Random(length);
        RowLayout layout = Contiguous(length);
        float[] t = RandomFloats(random, Rows * length), p = RandomFloats(random, Rows * length);
        Assert.Equal(length > 0, layout.IsContiguous);   // rows of no elements are not runs of data
        AssertSums<float>(t, layout, p, layout);
        AssertSums<double>(t, layout, p, layout);
        if (length == 0)
        {
            (double[] tt, double[] pp, double[] tp) = RunKernel<float>(t, layout, p, layout);
            Assert.All(tt.Concat(pp).Concat(tp), s => Assert.Equal(0.0, s));   // empty rows sum to 0
        }
    }

    /// <summary>
    /// Length 0 of the strided case: a [0, 3] tensor over axis 0 (its strides are [0, 1] as System.Numerics.Tensors
    /// gives them, or [3, 1] dense: the row offsets are 0, 1, 2 either way). Three empty rows, each summing to 0.
    /// </summary>
    [Fact]
    public void StridedRowsOfLengthZeroSumToZero()
    {
        foreach (RowLayout layout in new[] { Strided(0), RowLayout.Create([0, Rows], [0, 1], [0]) })
        {
            Assert.Equal(Rows, layout.RowCount);
            AssertSums<float>([], layout, [], layout);
            AssertSums<double>([], layout, [], layout);
            (double[] tt, double[] pp, double[] tp) = RunKernel<float>([], layout, [], layout);
            Assert.All(tt.Concat(pp).Concat(tp), s => Assert.Equal(0.0, s));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void StridedRowsMatchTheScalarLoop(int length)
    {
        var random = new Random(1000 + length);
        RowLayout layout = Strided(length);
        float[] t = RandomFloats(random, Rows * length), p = RandomFloats(random, Rows * length);
        Assert.Equal(Rows, layout.RowCount);
        Assert.Equal(length, layout.RowLength);
        Assert.Equal(length == 1, layout.IsContiguous);
        AssertSums<float>(t, layout, p, layout);
        AssertSums<double>(t, layout, p, layout);
    }

    /// <summary>One input contiguous ([Rows, n] over axis 1), the other its transpose ([n, Rows] over axis 0): the rows
    /// pair by index and the kernel takes its strided loop.</summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void MixedLayoutsMatchTheScalarLoop(int length)
    {
        var random = new Random(2000 + length);
        float[] t = RandomFloats(random, Rows * length), p = RandomFloats(random, Rows * length);
        AssertSums<float>(t, Contiguous(length), p, Strided(length));
        AssertSums<double>(t, Contiguous(length), p, Strided(length));
        AssertSums<float>(t, Strided(length), p, Contiguous(length));
        AssertSums<double>(t, Strided(length), p, Contiguous(length));
    }

    /// <summary>The same data through the contiguous and the strided loop gives bit-identical sums (same order).</summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void ContiguousAndStridedLoopsAgreeBitForBit(int length)
    {
        // The scalar loops sum in one order whatever the layout; the SIMD path (checked against the scalar
        // reference by the bound tests above) sums in another.
        var random = new Random(3000 + length);
        float[] t = RandomFloats(random, Rows * length), p = RandomFloats(random, Rows * length);
        float[] tT = Transpose(t, length), pT = Transpose(p, length);
        KernelSwitch.Vectorize = false;
        try
        {
            AssertBitIdentical(RunKernel<float>(t, Contiguous(length), p, Contiguous(length)), RunKernel<float>(tT, Strided(length), pT, Strided(length)));
            AssertBitIdentical(RunKernel<double>(t, Contiguous(length), p, Contiguous(length)), RunKernel<double>(tT, Strided(length), pT, Strided(length)));
        }
        finally
        {
            KernelSwitch.Vectorize = true;
        }
    }

    private static void AssertBitIdentical((double[] TT, double[] PP, double[] TP) expected, (double[] TT, double[] PP, double[] TP) actual)
    {
        Assert.Equal(expected.TT.Select(BitConverter.DoubleToInt64Bits), actual.TT.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected.PP.Select(BitConverter.DoubleToInt64Bits), actual.PP.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected.TP.Select(BitConverter.DoubleToInt64Bits), actual.TP.Select(BitConverter.DoubleToInt64Bits));
    }

    private static float[] Transpose(float[] rowsByLength, int length)
    {
        var result = new float[rowsByLength.Length];
        for (int row = 0; row < Rows; row++)
        {
            for (int k = 0; k < length; k++)
            {
                result[(k * Rows) + row] = rowsByLength[(row * length) + k];
            }
        }

        return result;
    }

    // ---- special values ------------------------------------------------------------------------------------------

    /// <summary>
    /// Each special value (NaN, +Inf, -Inf, +0, -0, a subnormal) planted at every position k of a row of every length:
    /// in <c>y_true</c> at k and, in the same call, in <c>y_pred</c> at <c>(k + n/2) mod n</c>, through the float
    /// accumulator and contiguous rows (the float32 path). What IEEE 754 says, with every other term finite and no
    /// partial sum near overflow: a NaN makes every sum it enters NaN; +-Inf squared is +Inf; the cross sum is the IEEE
    /// sum of the two special products (+-Inf times a finite y, NaN for y = +-0, which the row holds at positions 1 and
    /// 2; and +Inf + -Inf = NaN), which the finite rest cannot change; +-0 and subnormals are ordinary values, within
    /// the bound. (The kernel is a plain scalar loop, so positions matter less than in a vectorised one; the double
    /// accumulator and the strided loop get every position up to n = 32 and the ends and middle beyond, see
    /// <see cref="SpecialValuesInTheOtherPaths"/>.)
    /// </summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void SpecialValuesPropagateAsIeeeSays(int length)
    {
        (float[] t, float[] p) = SpecialRows(length);
        Plant<float>(t, p, strided: false, Enumerable.Range(0, length), PlantIn.Both);
    }

    /// <summary>The same plants through the double accumulator and the strided loop (stride 2, NaN in the gaps, so a
    /// misread element would show), and one side at a time (the other input's self-sum stays finite).</summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void SpecialValuesInTheOtherPaths(int length)
    {
        (float[] t, float[] p) = SpecialRows(length);
        int[] positions = length <= 32
            ? [.. Enumerable.Range(0, length)]
            : [.. new[] { 0, 1, 2, length / 2, length - 3, length - 2, length - 1 }.Distinct()];
        Plant<double>(t, p, strided: false, positions, PlantIn.Both);
        Plant<float>(t, p, strided: true, positions, PlantIn.Both);
        Plant<double>(t, p, strided: true, positions, PlantIn.Both);
        if (length <= 32)
        {
            foreach (bool strided in new[] { false, true })
            {
                foreach (PlantIn side in new[] { PlantIn.True, PlantIn.Pred })
                {
                    Plant<float>(t, p, strided, positions, side);
                    Plant<double>(t, p, strided, positions, side);
                }
            }
        }
    }

    private enum PlantIn
    {
        True,
        Pred,
        Both,
    }

    private static (float[] T, float[] P) SpecialRows(int length)
    {
        var random = new Random(4000 + length);
        float[] t = RandomFloats(random, length), p = RandomFloats(random, length);
        if (length > 2)
        {
            p[1] = 0f;    // an infinite x meets y = +0 and y = -0
            p[2] = -0f;
            t[length - 1] = 0f;
        }

        return (t, p);
    }

    private static void Plant<TAcc>(float[] t, float[] p, bool strided, IEnumerable<int> positions, PlantIn side)
        where TAcc : unmanaged, System.Numerics.IFloatingPointIeee754<TAcc>
    {
        int n = t.Length;
        RowLayout layout = strided ? RowLayout.Create([n], [2], [0]) : RowLayout.Create([n], [1], [0]);
        float[] tData = Spread(t, strided), pData = Spread(p, strided);
        foreach (float special in SpecialValues)
        {
            foreach (int k in positions)
            {
                int? kT = side == PlantIn.Pred ? null : k;
                int? kP = side == PlantIn.True ? null : side == PlantIn.Pred ? k : (k + (n / 2)) % n;
                if (kT is { } i)
                {
                    tData[layout.ElementOffsets[i]] = special;
                }

                if (kP is { } j)
                {
                    pData[layout.ElementOffsets[j]] = special;
                }

                (double[] tt, double[] pp, double[] tp) = RunKernel<TAcc>(tData, layout, pData, layout);
                string Where() => $"{typeof(TAcc).Name}{(strided ? " strided" : "")} n = {n}: {special:R} planted at t[{kT}], p[{kP}]";
                if (float.IsFinite(special))
                {
                    AssertWithinBound<TAcc>(Where, " tt", 0, tt[0], Reference(tData, layout, tData, layout, 0), n);
                    AssertWithinBound<TAcc>(Where, " pp", 0, pp[0], Reference(pData, layout, pData, layout, 0), n);
                    AssertWithinBound<TAcc>(Where, " tp", 0, tp[0], Reference(tData, layout, pData, layout, 0), n);
                }
                else
                {
                    double square = (double)special * special;   // NaN or +Inf
                    if (kT is not null)
                    {
                        AssertSame(Where, " tt", tt[0], square);
                    }
                    else
                    {
                        AssertWithinBound<TAcc>(Where, " tt", 0, tt[0], Reference(tData, layout, tData, layout, 0), n);
                    }

                    if (kP is not null)
                    {
                        AssertSame(Where, " pp", pp[0], square);
                    }
                    else
                    {
                        AssertWithinBound<TAcc>(Where, " pp", 0, pp[0], Reference(pData, layout, pData, layout, 0), n);
                    }

                    // The special products: at kT, special times y (itself if p's plant is there too); at kP, x times special.
                    double cross = 0;
                    if (kT is { } i2)
                    {
                        cross += (double)special * (kP == i2 ? special : p[i2]);
                    }

                    if (kP is { } j2 && kP != kT)
                    {
                        cross += (double)t[j2] * special;
                    }

                    AssertSame(Where, " tp", tp[0], cross);
                }

                if (kT is { } i3)
                {
                    tData[layout.ElementOffsets[i3]] = t[i3];
                }

                if (kP is { } j3)
                {
                    pData[layout.ElementOffsets[j3]] = p[j3];
                }
            }
        }
    }

    /// <summary>The row itself, or its elements at even positions with NaN between them.</summary>
    private static float[] Spread(float[] row, bool strided)
    {
        if (!strided)
        {
            return (float[])row.Clone();
        }

        var spread = new float[Math.Max((2 * row.Length) - 1, 0)];
        Array.Fill(spread, float.NaN);
        for (int i = 0; i < row.Length; i++)
        {
            spread[2 * i] = row[i];
        }

        return spread;
    }

    /// <summary>The same non-finite value: NaN for NaN (any payload), the same infinity for an infinity.</summary>
    private static void AssertSame(Func<string> context, string what, double actual, double expected)
    {
        if (!(double.IsNaN(expected) ? double.IsNaN(actual) : actual == expected))
        {
            AssertSame(context() + what, actual, expected);
        }
    }

    private static void AssertSame(string what, double actual, double expected)
    {
        bool same = double.IsNaN(expected) ? double.IsNaN(actual) : actual == expected;
        Assert.True(same, $"{what}: expected {expected:R}, got {actual:R}");
    }

    /// <summary>Two specials in one row: NaN wins over everything, +Inf + -Inf in the cross sum is NaN, equal-signed
    /// infinities stay infinite.</summary>
    [Theory]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData(float.PositiveInfinity, float.NegativeInfinity, float.NegativeInfinity)]
    [InlineData(float.NegativeInfinity, float.NegativeInfinity, float.PositiveInfinity)]
    [InlineData(float.PositiveInfinity, float.NaN, float.NaN)]
    [InlineData(float.NaN, 0f, float.NaN)]
    public void TwoSpecialsInOneRow(float tSpecial, float pSpecial, float expectedTP)
    {
        for (int length = 2; length <= 40; length++)
        {
            var random = new Random(5000 + length);
            float[] t = RandomFloats(random, Rows * length), p = RandomFloats(random, Rows * length);
            t[length] = tSpecial;
            p[length] = pSpecial;   // same position: their product
            RowLayout layout = Contiguous(length);
            foreach ((double[] tt, double[] pp, double[] tp) in new[] { RunKernel<float>(t, layout, p, layout), RunKernel<double>(t, layout, p, layout) })
            {
                AssertSame("tt", tt[1], (double)tSpecial * tSpecial);   // tSpecial is never finite here
                if (!float.IsFinite(pSpecial))
                {
                    AssertSame("pp", pp[1], (double)pSpecial * pSpecial);
                }

                AssertSame("tp", tp[1], expectedTP);
            }

            // At different positions: +Inf*y and x*-Inf may be infinities of opposite signs, whose sum is NaN.
            t[length] = float.PositiveInfinity;
            p[length] = 1f;
            t[length + 1] = 1f;
            p[length + 1] = float.NegativeInfinity;
            foreach (var (_, _, tp) in new[] { RunKernel<float>(t, layout, p, layout), RunKernel<double>(t, layout, p, layout) })
            {
                Assert.True(double.IsNaN(tp[1]), $"n = {length}: +Inf + -Inf gave {tp[1]:R}");
            }
        }
    }

    /// <summary>The kernel reads a subnormal float input as itself and computes in plain IEEE arithmetic (the fixtures'
    /// bound would also accept TF's denormals-are-zero reading; this pins the port's documented "read as the compute
    /// dtype"): alone in a row its cross product with 1 is exactly it, in both accumulators, while its square
    /// underflows to 0 in float and is exact in double.</summary>
    [Fact]
    public void SubnormalInputsAreReadAsThemselves()
    {
        float subnormal = 1.5e-40f;
        float[] t = [subnormal, 0f], p = [1f, 0f];
        RowLayout layout = RowLayout.Create([2], [1], [0]);
        (double[] tt, _, double[] tp) = RunKernel<float>(t, layout, p, layout);
        Assert.Equal((double)subnormal, tp[0]);
        Assert.Equal(0.0, tt[0]);
        (tt, _, tp) = RunKernel<double>(t, layout, p, layout);
        Assert.Equal((double)subnormal, tp[0]);
        Assert.Equal((double)subnormal * subnormal, tt[0]);
    }
}

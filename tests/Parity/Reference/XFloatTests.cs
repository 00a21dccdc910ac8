using System;
using CosineParity.Oracle.Reference;
using Xunit;

namespace CosineParity.Tests.Reference;

/// <summary>The extended-range double-double: about 106 bits, no overflow or underflow, IEEE specials, a correct
/// final rounding to float64 (subnormals included), and exact sums where they cancel.</summary>
public sealed class XFloatTests
{
    private static readonly XFloat Two = XFloat.FromDouble(2);

    [Fact]
    public void Products_of_doubles_are_exact()
    {
        XFloat a = XFloat.One + XFloat.PowerOfTwo(-30);
        XFloat square = a * a;   // 1 + 2^-29 + 2^-60
        Assert.Equal(Math.ScaleB(1.0, -60), (square - XFloat.One - XFloat.PowerOfTwo(-29)).ToDouble());
    }

    [Fact]
    public void Sums_keep_106_bits()
    {
        XFloat a = XFloat.One + XFloat.PowerOfTwo(-100);
        Assert.Equal(Math.ScaleB(1.0, -100), (a - XFloat.One).ToDouble());
    }

    [Fact]
    public void Quotients_and_roots_are_within_2_to_the_minus_102()
    {
        XFloat third = XFloat.One / XFloat.FromDouble(3);
        Assert.True(Math.Abs((third * XFloat.FromDouble(3) - XFloat.One).ToDouble()) <= Math.ScaleB(1.0, -104));
        XFloat root = XFloat.Sqrt(Two);
        Assert.True(Math.Abs((root * root - Two).ToDouble()) <= Math.ScaleB(1.0, -102));
        XFloat inverse = XFloat.ReciprocalSqrt(XFloat.FromDouble(10));
        Assert.True(Math.Abs((inverse * inverse * XFloat.FromDouble(10) - XFloat.One).ToDouble()) <= Math.ScaleB(1.0, -101));
    }

    [Fact]
    public void The_exponent_range_is_far_beyond_float64()
    {
        XFloat big = XFloat.FromDouble(1e300);
        Assert.Equal(double.PositiveInfinity, (big * big).ToDouble());
        Assert.Equal(1e300, (big * big / big).ToDouble());
        XFloat small = XFloat.FromDouble(1e-200);
        Assert.Equal(0.0, (small * small).ToDouble());
        Assert.True((small * small) > XFloat.Zero);
        double back = (small * small * XFloat.FromDouble(1e200) * XFloat.FromDouble(1e200)).ToDouble();
        Assert.True(Math.Abs(back - 1) <= 4e-16, back.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(double.Epsilon, XFloat.FromDouble(double.Epsilon).ToDouble());
    }

    [Fact]
    public void Rounding_to_a_subnormal_is_correct_ties_to_even()
    {
        XFloat quantum = XFloat.FromDouble(double.Epsilon);
        XFloat half = XFloat.PowerOfTwo(-1);
        Assert.Equal(0.0, (quantum * half).ToDouble());                                              // 0.5 q: tie, to 0
        Assert.Equal(double.Epsilon, (quantum * half + XFloat.PowerOfTwo(-1120)).ToDouble());          // just above
        Assert.Equal(2 * double.Epsilon, (quantum * XFloat.FromDouble(3) * half).ToDouble());          // 1.5 q: tie, to 2q
        Assert.Equal(double.Epsilon, (quantum * XFloat.FromDouble(3) * half - XFloat.PowerOfTwo(-1120)).ToDouble());
        Assert.Equal(0.0, XFloat.PowerOfTwo(-1076).ToDouble());
        Assert.Equal(-2.2250738585072009e-308, (-XFloat.FromDouble(2.2250738585072009e-308)).ToDouble());
    }

    [Fact]
    public void Special_values_follow_IEEE()
    {
        XFloat inf = XFloat.PositiveInfinity;
        Assert.True((XFloat.Zero * inf).IsNaN);
        Assert.True((inf - inf).IsNaN);
        Assert.True((XFloat.Zero / XFloat.Zero).IsNaN);
        Assert.True((inf / inf).IsNaN);
        Assert.Equal(double.NegativeInfinity, (-XFloat.One / XFloat.Zero).ToDouble());
        Assert.Equal(0.0, (XFloat.One / inf).ToDouble());
        Assert.Equal(double.PositiveInfinity, XFloat.ReciprocalSqrt(XFloat.Zero).ToDouble());
        Assert.Equal(0.0, XFloat.ReciprocalSqrt(inf).ToDouble());
        Assert.True(XFloat.ReciprocalSqrt(-XFloat.One).IsNaN);
        Assert.True(XFloat.Max(XFloat.NaN, XFloat.One).IsNaN);
        Assert.False(XFloat.NaN < XFloat.One || XFloat.NaN >= XFloat.One || XFloat.NaN == XFloat.NaN);
    }

    [Fact]
    public void Comparisons_hold_across_a_binade_edge()
    {
        XFloat justBelowOne = XFloat.One - XFloat.PowerOfTwo(-60);   // hi = 1 with a negative lo
        XFloat belowThat = XFloat.One - XFloat.PowerOfTwo(-54) - XFloat.PowerOfTwo(-55);
        Assert.True(justBelowOne < XFloat.One);
        Assert.True(belowThat < justBelowOne);
        Assert.True(justBelowOne > belowThat);
        Assert.True(-justBelowOne > -XFloat.One);
    }

    [Fact]
    public void Exact_sums_survive_any_cancellation()
    {
        XFloat[] terms = [XFloat.FromDouble(1e30), XFloat.FromDouble(1e-30), XFloat.FromDouble(-1e30)];
        Assert.Equal(0.0, (terms[0] + terms[1] + terms[2]).ToDouble());   // double-double drops 1e-30 ...
        Assert.Equal(1e-30, XFloat.ExactSum(terms).ToDouble());          // ... the exact sum does not
        Assert.Equal(0.0, XFloat.ExactSum([XFloat.FromDouble(0.1), XFloat.FromDouble(-0.1)]).ToDouble());
        Assert.Equal(1.0, (XFloat.FromInt64(9007199254740993) - XFloat.FromDouble(9007199254740992.0)).ToDouble());
    }
}

using System;
using System.Globalization;
using System.Numerics;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// An extended-range double-double: the value <c>(hi + lo) * 2^exp</c> with <c>1 &lt;= |hi| &lt; 2</c>,
/// <c>hi = fl(hi + lo)</c> and an <see cref="int"/> exponent, so about 106 significant bits over an exponent range
/// far beyond float64's (the square of 1e300 is 1e600, the cube of 1e-150 is 1e-450, and neither under- nor
/// overflows). Zero has <c>hi = lo = 0</c>; NaN and the infinities are held in <c>hi</c> and follow IEEE rules
/// (<c>inf - inf</c>, <c>0 * inf</c>, <c>0 / 0</c> and <c>inf / inf</c> are NaN, <c>x / 0</c> is <c>sign(x) * inf</c>,
/// <c>x / inf</c> is 0), as mpmath does in the recorder. There is no signed zero: the exact value has none.
/// </summary>
/// <remarks>
/// Addition is the accurate double-word sum (two TwoSums, Joldes, Muller and Popescu 2017: relative error below
/// 3 * 2^-106), multiplication the FMA-based TwoProd, division three quotient digits, square root one Newton step;
/// each is within a few units of 2^-104 of the exact result. See the Reference README for why that suffices.
/// </remarks>
internal readonly struct XFloat : IEquatable<XFloat>
{
    private const int BigExponent = 1 << 30;

    private readonly double _hi;
    private readonly double _lo;
    private readonly int _exp;

    private XFloat(double hi, double lo, int exp)
    {
        _hi = hi;
        _lo = lo;
        _exp = exp;
    }

    /// <summary>0.</summary>
    public static XFloat Zero => default;

    /// <summary>1.</summary>
    public static XFloat One { get; } = new(1, 0, 0);

    /// <summary>NaN.</summary>
    public static XFloat NaN { get; } = new(double.NaN, 0, 0);

    /// <summary>+inf.</summary>
    public static XFloat PositiveInfinity { get; } = new(double.PositiveInfinity, 0, 0);

    public bool IsNaN => double.IsNaN(_hi);

    public bool IsInfinity => double.IsInfinity(_hi);

    public bool IsFinite => double.IsFinite(_hi);

    public bool IsZero => _hi == 0;

    public bool IsNegative => _hi < 0;

    /// <summary>-1, 0 or 1 (NaN gives 0; ask <see cref="IsNaN"/> first).</summary>
    public int Sign => _hi > 0 ? 1 : _hi < 0 ? -1 : 0;

    /// <summary>The exact value of a double (subnormals included).</summary>
    public static XFloat FromDouble(double value)
    {
        if (value == 0)
        {
            return Zero;
        }

        if (!double.IsFinite(value))
        {
            return new(value, 0, 0);
        }

        int shift = 0;
        if (Math.Abs(value) < 2.2250738585072014e-308)
        {
            value *= 18446744073709551616.0;   // 2^64: a subnormal becomes normal, exactly
            shift = -64;
        }

        int k = ExponentOf(value);
        return new(Math.ScaleB(value, -k), 0, k + shift);
    }

    /// <summary>The exact value of a 64-bit integer.</summary>
    public static XFloat FromInt64(long value)
    {
        double hi = value;
        double lo = (double)((Int128)value - (Int128)hi);
        return FromDouble(hi) + FromDouble(lo);
    }

    /// <summary><c>2^k</c>.</summary>
    public static XFloat PowerOfTwo(int k) => new(1, 0, k);

    public static implicit operator XFloat(double value) => FromDouble(value);

    public static XFloat operator -(XFloat a) => new(-a._hi, -a._lo, a._exp);

    public static XFloat operator +(XFloat a, XFloat b) => Add(a, b);

    public static XFloat operator -(XFloat a, XFloat b) => Add(a, -b);

    public static XFloat operator *(XFloat a, XFloat b) => Multiply(a, b);

    public static XFloat operator /(XFloat a, XFloat b) => Divide(a, b);

    public static bool operator <(XFloat a, XFloat b) => !a.IsNaN && !b.IsNaN && Compare(a, b) < 0;

    public static bool operator >(XFloat a, XFloat b) => !a.IsNaN && !b.IsNaN && Compare(a, b) > 0;

    public static bool operator <=(XFloat a, XFloat b) => !a.IsNaN && !b.IsNaN && Compare(a, b) <= 0;

    public static bool operator >=(XFloat a, XFloat b) => !a.IsNaN && !b.IsNaN && Compare(a, b) >= 0;

    /// <summary>Equal values (NaN equals nothing), as IEEE compares.</summary>
    public static bool operator ==(XFloat a, XFloat b) => !a.IsNaN && !b.IsNaN && Compare(a, b) == 0;

    public static bool operator !=(XFloat a, XFloat b) => !(a == b);

    public XFloat Abs() => _hi < 0 ? -this : this;

    /// <summary><c>this * 2^k</c>, exactly.</summary>
    public XFloat ScaleB(int k) => IsFinite && !IsZero ? new(_hi, _lo, Saturate((long)_exp + k)) : this;

    /// <summary>The larger value; NaN if either is NaN (TF's Maximum, the recorder's <c>maximum</c>).</summary>
    public static XFloat Max(XFloat a, XFloat b) => a.IsNaN || b.IsNaN ? NaN : a > b ? a : b;

    /// <summary>The smaller value; NaN if either is NaN.</summary>
    public static XFloat Min(XFloat a, XFloat b) => a.IsNaN || b.IsNaN ? NaN : a < b ? a : b;

    /// <summary>The square root (NaN below 0).</summary>
    public static XFloat Sqrt(XFloat a)
    {
        if (a.IsNaN || a._hi < 0)
        {
            return NaN;
        }

        if (a.IsZero || a.IsInfinity)
        {
            return a;
        }

        double hi = a._hi, lo = a._lo;
        int exp = a._exp;
        if ((exp & 1) != 0)
        {
            hi *= 2;
            lo *= 2;
            exp -= 1;
        }

        double x = Math.Sqrt(hi);
        double square = x * x;
        double squareError = Math.FusedMultiplyAdd(x, x, -square);
        double residual = (hi - square - squareError) + lo;
        return Normalize(x, residual / (2 * x), exp / 2);
    }

    /// <summary><c>1 / sqrt(a)</c> with the recorder's conventions: <c>rsqrt(0) = inf</c>, <c>rsqrt(inf) = 0</c>, NaN below 0.</summary>
    public static XFloat ReciprocalSqrt(XFloat a)
    {
        if (a.IsNaN || a._hi < 0)
        {
            return NaN;
        }

        return a.IsZero ? PositiveInfinity : a.IsInfinity ? Zero : One / Sqrt(a);
    }

    /// <summary>Rounds once to the nearest float64, ties to even, subnormals included; beyond its range, infinite.</summary>
    public double ToDouble()
    {
        if (!IsFinite || IsZero)
        {
            return _hi;
        }

        if (_exp > 1023)
        {
            return _hi > 0 ? double.PositiveInfinity : double.NegativeInfinity;
        }

        if (_exp >= -1022)
        {
            return Math.ScaleB(_hi, _exp);   // hi already is hi + lo rounded to 53 bits; scaling is exact
        }

        if (_exp < -1100)
        {
            return _hi > 0 ? 0.0 : -0.0;
        }

        // A subnormal result: round (hi + lo) * 2^exp to a multiple of 2^-1074, with lo breaking exact ties of hi.
        double magnitude = Math.Abs(_hi), below = _hi > 0 ? _lo : -_lo;
        double units = Math.ScaleB(magnitude, 1074 + _exp);   // exact: few bits, no underflow
        double whole = Math.Floor(units), fraction = units - whole;
        // fraction is a multiple of ulp(hi) in these units and |lo| at most half of one, so lo only breaks a tie
        bool up = fraction > 0.5 || (fraction == 0.5 && (below > 0 || (below == 0 && whole % 2 != 0)));
        double result = Math.ScaleB(whole + (up ? 1 : 0), -1074);
        return _hi > 0 ? result : -result;
    }

    /// <summary>The exact sum of the terms, however they cancel (BigInteger accumulation of every component).</summary>
    public static XFloat ExactSum(ReadOnlySpan<XFloat> terms)
    {
        int lowest = int.MaxValue;
        bool any = false;
        foreach (XFloat t in terms)
        {
            if (!t.IsFinite)
            {
                XFloat s = Zero;
                foreach (XFloat u in terms)
                {
                    s += u;
                }

                return s;
            }

            if (t.IsZero)
            {
                continue;
            }

            any = true;
            lowest = Math.Min(lowest, t._exp + LowestBit(t._hi));
            if (t._lo != 0)
            {
                lowest = Math.Min(lowest, t._exp + LowestBit(t._lo));
            }
        }

        if (!any)
        {
            return Zero;
        }

        BigInteger sum = BigInteger.Zero;
        foreach (XFloat t in terms)
        {
            if (t.IsZero)
            {
                continue;
            }

            sum += Integer(t._hi, t._exp - lowest);
            if (t._lo != 0)
            {
                sum += Integer(t._lo, t._exp - lowest);
            }
        }

        return FromBigInteger(sum, lowest);
    }

    /// <summary><c>n * 2^exponent</c>, to about 106 bits.</summary>
    public static XFloat FromBigInteger(BigInteger n, long exponent)
    {
        if (n.IsZero)
        {
            return Zero;
        }

        bool negative = n.Sign < 0;
        n = BigInteger.Abs(n);
        long length = (long)n.GetBitLength();
        if (length > 106)
        {
            n >>= (int)(length - 106);
            exponent += length - 106;
        }

        var low = (double)(ulong)(n & ((BigInteger.One << 53) - 1));
        var high = (double)(ulong)(n >> 53);
        XFloat result = FromDouble(high).ScaleB(Saturate(exponent + 53)) + FromDouble(low).ScaleB(Saturate(exponent));
        return negative ? -result : result;
    }

    public bool Equals(XFloat other) => _hi.Equals(other._hi) && _lo.Equals(other._lo) && _exp == other._exp;

    public override bool Equals(object? obj) => obj is XFloat other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_hi, _lo, _exp);

    /// <summary>The value to about 17 digits, with its binary exponent, for messages.</summary>
    public override string ToString() => IsFinite && !IsZero && (_exp > 1023 || _exp < -1022)
        ? string.Create(CultureInfo.InvariantCulture, $"{_hi + _lo:R}*2^{_exp}")
        : ToDouble().ToString("R", CultureInfo.InvariantCulture);

    private static XFloat Add(XFloat a, XFloat b)
    {
        if (!a.IsFinite || !b.IsFinite)
        {
            return new(a._hi + b._hi, 0, 0);   // a finite hi is in [1, 2): only the specials decide
        }

        if (a.IsZero)
        {
            return b;
        }

        if (b.IsZero)
        {
            return a;
        }

        if (a._exp < b._exp)
        {
            (a, b) = (b, a);
        }

        int gap = a._exp - b._exp;
        if (gap > 110)
        {
            return a;   // b is below 2^-109 of a: beyond the precision carried
        }

        double bh = b._hi, bl = b._lo;
        if (gap != 0)
        {
            double scale = Pow2(-gap);
            bh *= scale;
            bl *= scale;
        }

        (double s1, double s2) = TwoSum(a._hi, bh);
        (double t1, double t2) = TwoSum(a._lo, bl);
        (s1, s2) = TwoSum(s1, s2 + t1);
        (s1, s2) = TwoSum(s1, s2 + t2);
        return Normalize(s1, s2, a._exp);
    }

    private static XFloat Multiply(XFloat a, XFloat b)
    {
        if (!a.IsFinite || !b.IsFinite)
        {
            return new(a._hi * b._hi, 0, 0);   // 0 * inf is NaN here as in IEEE
        }

        if (a.IsZero || b.IsZero)
        {
            return Zero;
        }

        double p = a._hi * b._hi;
        double e = Math.FusedMultiplyAdd(a._hi, b._hi, -p) + (a._hi * b._lo + a._lo * b._hi);
        return Normalize(p, e, a._exp + b._exp);
    }

    private static XFloat Divide(XFloat a, XFloat b)
    {
        if (a.IsNaN || b.IsNaN)
        {
            return NaN;
        }

        if (b.IsZero)
        {
            return a.IsZero ? NaN : a._hi > 0 ? PositiveInfinity : -PositiveInfinity;
        }

        if (a.IsInfinity)
        {
            return b.IsInfinity ? NaN : new(a._hi * Math.Sign(b._hi), 0, 0);
        }

        if (b.IsInfinity || a.IsZero)
        {
            return Zero;
        }

        double q1 = a._hi / b._hi;
        (double rh, double rl) = MinusProduct(a._hi, a._lo, b._hi, b._lo, q1);
        double q2 = rh / b._hi;
        (rh, rl) = MinusProduct(rh, rl, b._hi, b._lo, q2);
        double q3 = rh / b._hi;
        (q1, q2) = TwoSum(q1, q2);
        (double s1, double s2) = TwoSum(q1, q3);
        return Normalize(s1, s2 + q2, a._exp - b._exp);
    }

    /// <summary>(h + l) - q * (bh + bl) as a double-word.</summary>
    private static (double Hi, double Lo) MinusProduct(double h, double l, double bh, double bl, double q)
    {
        double p = q * bh;
        double pe = Math.FusedMultiplyAdd(q, bh, -p) + q * bl;
        (double s1, double s2) = TwoSum(h, -p);
        (double t1, double t2) = TwoSum(l, -pe);
        (s1, s2) = TwoSum(s1, s2 + t1);
        return TwoSum(s1, s2 + t2);
    }

    private static int Compare(XFloat a, XFloat b)
    {
        int sa = a.Sign, sb = b.Sign;
        if (sa != sb)
        {
            return sa.CompareTo(sb);
        }

        if (sa == 0)
        {
            return 0;
        }

        if (a.IsInfinity || b.IsInfinity)
        {
            return a.IsInfinity && b.IsInfinity ? 0 : a.IsInfinity ? sa : -sa;
        }

        // Exponents two apart decide; closer ones (where hi = 1 with a negative lo sits below the binade) subtract.
        if (a._exp > b._exp + 1)
        {
            return sa;
        }

        if (b._exp > a._exp + 1)
        {
            return -sa;
        }

        return (a - b).Sign;
    }

    private static XFloat Normalize(double hi, double lo, int exp)
    {
        (double s, double e) = TwoSum(hi, lo);
        if (s == 0)
        {
            return Zero;
        }

        if (!double.IsFinite(s))
        {
            return new(s, 0, 0);
        }

        int k = ExponentOf(s);
        if (k != 0)
        {
            double scale = Pow2(-k);
            s *= scale;
            e *= scale;
        }

        return new(s, e, Saturate((long)exp + k));
    }

    private static int Saturate(long exp) => exp > BigExponent ? BigExponent : exp < -BigExponent ? -BigExponent : (int)exp;

    private static (double Sum, double Error) TwoSum(double a, double b)
    {
        double s = a + b;
        double bb = s - a;
        return (s, (a - (s - bb)) + (b - bb));
    }

    /// <summary>The unbiased exponent of a normal double.</summary>
    private static int ExponentOf(double value) => (int)((BitConverter.DoubleToInt64Bits(value) >> 52) & 0x7FF) - 1023;

    /// <summary>2^k for -1022 &lt;= k &lt;= 1023.</summary>
    private static double Pow2(int k) => BitConverter.Int64BitsToDouble((long)(k + 1023) << 52);

    /// <summary>The exponent of the lowest set bit of a normal double: value = m * 2^that with m odd.</summary>
    private static int LowestBit(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        long mantissa = (bits & 0xFFFFFFFFFFFFFL) | (1L << 52);
        return ExponentOf(value) - 52 + BitOperations.TrailingZeroCount(mantissa);
    }

    /// <summary>value * 2^shift as an integer (shift makes it one; the value is normal).</summary>
    private static BigInteger Integer(double value, int shift)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        long mantissa = (bits & 0xFFFFFFFFFFFFFL) | (1L << 52);
        int exponent = ExponentOf(value) - 52 + shift;
        var m = new BigInteger(value < 0 ? -mantissa : mantissa);
        return exponent >= 0 ? m << exponent : m >> -exponent;   // >> only drops zero bits (shift was chosen so)
    }
}

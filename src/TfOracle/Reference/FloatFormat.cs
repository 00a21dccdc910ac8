using System;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// What the bound needs of a compute dtype (fixtures/README, "How the bound is computed"): the unit roundoff
/// <c>u</c>, the smallest normal number <c>tiny</c>, the largest finite <c>max</c>, and how a float64 is cast to it
/// the way the recorder's numpy (and ml_dtypes) casts: <c>float16</c> directly from the double, <c>bfloat16</c>
/// through <c>float32</c> (ml_dtypes converts a double to float first, as Eigen does in TF), both round to nearest
/// even with subnormals and overflow to infinity.
/// </summary>
internal sealed class FloatFormat
{
    private FloatFormat(TensorDType dtype, int digits, int minExponent, double max)
    {
        DType = dtype;
        Digits = digits;
        MinExponent = minExponent;
        UnitDouble = Math.ScaleB(1.0, -digits);
        Unit = XFloat.FromDouble(UnitDouble);
        TinyDouble = Math.ScaleB(1.0, minExponent);
        Tiny = XFloat.FromDouble(TinyDouble);
        MaxDouble = max;
        Max = XFloat.FromDouble(max);
    }

    public static FloatFormat Float16 { get; } = new(TensorDType.Float16, 11, -14, 65504.0);

    public static FloatFormat BFloat16 { get; } = new(TensorDType.BFloat16, 8, -126, 3.3895313892515355e38);

    public static FloatFormat Float32 { get; } = new(TensorDType.Float32, 24, -126, float.MaxValue);

    public static FloatFormat Float64 { get; } = new(TensorDType.Float64, 53, -1022, double.MaxValue);

    public TensorDType DType { get; }

    /// <summary>Significand bits, the implicit one included (11, 8, 24, 53).</summary>
    public int Digits { get; }

    /// <summary>The exponent of <see cref="Tiny"/>.</summary>
    public int MinExponent { get; }

    /// <summary><c>u = 2^-digits</c>.</summary>
    public XFloat Unit { get; }

    public double UnitDouble { get; }

    /// <summary>The smallest normal number.</summary>
    public XFloat Tiny { get; }

    public double TinyDouble { get; }

    /// <summary>The largest finite number.</summary>
    public XFloat Max { get; }

    public double MaxDouble { get; }

    /// <summary>The format of a floating dtype; null for int64 and bool.</summary>
    public static FloatFormat? Of(TensorDType dtype) => dtype switch
    {
        TensorDType.Float16 => Float16,
        TensorDType.BFloat16 => BFloat16,
        TensorDType.Float32 => Float32,
        TensorDType.Float64 => Float64,
        _ => null,
    };

    /// <summary>The format named by a case dtype name (<c>float32</c>, ...), or null.</summary>
    public static FloatFormat? Named(string? name) =>
        TensorDTypes.TryParseCaseName(name, out TensorDType dtype) ? Of(dtype) : null;

    /// <summary>The coarser of two formats (the larger unit roundoff): where an operation on both rounds.</summary>
    public static FloatFormat Coarser(FloatFormat a, FloatFormat b) => a.UnitDouble >= b.UnitDouble ? a : b;

    /// <summary><c>gamma(k) = k u / (1 - k u)</c>, infinite once <c>k u &gt;= 1/2</c>.</summary>
    public XFloat Gamma(long k)
    {
        double ku = k * UnitDouble;
        return ku < 0.5 ? XFloat.FromDouble(ku) / (XFloat.One - XFloat.FromDouble(ku)) : XFloat.PositiveInfinity;
    }

    /// <summary>A double cast to this dtype (round to nearest even, subnormals, overflow to infinity), as a double.</summary>
    public double Round(double value) => DType switch
    {
        TensorDType.Float64 => value,
        TensorDType.Float32 => (float)value,
        TensorDType.BFloat16 => RoundTo((float)value),
        _ => RoundTo(value),
    };

    public override string ToString() => DType.CaseName();

    private double RoundTo(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value;
        }

        double magnitude = Math.Abs(value);
        int exponent = Math.Max(Math.ILogB(magnitude), MinExponent);
        double quantum = Math.ScaleB(1.0, exponent - Digits + 1);
        double rounded = Math.Round(magnitude / quantum, MidpointRounding.ToEven) * quantum;
        if (rounded > MaxDouble)
        {
            rounded = double.PositiveInfinity;
        }

        return value < 0 ? -rounded : rounded;
    }
}

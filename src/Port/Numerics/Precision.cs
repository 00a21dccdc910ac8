using System;

namespace CosineParity;

/// <summary>
/// Arithmetic in one compute dtype, carried out on <see cref="double"/> values that are always representable in
/// that dtype: every operation is done in double and rounded once to the dtype. For float32 and the 16-bit types
/// this is the correctly rounded result (double has more than 2p + 2 bits, so the double rounding is innocuous); for
/// float64 it is plain double arithmetic.
/// </summary>
internal readonly struct Precision
{
    private Precision(KerasDType dtype) => DType = dtype;

    public KerasDType DType { get; }

    public static Precision Of(KerasDType dtype) => dtype switch
    {
        KerasDType.Float16 or KerasDType.BFloat16 or KerasDType.Float32 or KerasDType.Float64 => new(dtype),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a Keras floating-point dtype"),
    };

    /// <summary>The value rounded to nearest (ties to even) in this dtype: overflow gives infinity, NaN stays NaN.</summary>
    public double Round(double value) => DType switch
    {
        KerasDType.Float16 => (double)(Half)value,
        KerasDType.BFloat16 => (double)(BFloat16)value,
        KerasDType.Float32 => (float)value,
        _ => value,
    };

    public double Multiply(double a, double b) => Round(a * b);

    public double Divide(double a, double b) => Round(a / b);

    /// <summary><c>tf.math.divide_no_nan</c>: 0 where the divisor is 0, else the rounded quotient.</summary>
    public double DivideNoNan(double a, double b) => b == 0 ? 0 : Round(a / b);

    /// <summary>A sum accumulated in double and rounded once to this dtype (a wider accumulator, which Keras's error
    /// bound allows any evaluation).</summary>
    public double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return Round(sum);
    }

    /// <summary>An element count as TF casts it to this dtype (counts above 2048 round in float16, above 65504 overflow).</summary>
    public double Count(long count) => Round(count);
}

using System;

namespace CosineParity.Oracle.Fuzzing;

/// <summary>Turns generated uniforms into a value class's inputs, in double (the caller rounds to the dtype once).
/// Everything is a pure function of the generated numbers, so a seed gives the same case and CsCheck's smaller
/// numbers give smaller cases.</summary>
internal static class FuzzValues
{
    // Row norms at the clamps: Keras 2 clamps sum(x*x) at 1e-12 (norm 1e-6), Keras 3 rsqrt at 1e7 (norm 1e-7).
    private static readonly double[] TinyNorms = [1e-6, 1e-7, 3e-7, 3e-8, 1e-9, 1e-12, 1e-20, 1e-30];

    /// <summary>The inputs <c>(y_true, y_pred)</c> of a class.</summary>
    /// <param name="valueClass">The class.</param>
    /// <param name="dtype"><c>y_pred</c>'s dtype (sets the scales).</param>
    /// <param name="rows">Each element's row (<see cref="FuzzTensors.RowIds"/>).</param>
    /// <param name="u">Uniforms in [0, 1), one per element, for <c>y_pred</c>.</param>
    /// <param name="v">Uniforms for <c>y_true</c>.</param>
    /// <param name="pick">A uniform choosing the class's scale.</param>
    public static (double[] True, double[] Pred) Make(ValueClass valueClass, string dtype, int[] rows, double[] u, double[] v, double pick)
    {
        double[] pred = Array.ConvertAll(u, Signed);
        double[] yTrue = Array.ConvertAll(v, Signed);
        switch (valueClass)
        {
            case ValueClass.Wide:
                int span = dtype == "float16" ? 14 : dtype == "float64" ? 300 : 120;
                Spread(pred, u, span);
                Spread(yTrue, v, span);
                break;
            case ValueClass.Tiny:
                double tiny = TinyNorms[(int)(pick * TinyNorms.Length)] * (0.5 + Frac(pick * 7919));
                ScaleRows(pred, rows, tiny);
                ScaleRows(yTrue, rows, tiny * (pick < 0.5 ? 1 : 1e3));
                break;
            case ValueClass.Huge:
                // float16 squares overflow from 256 up; the wider dtypes from 2^64 and 2^512.
                double huge = dtype == "float16" ? 300 + (pick * 30000) : dtype == "float64" ? 1e160 * (1 + pick) : 2e19 * (1 + (pick * 1e15));
                ScaleRows(pred, rows, Math.Min(huge, FuzzTensors.Max(dtype) / 2));
                ScaleRows(yTrue, rows, pick < 0.5 ? 1 : Math.Min(huge, FuzzTensors.Max(dtype) / 2));
                break;
            case ValueClass.ZeroRows:
                int every = 2 + (int)(pick * 3);
                for (int i = 0; i < pred.Length; i++)
                {
                    if (rows[i] % every == 0)
                    {
                        pred[i] = 0;
                    }

                    if (rows[i] % every == 1 || (pick < 0.3 && rows[i] % every == 0))
                    {
                        yTrue[i] = 0;
                    }
                }

                break;
            case ValueClass.SignedZeros:
                Sprinkle(pred, u, i => Frac(u[i] * 104729) < 0.5 ? -0.0 : 0.0, 0.6);
                Sprinkle(yTrue, v, i => Frac(v[i] * 104729) < 0.5 ? -0.0 : 0.0, 0.6);
                break;
            case ValueClass.Subnormals:
                double low = FuzzTensors.MinNormal(dtype);
                Sprinkle(pred, u, i => Math.CopySign(low * Frac(u[i] * 7907), pred[i]), 0.5);
                Sprinkle(yTrue, v, i => Math.CopySign(low * Frac(v[i] * 7907), yTrue[i]), 0.5);
                break;
            case ValueClass.NonFinite:
                double[] specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity];
                Sprinkle(pred, u, i => specials[(int)(Frac(u[i] * 7907) * 3)], 0.1);
                Sprinkle(yTrue, v, i => specials[(int)(Frac(v[i] * 7907) * 3)], 0.05);
                break;
            case ValueClass.NearParallel:
                double factor = (pick - 0.5) * 8;
                double eps = Math.Pow(2, -8 - (pick * 40));
                for (int i = 0; i < pred.Length; i++)
                {
                    yTrue[i] = pred[i] * factor * (1 + (eps * Signed(v[i])));
                }

                break;
            case ValueClass.NearOrthogonal:
                Orthogonalize(yTrue, pred, rows);
                break;
            default:
                break;
        }

        return (yTrue, pred);
    }

    private static double Signed(double unit) => (2 * unit) - 1;

    private static double Frac(double x) => x - Math.Floor(x);

    private static void Spread(double[] values, double[] unit, int span)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= Math.Pow(2, Math.Round(Signed(Frac(unit[i] * 997)) * span));
        }
    }

    private static void Sprinkle(double[] values, double[] unit, Func<int, double> special, double share)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (Frac(unit[i] * 65537) < share)
            {
                values[i] = special(i);
            }
        }
    }

    /// <summary>Scales each row to the given norm (a zero row stays zero).</summary>
    private static void ScaleRows(double[] values, int[] rows, double norm)
    {
        double[] squares = RowSums(values, values, rows);
        for (int i = 0; i < values.Length; i++)
        {
            double length = Math.Sqrt(squares[rows[i]]);
            values[i] = length == 0 ? 0 : values[i] / length * norm;
        }
    }

    /// <summary>Takes <c>y_pred</c>'s component out of each row of <c>y_true</c> (Gram-Schmidt in double; the rounding
    /// to the dtype leaves it nearly, not exactly, orthogonal).</summary>
    private static void Orthogonalize(double[] yTrue, double[] pred, int[] rows)
    {
        double[] dots = RowSums(yTrue, pred, rows), squares = RowSums(pred, pred, rows);
        for (int i = 0; i < yTrue.Length; i++)
        {
            double s = squares[rows[i]];
            yTrue[i] -= s == 0 ? 0 : dots[rows[i]] / s * pred[i];
        }
    }

    private static double[] RowSums(double[] a, double[] b, int[] rows)
    {
        int count = 0;
        foreach (int r in rows)
        {
            count = Math.Max(count, r + 1);
        }

        var sums = new double[count];
        for (int i = 0; i < a.Length; i++)
        {
            sums[rows[i]] += a[i] * b[i];
        }

        return sums;
    }
}

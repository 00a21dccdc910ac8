using System;
using System.Numerics;

namespace CosineParity.Benchmarks;

/// <summary>The benchmarks' inputs: <c>y_true</c> uniform in [-1, 1], <c>y_pred = 0.8 y_true + 0.6 u</c> with <c>u</c>
/// uniform in [-1, 1], so every cosine is near 0.8 and the loss near -0.8, far from 0 where a relative comparison of
/// the implementations would mean nothing. Deterministic (seeded), rounded to the element type.</summary>
internal static class Data
{
    public static (T[] YTrue, T[] YPred) Make<T>(int elements, int seed)
        where T : INumberBase<T>
    {
        var random = new Random(seed);
        var t = new T[elements];
        var p = new T[elements];
        for (int i = 0; i < elements; i++)
        {
            double x = (2 * random.NextDouble()) - 1, u = (2 * random.NextDouble()) - 1;
            t[i] = T.CreateTruncating(x);
            p[i] = T.CreateTruncating((0.8 * x) + (0.6 * u));
        }

        return (t, p);
    }
}

/// <summary>Exact references for the check, in double.</summary>
internal static class Reference
{
    /// <summary>The gradients of <c>-mean_r cos(t_r, p_r)</c> by both inputs: element <c>k</c> of cosine <c>r</c> at
    /// <c>r * rowStride + k * elementStride</c>.</summary>
    public static (double[] True, double[] Pred) Gradients(double[] t, double[] p, int rows, int length, int rowStride, int elementStride)
    {
        var gt = new double[t.Length];
        var gp = new double[p.Length];
        for (int r = 0; r < rows; r++)
        {
            double tt = 0, pp = 0, tp = 0;
            for (int k = 0; k < length; k++)
            {
                int i = (r * rowStride) + (k * elementStride);
                tt += t[i] * t[i];
                pp += p[i] * p[i];
                tp += t[i] * p[i];
            }

            double nt = Math.Sqrt(tt), np = Math.Sqrt(pp), cos = tp / (nt * np), scale = -1.0 / rows;
            for (int k = 0; k < length; k++)
            {
                int i = (r * rowStride) + (k * elementStride);
                gt[i] = scale * ((p[i] / (nt * np)) - (cos * t[i] / tt));
                gp[i] = scale * ((t[i] / (nt * np)) - (cos * p[i] / pp));
            }
        }

        return (gt, gp);
    }

    /// <summary>The largest <c>|actual - expected|</c> beyond half an ulp of <paramref name="expected"/> in
    /// <typeparamref name="T"/> (what rounding the exact gradient to the gradient's dtype may cost: float16 gradients of
    /// a mean over a batch are often subnormal), over the largest <c>|expected|</c>.</summary>
    public static double RelativeMaxError<T>(ReadOnlySpan<T> actual, ReadOnlySpan<double> expected)
        where T : IFloatingPointIeee754<T>
    {
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            T magnitude = T.CreateTruncating(Math.Abs(expected[i]));
            double halfUlp = double.CreateTruncating(T.BitIncrement(magnitude) - magnitude) / 2;
            worst = Math.Max(worst, Math.Abs(double.CreateTruncating(actual[i]) - expected[i]) - halfUlp);
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return scale == 0 ? worst : worst / scale;
    }
}

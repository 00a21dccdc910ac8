using System;
using System.Globalization;
using System.Linq;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Judging;

/// <summary>
/// The comparison rule of fixtures/README "The error bound", the one every test and command applies: shapes and
/// dtypes exact; per element with <c>v</c> the implementation's value taken to float64, <c>x</c> the exact value and
/// <c>b</c> the bound: <c>b = +inf</c> accepts anything (a branch, reported); a NaN <c>x</c> needs a NaN <c>v</c>; an
/// infinite <c>x</c> the same infinity; otherwise <c>v</c> finite and <c>|v - x| &lt;= b</c>. The sign of zero is not judged.
/// </summary>
public static class BoundRule
{
    /// <summary>Judges an implementation's number against the recorded one.</summary>
    /// <param name="actual">The implementation's value.</param>
    /// <param name="expected">TF's value with its exact value and bound.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException">The record has no exact value or bound.</exception>
    public static Verdict Judge(TensorData actual, ExpectedNumber expected)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        TensorData exactTensor = expected.Exact ?? throw new ArgumentException("the record has no exact value", nameof(expected));
        TensorData boundTensor = expected.Bound ?? throw new ArgumentException("the record has no bound", nameof(expected));
        if (actual.DType != expected.Value.DType)
        {
            return Verdict.Fail($"dtype {actual.DType.CaseName()} where TF returned {expected.Value.DType.CaseName()}");
        }

        if (!actual.Shape.SequenceEqual(expected.Value.Shape))
        {
            return Verdict.Fail($"shape {Format(actual)} where TF returned {Format(expected.Value)}");
        }

        double[] values = actual.ToDoubles(), exact = exactTensor.ToDoubles(), bound = boundTensor.ToDoubles(), tf = expected.Value.ToDoubles();
        string? failure = null;
        double worst = 0;
        int unbounded = 0;
        bool identical = BitIdentical(actual, expected.Value, values, tf);
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i], x = exact[i], b = bound[i];
            if (double.IsPositiveInfinity(b))
            {
                unbounded++;
                continue;
            }

            string? problem = Element(v, x, b);
            if (problem is not null)
            {
                failure ??= $"element {i}: {problem}";
            }

            if (double.IsFinite(v) && double.IsFinite(x))
            {
                double error = Math.Abs(v - x);
                worst = Math.Max(worst, error == 0 ? 0 : b == 0 ? double.PositiveInfinity : error / b);
            }
        }

        return new Verdict(failure is null, failure, worst, identical, unbounded);
    }

    /// <summary>Why one element fails the rule (null when it is accepted).</summary>
    /// <param name="value">The implementation's value, as float64.</param>
    /// <param name="exact">The exact value.</param>
    /// <param name="bound">Its bound, finite here.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Element(double value, double exact, double bound)
    {
        if (double.IsNaN(exact))
        {
            return double.IsNaN(value) ? null : $"{Show(value)} where the exact value is NaN";
        }

        if (double.IsInfinity(exact))
        {
            return value == exact ? null : $"{Show(value)} where the exact value is {Show(exact)}";
        }

        if (!double.IsFinite(value))
        {
            return $"{Show(value)} where the exact value is {Show(exact)} (bound {Show(bound)})";
        }

        double error = Math.Abs(value - exact);
        return error <= bound ? null : $"{Show(value)} is {Show(error)} from the exact {Show(exact)}, {Show(error / bound)} bounds (bound {Show(bound)})";
    }

    /// <summary>Whether an implementation's number has TF's bits (any NaN equals any NaN), dtype and shape.</summary>
    /// <param name="actual">The implementation's value.</param>
    /// <param name="tf">TF's value.</param>
    /// <returns>True when identical.</returns>
    public static bool SameBits(TensorData actual, TensorData tf)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(tf);
        return actual.DType == tf.DType && actual.Shape.SequenceEqual(tf.Shape) && BitIdentical(actual, tf, actual.ToDoubles(), tf.ToDoubles());
    }

    private static bool BitIdentical(TensorData actual, TensorData tf, double[] values, double[] tfValues)
    {
        if (actual.Bytes.Span.SequenceEqual(tf.Bytes.Span))
        {
            return true;
        }

        // Same bits but for NaN payloads and signs, which carry no meaning.
        int size = actual.Bytes.Length / Math.Max(values.Length, 1);
        ReadOnlySpan<byte> a = actual.Bytes.Span, b = tf.Bytes.Span;
        for (int i = 0; i < values.Length; i++)
        {
            if (!(double.IsNaN(values[i]) && double.IsNaN(tfValues[i])) && !a.Slice(i * size, size).SequenceEqual(b.Slice(i * size, size)))
            {
                return false;
            }
        }

        return true;
    }

    private static string Format(TensorData tensor) => "[" + string.Join(",", tensor.Shape) + "]";

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

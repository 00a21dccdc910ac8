using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// Replays recorded <c>loss</c>/<c>function</c> cases through <see cref="ExactReference"/> and compares: the
/// reference exact with the recorded exact, the reference bound with the recorded bound (as a ratio), and TF's
/// recorded numbers against the reference bound (<see cref="BoundRule.Element"/>), for the value and every recorded
/// gradient. This is the validation of the reference; the <c>check</c> command can run it over every case.
/// </summary>
public static class ReferenceReplay
{
    /// <summary>Relative tolerance between the two exact values (the recorder's are 320-bit, rounded to float64).</summary>
    public static readonly double ExactRelativeTolerance = Math.ScaleB(1.0, -40);

    /// <summary>Tolerance between the two exact values as a fraction of the smaller finite bound.</summary>
    public const double ExactBoundTolerance = 1e-6;

    /// <summary>Whether the reference covers the case: a <c>loss</c> or <c>function</c> case with a value.</summary>
    /// <param name="recorded">The case.</param>
    public static bool Covers(ParityCase recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return recorded.Api is Apis.Loss or Apis.Function && recorded.Expected.Value is { Exact: not null, Bound: not null };
    }

    /// <summary>Every covered case through the reference, on <paramref name="threads"/> threads, summarised: what the
    /// <c>check</c> command can run over the full fixtures (about 7 s on two idle cores in Release).</summary>
    /// <param name="cases">Cases; those not <see cref="Covers">covered</see> are skipped.</param>
    /// <param name="threads">How many cases to run at once.</param>
    /// <returns>The summary.</returns>
    public static ReferenceReplaySummary Run(IEnumerable<ParityCase> cases, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(cases);
        return new ReferenceReplaySummary(cases.Where(Covers).AsParallel().WithDegreeOfParallelism(Math.Max(1, threads)).Select(Compare));
    }

    /// <summary>The comparison for one case (see <see cref="Covers"/>).</summary>
    /// <param name="recorded">The case.</param>
    /// <returns>The comparison.</returns>
    public static ReferenceCaseComparison Compare(ParityCase recorded) => Compare(recorded, ReferenceOptions.Default);

    internal static ReferenceCaseComparison Compare(ParityCase recorded, ReferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ExpectedNumber expected = recorded.Expected.Value
            ?? throw new ArgumentException($"{recorded.Id} has no recorded value", nameof(recorded));
        ReferenceAnswer answer = ExactReference.Evaluate(recorded.Profile, recorded.Api, recorded.Args, recorded.Inputs, options);
        if (answer.IsRejected)
        {
            return new(recorded.Id, null, answer.Rejection, []);
        }

        var numbers = new List<ReferenceNumberComparison>
        {
            Number("value", answer.Exact!, answer.Bound!, expected.Exact!, expected.Bound!, expected.Value),
        };
        foreach ((string name, ExpectedGradient gradient) in recorded.Expected.Gradients)
        {
            if (!answer.Gradients.TryGetValue(name, out ExpectedGradient? mine))
            {
                numbers.Add(new(name, gradient.Exact.ElementCount, gradient.Exact.ElementCount, 0, 0, 0, [], "the reference has no gradient here"));
                continue;
            }

            TensorData? tf = recorded.Gradients.GetValueOrDefault(name);
            numbers.Add(Number(name, mine.Exact, mine.Bound, gradient.Exact, gradient.Bound, tf));
        }

        return new(recorded.Id, answer.ValueDType?.CaseName(), null, numbers);
    }

    /// <summary>Whether two exact values agree: NaN with NaN, an infinity with itself, finite ones within
    /// <see cref="ExactRelativeTolerance"/>, <see cref="ExactBoundTolerance"/> of the smaller finite bound, or one
    /// subnormal step.</summary>
    /// <param name="mine">The reference's exact value.</param>
    /// <param name="recorded">The recorded exact value.</param>
    /// <param name="bound">The smaller finite of the two bounds (infinity when neither is finite).</param>
    public static bool ExactTolerance(double mine, double recorded, double bound)
    {
        if (double.IsNaN(mine) || double.IsNaN(recorded) || double.IsInfinity(mine) || double.IsInfinity(recorded))
        {
            return double.IsNaN(mine) ? double.IsNaN(recorded) : mine == recorded;
        }

        double difference = Math.Abs(mine - recorded);
        return difference <= Math.Max(ExactRelativeTolerance * Math.Abs(recorded), double.Epsilon)
            || (double.IsFinite(bound) && difference <= ExactBoundTolerance * bound);
    }

    private static ReferenceNumberComparison Number(string name, TensorData exact, TensorData bound,
        TensorData recordedExact, TensorData recordedBound, TensorData? tf)
    {
        double[] x = exact.ToDoubles(), b = bound.ToDoubles(), rx = recordedExact.ToDoubles(), rb = recordedBound.ToDoubles();
        double[]? v = tf?.ToDoubles();
        if (x.Length != rx.Length)
        {
            return new(name, rx.Length, rx.Length, 0, 0, 0, [],
                $"shape {TensorData.FormatShape(exact.Shape)} where the record has {TensorData.FormatShape(recordedExact.Shape)}");
        }

        int exactMismatches = 0, residues = 0, kindMismatches = 0, outside = 0;
        var ratios = new List<double>(x.Length);
        string? first = null;
        for (int i = 0; i < x.Length; i++)
        {
            double smaller = Math.Min(double.IsFinite(b[i]) ? b[i] : double.PositiveInfinity, double.IsFinite(rb[i]) ? rb[i] : double.PositiveInfinity);
            if (!ExactTolerance(x[i], rx[i], smaller))
            {
                if (double.IsInfinity(smaller) && double.IsFinite(x[i]) && double.IsFinite(rx[i]))
                {
                    residues++;
                }
                else
                {
                    exactMismatches++;
                    first ??= Describe(i, $"exact {Show(x[i])} where the record has {Show(rx[i])} (bounds {Show(b[i])}, {Show(rb[i])})");
                }
            }

            if (double.IsInfinity(b[i]) != double.IsInfinity(rb[i]) || (b[i] == 0) != (rb[i] == 0))
            {
                kindMismatches++;
                first ??= Describe(i, $"bound {Show(b[i])} where the record has {Show(rb[i])} (exact {Show(x[i])})");
            }
            else if (double.IsFinite(b[i]) && b[i] > 0)
            {
                ratios.Add(b[i] / rb[i]);
            }

            if (v is not null && !double.IsPositiveInfinity(b[i]) && BoundRule.Element(v[i], x[i], b[i]) is { } problem)
            {
                outside++;
                first ??= Describe(i, $"TF {problem}");
            }
        }

        return new(name, x.Length, exactMismatches, residues, kindMismatches, outside, ratios, first is null ? null : $"{name} {first}");
    }

    private static string Describe(int index, string what) => string.Create(CultureInfo.InvariantCulture, $"element {index}: {what}");

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Reference;
using CosineParity.Tests.Parity;
using Xunit;
using Xunit.Abstractions;

namespace CosineParity.Tests.Reference;

/// <summary>
/// The reference against the recorder on recorded loss and function cases: exact values within 2^-40 (or 1e-6 of the
/// bound), bounds of the same kind (infinite, zero, positive) and their ratio within a stated margin, every recorded
/// TF number (value and gradients) within the reference's bound. A deterministic sample runs here (unoptimised test
/// builds run the double-double arithmetic about six times slower than Release); set
/// <c>COSINE_REFERENCE_FULL=1</c> for every case (about 35 s CPU in Debug, 7 s in Release).
/// </summary>
public sealed class ReferenceFixtureTests(ITestOutputHelper output)
{
    /// <summary>float64 compute: the recorder evaluates the rsqrt factor in float64 with cancellation (README,
    /// "Arithmetic"); its bounds are up to 13% above and 10% below the exact rule's.</summary>
    private const double Float64Low = 0.85, Float64High = 1.12;

    /// <summary>Other dtypes: the rsqrt factor's float64 error is below 2^-30 of it, the rest is float64 rounding.</summary>
    private const double Tight = 1e-6;

    /// <summary>Where the recorder's float64 error terms underflowed (defect a): the reference's bound is larger,
    /// and right; see RecorderDefectsTests.</summary>
    private static readonly Dictionary<string, string> KnownLooser = new(StringComparer.Ordinal)
    {
        ["keras2/special/overflow/000032"] = "r^3 below 1e-308 for a norm of 2e153: the recorder's bound lost it (up to 1.9e15 times smaller)",
        ["keras2/special/overflow/000033"] = "the same, both inputs at 1e153",
        ["keras2/special/non-finite/000038"] = "products of subnormal-scale terms: the recorder's 0 has no (k-1) tiny of the sum rule",
    };

    [Fact]
    public void Reference_reproduces_the_recorded_exact_values_and_bounds()
    {
        List<ParityCase> cases = Sample();
        var clock = Stopwatch.StartNew();
        List<ReferenceCaseComparison> comparisons = [.. cases.AsParallel().WithDegreeOfParallelism(2).Select(ReferenceReplay.Compare)];
        var summary = new ReferenceReplaySummary(comparisons);
        output.WriteLine($"{cases.Count} cases in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(summary.Text());

        Assert.Equal(cases.Count, summary.Cases);
        Assert.Equal(0, summary.Rejected);
        Assert.Equal(0, summary.ExactMismatches);
        Assert.Equal(0, summary.TensorFlowOutside);
        var unexpected = summary.Disagreements.Where(d => !KnownLooser.ContainsKey(d.Id)).Select(d => d.Id).ToList();
        Assert.True(unexpected.Count == 0, "disagree: " + string.Join(", ", unexpected));

        var outOfMargin = new List<string>();
        foreach (ReferenceCaseComparison comparison in comparisons.Where(c => !KnownLooser.ContainsKey(c.Id)))
        {
            bool wide = comparison.ComputeDType == "float64";
            foreach (ReferenceNumberComparison number in comparison.Numbers)
            {
                if (number.BoundRatios.Any(r => wide ? r is < Float64Low or > Float64High : Math.Abs(r - 1) > Tight))
                {
                    outOfMargin.Add($"{comparison.Id} {number.Name} [{number.BoundRatios.Min():R}, {number.BoundRatios.Max():R}]");
                }
            }
        }

        Assert.True(outOfMargin.Count == 0, "bound ratio outside the margin: " + string.Join("; ", outOfMargin.Take(20)));
    }

    [Fact]
    public void With_the_recorders_float64_factor_the_float64_bounds_agree_too()
    {
        var options = new ReferenceOptions(RecorderRsqrtFactor: true);
        var outOfMargin = new List<string>();
        int measured = 0;
        foreach (ParityCase parityCase in Sample().Where(c => ComputesInFloat64(c) && !KnownLooser.ContainsKey(c.Id)))
        {
            ReferenceCaseComparison comparison = ReferenceReplay.Compare(parityCase, options);
            if (comparison.ComputeDType != "float64")
            {
                continue;
            }

            foreach (ReferenceNumberComparison number in comparison.Numbers)
            {
                measured += number.BoundRatios.Count;
                if (number.BoundRatios.Any(r => Math.Abs(r - 1) > 1e-12))
                {
                    outOfMargin.Add($"{parityCase.Id} {number.Name} [{number.BoundRatios.Min():R}, {number.BoundRatios.Max():R}]");
                }
            }
        }

        output.WriteLine($"{measured} float64 bound elements within 1e-12 of the recorded ones");
        Assert.True(measured > 10_000, $"only {measured} float64 elements measured");
        Assert.True(outOfMargin.Count == 0, string.Join("; ", outOfMargin.Take(20)));
    }

    [Theory]
    [InlineData("keras2/special/overflow/000032", 1e14)]
    [InlineData("keras2/special/overflow/000033", 1e14)]
    public void Where_the_recorders_terms_underflowed_the_reference_bound_is_far_larger(string id, double atLeast)
    {
        ReferenceCaseComparison comparison = ReferenceReplay.Compare(FixtureCatalog.Case(id));
        Assert.Equal(0, comparison.Numbers.Sum(n => n.TensorFlowOutside));
        Assert.True(comparison.Numbers.SelectMany(n => n.BoundRatios).Max() > atLeast);
        Assert.True(comparison.Numbers.SelectMany(n => n.BoundRatios).Min() > 1 - Tight);
    }

    /// <summary>Every loss/function case with a value that is not fuzz (special, mask, distributed, keras-tests,
    /// seed-doc), and every fourth fuzz case by id except those with more than 100,000 losses (one: 718,848 losses
    /// of an empty batch, 8 s in Debug); all of them with COSINE_REFERENCE_FULL=1.</summary>
    private static List<ParityCase> Sample()
    {
        List<ParityCase> covered = [.. FixtureCatalog.All.Where(ReferenceReplay.Covers).OrderBy(c => c.Id, StringComparer.Ordinal)];
        if (Environment.GetEnvironmentVariable("COSINE_REFERENCE_FULL") == "1")
        {
            return covered;
        }

        var fuzz = covered.Where(c => c.Group == "fuzz").ToList();
        return [.. covered.Where(c => c.Group != "fuzz"),
            .. fuzz.Where((c, i) => i % 4 == 0 && c.Expected.Value!.Value.ElementCount + Elements(c) <= 100_000)];
    }

    /// <summary>keras2 and the keras3 function compute in y_pred's dtype, the keras3 loss in its dtype argument.</summary>
    private static bool ComputesInFloat64(ParityCase c) =>
        c.Profile == Profiles.Keras3 && c.Api == Apis.Loss ? c.Args.DType == "float64" : c.DType == "float64";

    private static int Elements(ParityCase c) =>
        c.Inputs.Values.OfType<TensorInput>().Sum(t => t.Tensor.ElementCount);
}

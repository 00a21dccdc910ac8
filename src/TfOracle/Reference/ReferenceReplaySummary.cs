using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CosineParity.Oracle.Reference;

/// <summary>What a replay of recorded cases through <see cref="ExactReference"/> found, over all of them.</summary>
public sealed class ReferenceReplaySummary
{
    /// <summary>Summarises comparisons.</summary>
    /// <param name="comparisons">One per case.</param>
    public ReferenceReplaySummary(IEnumerable<ReferenceCaseComparison> comparisons)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        List<ReferenceCaseComparison> all = [.. comparisons.OrderBy(c => c.Id, StringComparer.Ordinal)];
        Cases = all.Count;
        Rejected = all.Count(c => c.Rejection is not null);
        List<ReferenceNumberComparison> numbers = [.. all.SelectMany(c => c.Numbers)];
        Numbers = numbers.Count;
        Elements = numbers.Sum(n => (long)n.Elements);
        ExactMismatches = numbers.Sum(n => (long)n.ExactMismatches);
        BranchResidues = numbers.Sum(n => (long)n.BranchResidues);
        BoundKindMismatches = numbers.Sum(n => (long)n.BoundKindMismatches);
        TensorFlowOutside = numbers.Sum(n => (long)n.TensorFlowOutside);
        Disagreements = [.. all.Where(c => !c.Agrees)];
        Ratios = [.. all.Where(c => c.Rejection is null)
            .GroupBy(c => (Profile: c.Id.Split('/')[0], DType: c.ComputeDType!))
            .OrderBy(g => g.Key.Profile, StringComparer.Ordinal).ThenBy(g => g.Key.DType, StringComparer.Ordinal)
            .Select(g => Row(g.Key.Profile, g.Key.DType, g.SelectMany(c => c.Numbers).SelectMany(n => n.BoundRatios)))
            .Where(r => r is not null)
            .Select(r => r!)];
    }

    /// <summary>Cases compared.</summary>
    public int Cases { get; }

    /// <summary>Cases the reference rejected although TF answered.</summary>
    public int Rejected { get; }

    /// <summary>Numbers compared (values and gradients).</summary>
    public int Numbers { get; }

    /// <summary>Elements compared.</summary>
    public long Elements { get; }

    /// <summary>See <see cref="ReferenceNumberComparison.ExactMismatches"/>.</summary>
    public long ExactMismatches { get; }

    /// <summary>See <see cref="ReferenceNumberComparison.BranchResidues"/>.</summary>
    public long BranchResidues { get; }

    /// <summary>See <see cref="ReferenceNumberComparison.BoundKindMismatches"/>.</summary>
    public long BoundKindMismatches { get; }

    /// <summary>See <see cref="ReferenceNumberComparison.TensorFlowOutside"/>.</summary>
    public long TensorFlowOutside { get; }

    /// <summary>The bound ratio distribution per profile and compute dtype.</summary>
    public IReadOnlyList<ReferenceRatioRow> Ratios { get; }

    /// <summary>The cases that do not <see cref="ReferenceCaseComparison.Agrees">agree</see>, by id.</summary>
    public IReadOnlyList<ReferenceCaseComparison> Disagreements { get; }

    /// <summary>The summary as text: counts, the ratio table, then each disagreement.</summary>
    public string Text()
    {
        var text = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{Cases} cases, {Numbers} numbers, {Elements} elements; {Rejected} rejected");
        text.AppendLine(c, $"exact mismatches {ExactMismatches}, branch residues {BranchResidues}, bound kind mismatches {BoundKindMismatches}, TF outside the reference bound {TensorFlowOutside}");
        text.AppendLine("reference bound / recorded bound:");
        text.AppendLine("  profile  dtype     elements  min                 p01                 median              p99                 max                 off by >1e-6");
        foreach (ReferenceRatioRow r in Ratios)
        {
            text.AppendLine(c, $"  {r.Profile,-8} {r.DType,-9} {r.Count,9}  {r.Min,-18:R}  {r.P01,-18:R}  {r.Median,-18:R}  {r.P99,-18:R}  {r.Max,-18:R}  {r.BeyondOneMillionth}");
        }

        foreach (ReferenceCaseComparison d in Disagreements)
        {
            string problems = d.Rejection ?? string.Join("; ", d.Numbers.Where(n => n.FirstProblem is not null).Select(n => n.FirstProblem));
            text.AppendLine(c, $"DISAGREES {d.Id}: {problems}");
        }

        return text.ToString();
    }

    private static ReferenceRatioRow? Row(string profile, string dtype, IEnumerable<double> ratios)
    {
        double[] sorted = [.. ratios.Order()];
        if (sorted.Length == 0)
        {
            return null;
        }

        double At(double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
        return new(profile, dtype, sorted.Length, sorted[0], At(0.01), At(0.5), At(0.99), sorted[^1],
            sorted.Count(x => Math.Abs(x - 1) > 1e-6));
    }
}

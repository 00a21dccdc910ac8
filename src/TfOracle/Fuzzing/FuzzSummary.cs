using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CosineParity.Oracle.Fuzzing;

/// <summary>The text summary of a fuzz run: per profile x dtype, then the failures with their repro lines.</summary>
public static class FuzzSummary
{
    private static readonly string[] Header =
        ["profile", "dtype", "cases", "judged", "port failures", "max err/bound", "graph within", "graph explained", "graph unexplained"];

    /// <summary>The largest port error in units of bound over a run's judged numbers (0 when none).</summary>
    /// <param name="outcomes">The outcomes.</param>
    public static double WorstPortError(IEnumerable<FuzzOutcome> outcomes) =>
        outcomes.Select(o => o.PortErrorOverBound).Where(e => !double.IsNaN(e)).DefaultIfEmpty(0).Max();

    /// <summary>The summary text.</summary>
    /// <param name="run">The run.</param>
    /// <param name="oracle">What the port was judged by (a label).</param>
    public static string Text(FuzzRun run, string oracle)
    {
        ArgumentNullException.ThrowIfNull(run);
        var rows = run.Outcomes
            .GroupBy(o => (o.Case.Profile, o.Case.DType))
            .OrderBy(g => g.Key.Profile, StringComparer.Ordinal).ThenBy(g => Array.IndexOf(FuzzTensors.FloatDTypes, g.Key.DType))
            .Select(g => new[]
            {
                g.Key.Profile, g.Key.DType, Count(g.Count()), Count(g.Count(o => o.Judged)), Count(g.Count(o => o.PortFailed)),
                Number(WorstPortError(g)), Count(g.Count(o => o.Graph == GraphResult.Within)),
                Count(g.Count(o => o.Graph == GraphResult.Explained)), Count(g.Count(o => o.Graph == GraphResult.Unexplained)),
            })
            .ToList();
        int[] widths = Header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"fuzz: {run.Outcomes.Count} cases, seed {run.Seed}, port judged by {oracle}");
        void Line(IReadOnlyList<string> cells) => text.AppendLine(string.Join("  ", cells.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
        Line(Header);
        rows.ForEach(Line);
        foreach (var cause in run.Outcomes.Where(o => o.Graph == GraphResult.Explained).GroupBy(o => o.GraphCause).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"graph explained by {cause.Key}: {cause.Count()}");
        }

        foreach (FuzzFailure failure in run.Failures)
        {
            FuzzOutcome m = failure.Minimal;
            text.AppendLine(CultureInfo.InvariantCulture, $"FAILED {failure.Original.Case.Id} (case seed {failure.CaseSeed}): {failure.Original.PortFailure ?? failure.Original.GraphCause}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  shrunk: {m.PortFailure ?? m.GraphCause}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  repro: {failure.ReproLine}");
        }

        int portFailures = run.Outcomes.Count(o => o.PortFailed), unexplained = run.Outcomes.Count(o => o.Graph == GraphResult.Unexplained);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"fuzz seed {run.Seed}: {run.Outcomes.Count} cases, {portFailures} port failures, {unexplained} unexplained graph results, " +
            $"largest port error {WorstPortError(run.Outcomes).ToString("0.######", CultureInfo.InvariantCulture)} bounds, {run.CasesPerSecond:0.0} cases/s");
        return text.ToString();
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Number(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
}

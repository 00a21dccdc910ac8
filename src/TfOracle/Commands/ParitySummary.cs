using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using CosineParity.Oracle.Judging;

namespace CosineParity.Oracle.Commands;

/// <summary>The summary table of a <c>check</c> run: per profile x api x dtype, cases, passed, failed, skipped,
/// bit-identical to TF, and the largest error in units of the bound; then the skip reasons with their counts.</summary>
internal static class ParitySummary
{
    private static readonly string[] Header =
        ["profile", "api", "dtype", "cases", "passed", "failed", "skipped", "bit-identical", "max error / bound"];

    /// <summary>One row per profile x api x dtype counting cases, then rows counting the cases' gradients
    /// (<c>loss gradients</c>, <c>function gradients</c>) and metric steps (<c>metric steps</c>) one number each.</summary>
    public static IReadOnlyList<string[]> Rows(IReadOnlyList<CaseOutcome> outcomes) =>
        Entries(outcomes).GroupBy(o => (o.Profile, o.Api, o.DType))
            .OrderBy(g => g.Key.Profile, StringComparer.Ordinal).ThenBy(g => g.Key.Api, StringComparer.Ordinal)
            .ThenBy(g => g.Key.DType, StringComparer.Ordinal)
            .Select(g => new[]
            {
                g.Key.Profile, g.Key.Api, g.Key.DType, Count(g), Count(g.Where(o => o.Status == CaseOutcome.Pass)),
                Count(g.Where(o => o.Status == CaseOutcome.Fail)), Count(g.Where(o => o.Status == CaseOutcome.Skip)),
                Count(g.Where(o => ValueVerdict(o)?.BitIdentical == true)), Worst(g),
            })
            .ToList();

    /// <summary>The verdict on the case's value alone (its gradients and steps have rows of their own).</summary>
    private static Verdict? ValueVerdict(CaseOutcome outcome) =>
        outcome.Verdict?.Parts.FirstOrDefault(p => p.Kind == VerdictPart.Value)?.Verdict ?? outcome.Verdict;

    private static IEnumerable<CaseOutcome> Entries(IReadOnlyList<CaseOutcome> outcomes) =>
        outcomes.Concat(outcomes.SelectMany(o => (o.Verdict?.Parts ?? []).Where(p => p.Kind != VerdictPart.Value).Select(p =>
            o with
            {
                Api = $"{o.Api} {p.Kind}",
                Status = p.Verdict.Passed ? CaseOutcome.Pass : CaseOutcome.Fail,
                Reason = p.Verdict.Failure,
                Verdict = p.Verdict,
            })));

    public static IEnumerable<(string Reason, int Cases)> SkipReasons(IReadOnlyList<CaseOutcome> outcomes) =>
        outcomes.Where(o => o.Status == CaseOutcome.Skip).GroupBy(o => o.Reason ?? "")
            .OrderByDescending(g => g.Count()).Select(g => (g.Key, g.Count()));

    public static string Text(IReadOnlyList<CaseOutcome> outcomes)
    {
        IReadOnlyList<string[]> rows = Rows(outcomes);
        int[] widths = Header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells) => text.AppendLine(string.Join("  ", cells.Select((c, i) => i < 3 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
        Line(Header);
        foreach (string[] row in rows)
        {
            Line(row);
        }

        foreach ((string reason, int cases) in SkipReasons(outcomes))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"skipped {cases}: {reason}");
        }

        return text.ToString();
    }

    public static string Markdown(IReadOnlyList<CaseOutcome> outcomes, IEnumerable<string> sources)
    {
        var text = new StringBuilder();
        text.AppendLine("# Parity of the C# port with TensorFlow");
        text.AppendLine();
        text.AppendLine("Written by `dotnet run --project src/TfOracle -- check --markdown docs/PARITY.md`; do not edit by hand.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Fixtures: {string.Join(", ", sources.Select(s => $"`{s}`"))}. A case passes when every number is within");
        text.AppendLine("its recorded bound of the exact value (fixtures/README, \"The error bound\") with TF's shape and dtype, or the");
        text.AppendLine("port throws the exception mapped to TF's error type. *bit-identical*: every element has the bits TF recorded on");
        text.AppendLine("the recording CPU (measured, not required). *max error / bound*: the largest `|port - exact| / bound` over the");
        text.AppendLine("judged elements (bound `inf` elements are branches, reported but not judged). Rows `<api> gradients`");
        text.AppendLine("and `metric steps` count numbers, not cases: each recorded gradient (by `y_true`, by `y_pred`) and each");
        text.AppendLine("metric step's result, judged by the same rule.");
        text.AppendLine();
        text.AppendLine("| " + string.Join(" | ", Header) + " |");
        text.AppendLine("|" + string.Concat(Header.Select((_, i) => i < 3 ? "---|" : "---:|")));
        foreach (string[] row in Rows(outcomes))
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        text.AppendLine();
        int total = outcomes.Count;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Total: {total} cases, {outcomes.Count(o => o.Status == CaseOutcome.Pass)} passed, {outcomes.Count(o => o.Status == CaseOutcome.Fail)} failed, {outcomes.Count(o => o.Status == CaseOutcome.Skip)} skipped.");
        foreach ((string reason, int cases) in SkipReasons(outcomes))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"- skipped {cases}: {reason}");
        }

        return text.ToString();
    }

    private static string Count(IEnumerable<CaseOutcome> outcomes) => outcomes.Count().ToString(CultureInfo.InvariantCulture);

    private static string Worst(IEnumerable<CaseOutcome> outcomes)
    {
        double[] judged = outcomes.Select(o => ValueVerdict(o)?.MaxErrorOverBound ?? double.NaN).Where(e => !double.IsNaN(e)).ToArray();
        return judged.Length == 0 ? "-" : judged.Max().ToString("0.###", CultureInfo.InvariantCulture);
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using CosineParity.Oracle.Commands;
using CosineParity.Oracle.Fuzzing;

namespace CosineParity.Oracle.Reporting;

/// <summary>The parity report as one self-contained HTML page (inline CSS and SVG, no external assets): per profile x
/// dtype, histograms of the port's error in units of the bound (fixtures and a fuzz run), the bit-identity rate
/// against TF (fixtures), the graphs' own distance from exact, and every failure with its repro line. The page's
/// script writes <c>#rendered</c> once it has run, so a headless browser can tell it rendered without errors.</summary>
internal static class HtmlReport
{
    /// <summary>What the page's script writes into <c>#rendered</c> (a test looks for it in the dumped DOM).</summary>
    public const string RenderedMarker = "report-rendered";

    public static string Render(IReadOnlyList<CaseOutcome> fixtures, FuzzRun fuzz)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>cosine-parity report</title>
            <style>
            body { font-family: sans-serif; margin: 24px; color: #222; }
            table { border-collapse: collapse; margin: 8px 0 16px; }
            td, th { border: 1px solid #bbb; padding: 3px 8px; text-align: right; }
            th { background: #eee; } td.l { text-align: left; }
            .cell { display: inline-block; vertical-align: top; margin: 6px; }
            pre { white-space: pre-wrap; word-break: break-all; background: #f6f6f6; padding: 6px; font-size: 11px; }
            .ok { color: #1a7f37; } .bad { color: #b00020; }
            </style></head><body>
            <h1>cosine-parity: the port against TensorFlow</h1>
            """);
        html.Append(CultureInfo.InvariantCulture,
            $"<p>{fixtures.Count} fixture cases; fuzz run of {fuzz.Outcomes.Count} cases, seed {fuzz.Seed}, {fuzz.CasesPerSecond:0} cases/s. ");
        html.Append("Errors are <code>|port - exact| / bound</code> per case (its largest element over value and gradients); ");
        html.Append("within the bound is <code>&le; 1</code>.</p><p id=\"rendered\"></p>");
        Summary(html, fixtures, fuzz);
        html.Append("<h2>Port error in units of the bound</h2>");
        foreach (var (profile, dtype) in Keys(fixtures, fuzz))
        {
            var fromFixtures = ErrorHistogram.Count(fixtures.Where(o => o.Profile == profile && o.DType == dtype && o.Verdict is not null).Select(o => o.Verdict!.MaxErrorOverBound));
            var fromFuzz = ErrorHistogram.Count(fuzz.Outcomes.Where(o => o.Case.Profile == profile && o.Case.DType == dtype).Select(o => o.PortErrorOverBound));
            html.Append("<div class=\"cell\">").Append(ErrorHistogram.Svg($"{profile} {dtype}", [("fixtures", "#4c72b0", fromFixtures), ("fuzz", "#dd8452", fromFuzz)])).Append("</div>");
        }

        html.Append("<h2>The graphs' own distance from exact (fuzz cases a graph answered)</h2>");
        foreach (var (profile, dtype) in Keys(fixtures, fuzz).Where(k => k.DType != "bfloat16"))
        {
            var graph = ErrorHistogram.Count(fuzz.Outcomes.Where(o => o.Case.Profile == profile && o.Case.DType == dtype).Select(o => o.GraphErrorOverBound));
            html.Append("<div class=\"cell\">").Append(ErrorHistogram.Svg($"{profile} {dtype} (graphs)", [("graph", "#55a868", graph)])).Append("</div>");
        }

        Failures(html, fixtures, fuzz);
        html.Append(CultureInfo.InvariantCulture, $$"""
            <script>
            document.getElementById('rendered').textContent = '{{RenderedMarker}}: ' + document.querySelectorAll('svg.hist').length + ' charts';
            </script>
            </body></html>
            """);
        return html.ToString();
    }

    private static IEnumerable<(string Profile, string DType)> Keys(IReadOnlyList<CaseOutcome> fixtures, FuzzRun fuzz) =>
        fixtures.Where(o => FuzzTensors.FloatDTypes.Contains(o.DType)).Select(o => (o.Profile, o.DType))
            .Concat(fuzz.Outcomes.Select(o => (o.Case.Profile, o.Case.DType)))
            .Distinct()
            .OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => Array.IndexOf(FuzzTensors.FloatDTypes, k.Item2));

    private static void Summary(StringBuilder html, IReadOnlyList<CaseOutcome> fixtures, FuzzRun fuzz)
    {
        html.Append("<h2>Summary per profile x dtype</h2><table><tr><th>profile</th><th>dtype</th><th>fixture cases</th><th>failed</th>" +
            "<th>bit-identical to TF</th><th>fuzz cases</th><th>port failures</th><th>max err/bound</th><th>graph within</th>" +
            "<th>graph explained</th><th>graph unexplained</th></tr>");
        foreach (var (profile, dtype) in Keys(fixtures, fuzz))
        {
            var f = fixtures.Where(o => o.Profile == profile && o.DType == dtype && o.Status != CaseOutcome.Skip).ToList();
            var z = fuzz.Outcomes.Where(o => o.Case.Profile == profile && o.Case.DType == dtype).ToList();
            int identical = f.Count(o => o.Verdict?.BitIdentical == true), failed = f.Count(o => o.Status == CaseOutcome.Fail);
            string rate = f.Count == 0 ? "-" : $"{identical} ({100.0 * identical / f.Count:0.0}%)";
            int portFailures = z.Count(o => o.PortFailed), unexplained = z.Count(o => o.Graph == GraphResult.Unexplained);
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td class=\"l\">{profile}</td><td class=\"l\">{dtype}</td><td>{f.Count}</td><td class=\"{(failed == 0 ? "ok" : "bad")}\">{failed}</td>" +
                $"<td>{rate}</td><td>{z.Count}</td><td class=\"{(portFailures == 0 ? "ok" : "bad")}\">{portFailures}</td>" +
                $"<td>{FuzzSummary.WorstPortError(z).ToString("0.###", CultureInfo.InvariantCulture)}</td><td>{z.Count(o => o.Graph == GraphResult.Within)}</td>" +
                $"<td>{z.Count(o => o.Graph == GraphResult.Explained)}</td><td class=\"{(unexplained == 0 ? "ok" : "bad")}\">{unexplained}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Failures(StringBuilder html, IReadOnlyList<CaseOutcome> fixtures, FuzzRun fuzz)
    {
        var fixtureFailures = fixtures.Where(o => o.Status == CaseOutcome.Fail).ToList();
        html.Append(CultureInfo.InvariantCulture, $"<h2>Failures ({fixtureFailures.Count} fixture, {fuzz.Outcomes.Count(o => o.Failed)} fuzz)</h2>");
        if (fixtureFailures.Count == 0 && fuzz.Failures.Count == 0)
        {
            html.Append("<p class=\"ok\">None.</p>");
        }

        foreach (CaseOutcome failure in fixtureFailures.Take(50))
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"bad\">{WebUtility.HtmlEncode(failure.Id)}: {WebUtility.HtmlEncode(failure.Reason ?? "")}</p>");
        }

        foreach (FuzzFailure failure in fuzz.Failures)
        {
            FuzzOutcome m = failure.Minimal;
            html.Append(CultureInfo.InvariantCulture,
                $"<p class=\"bad\">{WebUtility.HtmlEncode(failure.Original.Case.Id)} (case seed {WebUtility.HtmlEncode(failure.CaseSeed)}), shrunk: {WebUtility.HtmlEncode(m.PortFailure ?? m.GraphCause ?? "")}</p>");
            html.Append("<pre>").Append(WebUtility.HtmlEncode(failure.ReproLine)).Append("</pre>");
        }
    }
}

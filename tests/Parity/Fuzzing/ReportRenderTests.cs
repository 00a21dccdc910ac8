using System.Diagnostics;
using System.IO;
using CosineParity.Oracle.Commands;
using CosineParity.Oracle.Fuzzing;
using CosineParity.Oracle.Reporting;
using Xunit;

namespace CosineParity.Tests.Fuzzing;

/// <summary>The HTML report renders in headless Chromium: its script ran (the marker it writes is in the DOM) and
/// threw nothing (no <c>Uncaught</c> in the console log).</summary>
public sealed class ReportRenderTests
{
    [ChromiumFact]
    public void TheReportRendersWithoutScriptErrors()
    {
        string folder = Directory.CreateTempSubdirectory("report-").FullName, profile = Directory.CreateTempSubdirectory("chromium-").FullName;
        try
        {
            FuzzRun run = FuzzRunner.Run(40, 7, null, new FuzzJudge().Judge);
            string page = Path.Combine(folder, "index.html");
            File.WriteAllText(page, HtmlReport.Render([], run));

            var start = new ProcessStartInfo(ChromiumFactAttribute.Executable!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (string arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                "--dump-dom", new System.Uri(page).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(arg);
            }

            using Process chromium = Process.Start(start)!;
            System.Threading.Tasks.Task<string> stderr = chromium.StandardError.ReadToEndAsync();
            string dom = chromium.StandardOutput.ReadToEnd();
            Assert.True(chromium.WaitForExit(60_000), "chromium did not finish in 60 s");
            string log = stderr.Result;

            Assert.Contains($"{HtmlReport.RenderedMarker}: ", dom, System.StringComparison.Ordinal);
            Assert.DoesNotContain("Uncaught", log, System.StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
            Directory.Delete(profile, true);
        }
    }
}

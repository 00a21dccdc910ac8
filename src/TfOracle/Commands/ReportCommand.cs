using System.Collections.Generic;
using System.IO;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fixtures;
using CosineParity.Oracle.Fuzzing;
using CosineParity.Oracle.Reporting;

namespace CosineParity.Oracle.Commands;

/// <summary><c>report --out DIR</c>: replays the fixtures, runs a fuzz run, and writes <c>DIR/index.html</c>.</summary>
internal static class ReportCommand
{
    public static int Run(IReadOnlyList<string> fixtureDirectories, FuzzOptions fuzz, string outDirectory, TextWriter output, TextWriter progressOutput)
    {
        var cases = fixtureDirectories.SelectMany(FixtureReader.Read).SelectMany(s => s.Cases).ToList();
        var progress = new ProgressBar(progressOutput, cases.Count, "fixtures");
        var outcomes = new List<CaseOutcome>(cases.Count);
        foreach (ParityCase parityCase in cases)
        {
            outcomes.Add(CheckCommand.Replay(parityCase));
            progress.Advance();
        }

        progress.Finish();
        FuzzRun run = FuzzCommand.Execute(fuzz, progressOutput);
        Directory.CreateDirectory(outDirectory);
        string page = Path.Combine(outDirectory, "index.html");
        File.WriteAllText(page, HtmlReport.Render(outcomes, run));
        output.WriteLine($"report: {page} ({outcomes.Count} fixture cases, {run.Outcomes.Count} fuzz cases, seed {run.Seed})");
        return 0;
    }
}

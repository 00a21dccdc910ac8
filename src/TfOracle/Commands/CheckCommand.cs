using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fixtures;
using CosineParity.Oracle.Fuzzing;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Replay;

namespace CosineParity.Oracle.Commands;

/// <summary>
/// <c>check</c>: replays every case of one or more <c>cosine-parity/1</c> directories through the port and judges it
/// by the fixture rule; prints the summary table, optionally writes every case's outcome as JSON and the table as
/// Markdown. Exit code 0 only when no case failed.
/// </summary>
internal static class CheckCommand
{
    public static int Run(
        IReadOnlyList<string> fixtureDirectories, string? jsonPath, string? markdownPath, FuzzOptions live, TextWriter output, TextWriter progressOutput)
    {
        var sets = fixtureDirectories.SelectMany(FixtureReader.Read).ToList();
        int total = sets.Sum(s => s.Cases.Count);
        var progress = new ProgressBar(progressOutput, total, "check");
        var outcomes = new List<CaseOutcome>(total);
        foreach (FixtureSet set in sets)
        {
            foreach (ParityCase parityCase in set.Cases)
            {
                outcomes.Add(Replay(parityCase));
                progress.Advance();
            }
        }

        progress.Finish();
        output.Write(ParitySummary.Text(outcomes));
        foreach (CaseOutcome failure in outcomes.Where(o => o.Status == CaseOutcome.Fail).Take(20))
        {
            output.WriteLine($"FAILED {failure.Id}: {failure.Reason}");
        }

        int failed = outcomes.Count(o => o.Status == CaseOutcome.Fail);
        output.WriteLine($"{outcomes.Count(o => o.Status == CaseOutcome.Pass)} passed, {failed} failed, {outcomes.Count(o => o.Status == CaseOutcome.Skip)} skipped");
        if (live.Cases > 0)
        {
            // New inputs, judged as the fixtures judge recorded ones: by the exact reference, TF's graphs beside.
            output.WriteLine($"live: {live.Cases} generated cases, seed {live.Seed} (repeat with --seed {live.Seed})");
            FuzzRun run = FuzzCommand.Execute(live, progressOutput);
            output.Write(FuzzSummary.Text(run, "the exact reference"));
            failed += run.Outcomes.Count(o => o.Failed);
        }
        if (jsonPath is not null)
        {
            WriteJson(jsonPath, outcomes);
        }

        if (markdownPath is not null)
        {
            File.WriteAllText(markdownPath, ParitySummary.Markdown(outcomes, sets.Select(s => Path.GetFileName(Path.TrimEndingDirectorySeparator(s.Directory)))));
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>One case through the port and the judge.</summary>
    public static CaseOutcome Replay(ParityCase parityCase)
    {
        if (PortRunner.SkipReason(parityCase) is { } reason)
        {
            return new CaseOutcome(parityCase.Id, parityCase.Profile, parityCase.Api, parityCase.DType, CaseOutcome.Skip, reason, null);
        }

        Verdict verdict;
        try
        {
            verdict = CaseReplay.Judge(parityCase);
            if (!verdict.Judged)
            {
                return new CaseOutcome(parityCase.Id, parityCase.Profile, parityCase.Api, parityCase.DType, CaseOutcome.Skip, verdict.Failure, verdict);
            }
        }
#pragma warning disable CA1031 // a crash of the port on one case is that case's failure, not the run's end
        catch (Exception crash)
#pragma warning restore CA1031
        {
            verdict = Verdict.Fail($"crashed: {crash.GetType().Name}: {crash.Message} at {crash.StackTrace?.Split(Environment.NewLine)[0].Trim()}");
        }

        return new CaseOutcome(
            parityCase.Id, parityCase.Profile, parityCase.Api, parityCase.DType,
            verdict.Passed ? CaseOutcome.Pass : CaseOutcome.Fail, verdict.Failure, verdict);
    }

    private static void WriteJson(string path, IReadOnlyList<CaseOutcome> outcomes)
    {
        using FileStream stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (CaseOutcome outcome in outcomes)
        {
            json.WriteStartObject();
            json.WriteString("id", outcome.Id);
            json.WriteString("api", outcome.Api);
            json.WriteString("status", outcome.Status);
            json.WriteString("reason", outcome.Reason);
            if (outcome.Verdict is { } verdict && double.IsFinite(verdict.MaxErrorOverBound))
            {
                json.WriteNumber("max_error_over_bound", verdict.MaxErrorOverBound);
            }
            else
            {
                json.WriteNull("max_error_over_bound");
            }

            if (outcome.Verdict is { } judged)
            {
                json.WriteBoolean("bit_identical", judged.BitIdentical);
            }
            else
            {
                json.WriteNull("bit_identical");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}

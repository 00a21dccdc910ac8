using System;
using System.IO;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fuzzing;
using CosineParity.Oracle.Graphs;
using CosineParity.Oracle.Live;

namespace CosineParity.Oracle.Commands;

/// <summary><c>fuzz</c>: generated questions through the port, judged by the exact reference (<c>--oracle graphs</c>,
/// with TF's graphs judged beside) or by TF's live answers (<c>--oracle tf</c>); exit 1 on any port failure or
/// unexplained graph result.</summary>
internal static class FuzzCommand
{
    public static int Run(FuzzOptions options, TextWriter output, TextWriter progressOutput)
    {
        output.WriteLine($"fuzz: seed {options.Seed} (reproduce with --seed {options.Seed})");
        FuzzRun run = Execute(options, progressOutput);
        output.Write(FuzzSummary.Text(run, options.Oracle == "tf" ? $"TF live ({options.OracleCommand})" : "the exact reference"));
        return run.Outcomes.Any(o => o.Failed) ? 1 : 0;
    }

    /// <summary>The run itself, for <c>check</c> and <c>report</c> too.</summary>
    public static FuzzRun Execute(FuzzOptions options, TextWriter progressOutput)
    {
        using GraphOracle? graphs = options.GraphsDirectory is { } folder ? GraphOracle.Open(folder) : null;
        var judge = new FuzzJudge(graphs);
        var progress = new ProgressBar(progressOutput, options.Cases, "fuzz");
        FuzzRun run;
        if (options.Oracle == "tf")
        {
            var live = new LiveOracle(new LiveOracleOptions { Command = Command(options.OracleCommand) });
            try
            {
                live.ConnectAsync().GetAwaiter().GetResult();
                run = FuzzRunner.Run(options.Cases, options.Seed, options.Profile, q => AskTf(live, judge, q), () => progress.Advance());
            }
            finally
            {
                live.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        else
        {
            run = FuzzRunner.Run(options.Cases, options.Seed, options.Profile, judge.Judge, () => progress.Advance());
        }

        progress.Finish();
        return run;
    }

    private static FuzzOutcome AskTf(LiveOracle live, FuzzJudge judge, ParityCase question)
    {
        LiveOutcome outcome = live.AskAsync(question, LiveWants.Exact | LiveWants.Gradients).GetAwaiter().GetResult();
        return outcome.Answered is { } answered
            ? judge.JudgeAnswered(answered)
            : new FuzzOutcome(question, false, null, double.NaN, GraphResult.None, null, double.NaN);
    }

    private static LiveServerCommand Command(string command)
    {
        string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return words.Length == 0 ? LiveServerCommand.Default : new LiveServerCommand(words[0], words[1..]);
    }
}

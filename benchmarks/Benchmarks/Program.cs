using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace CosineParity.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Benchmarks -- [--quick | --precise] [--check] [BenchmarkDotNet options]</c>.
/// Checks first that every implementation computes the same loss, then runs BenchmarkDotNet in this process (one
/// job, every benchmark in process: no child projects are generated or built).
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: dotnet run -c Release --project benchmarks/Benchmarks -- [mode] [--check] [BenchmarkDotNet options]
          (no mode)   BenchmarkDotNet's ShortRun: 1 launch, 3 warm-up and 3 measured iterations
          --quick     a smoke run: 1 warm-up and 3 measured iterations of about 100 ms
          --precise   BenchmarkDotNet's default job (pilot, up to 100 iterations): for a quiet machine
          --check     only check that every implementation computes the same loss (exit 1 if not), time nothing
          BenchmarkDotNet options pass through, e.g. --filter '*Float32Sizes*' (default --filter '*').
        """;

    private static int Main(string[] args)
    {
        if (args.Any(a => a is "-h" or "--help" or "-?"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        bool quick = args.Contains("--quick"), precise = args.Contains("--precise"), checkOnly = args.Contains("--check");
        if (quick && precise)
        {
            Console.Error.WriteLine("--quick and --precise: choose one");
            return 2;
        }

#if DEBUG
        if (!checkOnly)
        {
            Console.Error.WriteLine("This is a Debug build: run the benchmarks from a Release build (dotnet run -c Release --project benchmarks/Benchmarks -- ...).");
            return 2;
        }

#endif
        string[] rest = args.Where(a => a is not ("--quick" or "--precise" or "--check")).ToArray();
        if (!Check.RunAll(Cases.All))
        {
            Console.Error.WriteLine("The implementations disagree (above): nothing was timed.");
            return 1;
        }

        if (checkOnly)
        {
            return 0;
        }

        if (!rest.Any(a => a is "--filter" or "-f" || a.StartsWith("--filter=", StringComparison.Ordinal)))
        {
            rest = [.. rest, "--filter", "*"];
        }

        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, Config(quick, precise));
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }

    private static ManualConfig Config(bool quick, bool precise)
    {
        Job job = precise ? Job.Default : Job.ShortRun;
        if (quick)
        {
            job = job.WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(100));
        }

        job = job.WithToolchain(InProcessEmitToolchain.Instance).WithId(quick ? "Quick" : precise ? "Precise" : "ShortRun");
        return ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(BaselineRatioColumn.RatioMean)
            .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared))
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using CosineParity.Oracle.Commands;
using CosineParity.Oracle.Fixtures;

namespace CosineParity.Oracle;

/// <summary>The <c>tforacle</c> command line of the C# side: <c>check</c>, <c>fuzz</c> and <c>report</c>.</summary>
internal static class Program
{
    private const string Usage = """
        usage: tforacle check [--fixtures DIR]... [--json FILE] [--markdown FILE] [--live-cases N] [--seed S]
               tforacle fuzz [--cases N] [--seed S] [--oracle graphs|tf] [--oracle-command CMD] [--profile keras2|keras3]
               tforacle report --out DIR [--fixtures DIR]... [--cases N] [--seed S]
          check   replay every case of the fixtures (default: the repository's fixtures/) through the port, judge each
                  by the fixture rule, then N generated cases (default 12000) against the exact reference and TF's
                  graphs; print a summary per profile x api x dtype; exit 1 if anything failed
          fuzz    generated cases through the port, judged by the exact reference with TF's graphs beside
                  (--oracle graphs, the default) or by the live Python oracle (--oracle tf, which needs TensorFlow;
                  --oracle-command, default "python3 -m tforacle serve"); exit 1 on a port failure
          report  an HTML page (DIR/index.html): error histograms, bit-identity to TF, the graphs' distance, failures
          --fixtures DIR   a cosine-parity/1 profile folder, or a folder of them (repeatable)
          --json FILE      one object per case: id, api, status, reason, max_error_over_bound, bit_identical
          --markdown FILE  the summary table as Markdown (docs/PARITY.md)
          --seed S         the generator's seed (default: a fresh one, printed)
        """;

    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var options = Options.Parse(args[1..]);
            return args[0] switch
            {
                "check" => CheckCommand.Run(
                    options.Fixtures(), options.Value("--json"), options.Value("--markdown"),
                    options.Fuzz(options.Int("--live-cases", 12000)), Console.Out, Console.Error),
                "fuzz" => FuzzCommand.Run(options.Fuzz(options.Int("--cases", 1000)), Console.Out, Console.Error),
                "report" => ReportCommand.Run(
                    options.Fixtures(), options.Fuzz(options.Int("--cases", 1000)),
                    options.Value("--out") ?? throw new ArgumentException("report needs --out DIR"), Console.Out, Console.Error),
                _ => throw new ArgumentException($"unknown command '{args[0]}'"),
            };
        }
        catch (ArgumentException error)
        {
            Console.Error.WriteLine($"tforacle: {error.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (Exception error) when (error is FixtureFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tforacle: {error.Message}");
            return 2;
        }
    }

    /// <summary>The options after the command: <c>--name value</c> pairs, <c>--fixtures</c> repeatable.</summary>
    private sealed class Options
    {
        private static readonly HashSet<string> Known =
            ["--fixtures", "--json", "--markdown", "--live-cases", "--cases", "--seed", "--oracle", "--oracle-command", "--profile", "--out"];

        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private readonly List<string> _fixtures = [];

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (int i = 0; i < args.Length; i++)
            {
                if (!Known.Contains(args[i]))
                {
                    throw new ArgumentException($"unknown option '{args[i]}'");
                }

                string name = args[i];
                string value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
                if (name == "--fixtures")
                {
                    options._fixtures.Add(value);
                }
                else
                {
                    options._values[name] = value;
                }
            }

            return options;
        }

        public string? Value(string name) => _values.GetValueOrDefault(name);

        public int Int(string name, int fallback) => Value(name) is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"{name} takes a count, not '{text}'")
            : fallback;

        public List<string> Fixtures() => _fixtures.Count > 0 ? _fixtures : [RepositoryPaths.DefaultFixtures()];

        /// <summary>The generator's settings; the seed is fresh unless given, and always printed by the commands.</summary>
        public FuzzOptions Fuzz(int cases)
        {
            long seed = Value("--seed") is { } text
                ? long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long s) ? s : throw new ArgumentException($"--seed takes an integer, not '{text}'")
                : RandomNumberGenerator.GetInt32(1, int.MaxValue);
            string oracle = Value("--oracle") ?? "graphs";
            if (oracle is not ("graphs" or "tf"))
            {
                throw new ArgumentException($"--oracle is graphs or tf, not '{oracle}'");
            }

            string? profile = Value("--profile");
            if (profile is not (null or "keras2" or "keras3"))
            {
                throw new ArgumentException($"--profile is keras2 or keras3, not '{profile}'");
            }

            return new FuzzOptions(cases, seed, profile, oracle, Value("--oracle-command") ?? "python3 -m tforacle serve",
                Path.Combine(RepositoryPaths.DefaultFixtures(), "graphs"));
        }
    }
}

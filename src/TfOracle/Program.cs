using System;
using System.Collections.Generic;
using System.IO;
using CosineParity.Oracle.Commands;
using CosineParity.Oracle.Fixtures;

namespace CosineParity.Oracle;

/// <summary>The <c>tforacle</c> command line of the C# side: <c>check</c> replays fixtures through the port.</summary>
internal static class Program
{
    private const string Usage = """
        usage: tforacle check [--fixtures DIR]... [--json FILE] [--markdown FILE]
          check   replay every case of the fixtures (default: the repository's fixtures/) through the port,
                  judge each by the fixture rule, print a summary per profile x api x dtype; exit 1 if any failed
          --fixtures DIR   a cosine-parity/1 profile folder, or a folder of them (repeatable)
          --json FILE      one object per case: id, api, status, reason, max_error_over_bound, bit_identical
          --markdown FILE  the summary table as Markdown (docs/PARITY.md)
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
            return args[0] switch
            {
                "check" => Check(args[1..]),
                _ => Fail($"unknown command '{args[0]}'"),
            };
        }
        catch (Exception error) when (error is FixtureFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tforacle: {error.Message}");
            return 2;
        }
    }

    private static int Check(string[] args)
    {
        var fixtures = new List<string>();
        string? json = null, markdown = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--fixtures":
                    fixtures.Add(Value());
                    break;
                case "--json":
                    json = Value();
                    break;
                case "--markdown":
                    markdown = Value();
                    break;
                default:
                    return Fail($"unknown option '{args[i]}'");
            }
        }

        if (fixtures.Count == 0)
        {
            fixtures.Add(RepositoryPaths.DefaultFixtures());
        }

        return CheckCommand.Run(fixtures, json, markdown, Console.Out, Console.Error);
    }

    private static int Fail(string problem)
    {
        Console.Error.WriteLine($"tforacle: {problem}");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}

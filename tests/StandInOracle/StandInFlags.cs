using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace CosineParity.StandIn;

/// <summary>The stand-in's command line: where the transcript is and which faults to inject. Counts are of answers
/// written by this process (1 for its first), so a restarted stand-in starts counting again; <c>--fault-once</c>
/// makes the faults fire in the first process only.</summary>
internal sealed class StandInFlags
{
    public const string Usage =
        "StandInOracle --transcript DIR [--crash-after N] [--crash-on-id ID] [--hang-after N] [--garbage-at N,...]\n" +
        "              [--wrong-id-at N,...] [--delay-ms MS] [--stderr-noise BYTES] [--no-hello] [--hello-delay-ms MS]\n" +
        "              [--bad-hello] [--exit-code C] [--fault-once MARKER-FILE]";

    /// <summary>The folder holding requests.jsonl and answers.jsonl.</summary>
    public string Transcript { get; private set; } = string.Empty;

    /// <summary>Exit with <see cref="ExitCode"/> right after this many answers (0: right after the hello).</summary>
    public int? CrashAfter { get; private set; }

    /// <summary>Exit with 4 when a request with this id (its string, or its integer literal) arrives.</summary>
    public string? CrashOnId { get; private set; }

    /// <summary>Stop answering (and reading) after this many answers.</summary>
    public int? HangAfter { get; private set; }

    /// <summary>Answers replaced by a line that is not JSON.</summary>
    public IReadOnlySet<int> GarbageAt { get; private set; } = new HashSet<int>();

    /// <summary>Answers whose id is replaced.</summary>
    public IReadOnlySet<int> WrongIdAt { get; private set; } = new HashSet<int>();

    /// <summary>A pause before each answer.</summary>
    public int DelayMs { get; private set; }

    /// <summary>Bytes of noise written to stderr at start and before each answer.</summary>
    public int StderrNoise { get; private set; }

    /// <summary>Never say hello (answer nothing; exit at the end of stdin).</summary>
    public bool NoHello { get; private set; }

    /// <summary>A pause before the hello.</summary>
    public int HelloDelayMs { get; private set; }

    /// <summary>Say a hello of another format.</summary>
    public bool BadHello { get; private set; }

    /// <summary>The exit code of a crash.</summary>
    public int ExitCode { get; private set; } = 3;

    public static StandInFlags Parse(string[] args)
    {
        var flags = new StandInFlags();
        string? once = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            HashSet<int> Numbers() => Next().Split(',').Select(n => int.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToHashSet();
            switch (args[i])
            {
                case "--transcript": flags.Transcript = Next(); break;
                case "--crash-after": flags.CrashAfter = Number(); break;
                case "--crash-on-id": flags.CrashOnId = Next(); break;
                case "--hang-after": flags.HangAfter = Number(); break;
                case "--garbage-at": flags.GarbageAt = Numbers(); break;
                case "--wrong-id-at": flags.WrongIdAt = Numbers(); break;
                case "--delay-ms": flags.DelayMs = Number(); break;
                case "--stderr-noise": flags.StderrNoise = Number(); break;
                case "--no-hello": flags.NoHello = true; break;
                case "--hello-delay-ms": flags.HelloDelayMs = Number(); break;
                case "--bad-hello": flags.BadHello = true; break;
                case "--exit-code": flags.ExitCode = Number(); break;
                case "--fault-once": once = Next(); break;
                default: throw new ArgumentException($"unknown flag {args[i]}");
            }
        }

        if (flags.Transcript.Length == 0)
        {
            throw new ArgumentException("--transcript is required");
        }

        // The marker exists after the first process: later ones replay cleanly.
        if (once is not null && !TryCreate(once))
        {
            return new StandInFlags { Transcript = flags.Transcript };
        }

        return flags;
    }

    private static bool TryCreate(string path)
    {
        try
        {
            using FileStream marker = new(path, FileMode.CreateNew);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}

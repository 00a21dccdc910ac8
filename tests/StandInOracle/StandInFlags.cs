using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace CosineParity.StandIn;

/// <summary>The stand-in's command line: where the transcript is and which faults to inject. Counts are of answers
/// written by this process (1 for its first), so a restarted stand-in starts counting again; <c>--fault-once</c>
/// makes the faults fire in the first process only. The random faults (<c>--crash-rate</c>, <c>--hang-rate</c>,
/// <c>--poison-rate</c>, see <see cref="RandomFaults"/>) are drawn per request read and logged to <c>--fault-log</c>.</summary>
internal sealed class StandInFlags
{
    public const string Usage =
        "StandInOracle --transcript DIR [--crash-after N] [--crash-on-id ID] [--hang-after N] [--garbage-at N,...]\n" +
        "              [--wrong-id-at N,...] [--delay-ms MS] [--stderr-noise BYTES] [--no-hello] [--hello-delay-ms MS]\n" +
        "              [--bad-hello] [--exit-code C] [--fault-once MARKER-FILE] [--echo-ids]\n" +
        "              [--crash-rate P] [--hang-rate P] [--poison-rate P] [--seed S] [--fault-log FILE]";

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

    /// <summary>Find a request by its content without its id and answer with the request's id (see
    /// <see cref="CosineParity.StandIn.Transcript"/>).</summary>
    public bool EchoIds { get; private set; }

    /// <summary>The chance that a request read crashes the process.</summary>
    public double CrashRate { get; private set; }

    /// <summary>The chance that a request read hangs the process.</summary>
    public double HangRate { get; private set; }

    /// <summary>The share of request ids that crash or hang every process (poison requests).</summary>
    public double PoisonRate { get; private set; }

    /// <summary>The seed of the random faults.</summary>
    public int Seed { get; private set; }

    /// <summary>Where every process logs its start and the random faults it injects.</summary>
    public string? FaultLog { get; private set; }

    public static StandInFlags Parse(string[] args)
    {
        var flags = new StandInFlags();
        string? once = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            HashSet<int> Numbers() => Next().Split(',').Select(n => int.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToHashSet();
            double Rate()
            {
                string flag = args[i];
                double rate = double.Parse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture);
                return rate is >= 0 and <= 1 ? rate : throw new ArgumentException($"{flag} is a probability in [0, 1], not {rate}");
            }

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
                case "--echo-ids": flags.EchoIds = true; break;
                case "--crash-rate": flags.CrashRate = Rate(); break;
                case "--hang-rate": flags.HangRate = Rate(); break;
                case "--poison-rate": flags.PoisonRate = Rate(); break;
                case "--seed": flags.Seed = Number(); break;
                case "--fault-log": flags.FaultLog = Next(); break;
                default: throw new ArgumentException($"unknown flag {args[i]}");
            }
        }

        if (flags.Transcript.Length == 0)
        {
            throw new ArgumentException("--transcript is required");
        }

        if (flags.CrashRate + flags.HangRate > 1)
        {
            throw new ArgumentException($"--crash-rate {flags.CrashRate} and --hang-rate {flags.HangRate} add up to more than 1");
        }

        if (flags.CrashRate + flags.HangRate + flags.PoisonRate > 0 && flags.FaultLog is null)
        {
            throw new ArgumentException("random faults need --fault-log: the test holds the client's account against it");
        }

        // The marker exists after the first process: later ones replay cleanly.
        if (once is not null && !TryCreate(once))
        {
            return new StandInFlags { Transcript = flags.Transcript, EchoIds = flags.EchoIds };
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

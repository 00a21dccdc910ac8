using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace CosineParity.StandIn;

/// <summary>What a random fault does to the request just read.</summary>
internal enum RandomFault
{
    /// <summary>Exit without answering.</summary>
    Crash,

    /// <summary>Write the first half of the answer, then exit: the client sees a line cut off.</summary>
    TornCrash,

    /// <summary>Stop answering and reading.</summary>
    Hang,
}

/// <summary>
/// Seeded random faults for long runs: each request read crashes the process (half of the crashes after writing half
/// of the answer) or hangs it, with the rates given; a poison request (chosen by a hash of its id and the seed) crashes
/// or hangs every process it reaches. Every process appends to a log, <c>start</c> when it starts and one line per
/// fault (<c>crash</c>, <c>torn-crash</c> or <c>hang</c>, the process, the request's id as JSON, <c>random</c> or
/// <c>poison</c>), so a test can hold the client's account against what was injected. Process n of a
/// run (counted by the log) draws from the seed and n: a restarted server does not repeat its predecessor's faults,
/// and a run with the same seed injects the same faults at the same requests.
/// </summary>
internal sealed class RandomFaults
{
    private const int LockAttempts = 200;

    private readonly Random _random;
    private readonly StandInFlags _flags;
    private readonly int _process;

    private RandomFaults(StandInFlags flags, int process)
    {
        _flags = flags;
        _process = process;
        _random = new Random(unchecked((flags.Seed * 1_000_003) + process));
    }

    /// <summary>The faults of this process, registered in the log; null when the flags ask for none.</summary>
    public static RandomFaults? Start(StandInFlags flags)
    {
        if (flags.CrashRate + flags.HangRate + flags.PoisonRate <= 0)
        {
            return null;
        }

        using FileStream log = OpenLog(flags.FaultLog!);
        using var reader = new StreamReader(log, Encoding.UTF8, leaveOpen: true);
        int process = reader.ReadToEnd().Split('\n').Count(line => line.StartsWith("start\t", StringComparison.Ordinal)) + 1;
        log.Seek(0, SeekOrigin.End);
        log.Write(Encoding.UTF8.GetBytes($"start\t{process}\n"));
        return new RandomFaults(flags, process);
    }

    /// <summary>The fault to inject for a request just read (logged before it happens), or null to answer it.</summary>
    public RandomFault? Next(byte[] request)
    {
        string id = Transcript.EchoOf(request);
        double poison = Uniform(_flags.Seed, id);
        double draw = _random.NextDouble();
        bool torn = _random.Next(2) == 0;
        RandomFault? fault = poison < _flags.PoisonRate ? (poison < _flags.PoisonRate / 2 ? RandomFault.Crash : RandomFault.Hang)
            : draw < _flags.CrashRate ? (torn ? RandomFault.TornCrash : RandomFault.Crash)
            : draw < _flags.CrashRate + _flags.HangRate ? RandomFault.Hang
            : null;
        if (fault is { } injected)
        {
            using FileStream log = OpenLog(_flags.FaultLog!);
            log.Seek(0, SeekOrigin.End);
            string kind = injected switch { RandomFault.Hang => "hang", RandomFault.TornCrash => "torn-crash", _ => "crash" };
            log.Write(Encoding.UTF8.GetBytes($"{kind}\t{_process}\t{id}\t{(poison < _flags.PoisonRate ? "poison" : "random")}\n"));
        }

        return fault;
    }

    /// <summary>A number in [0, 1) fixed by the seed and the id, the same in every process (FNV-1a, then
    /// SplitMix64's finaliser so ids differing in one digit land far apart).</summary>
    private static double Uniform(int seed, string id)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(seed.ToString(CultureInfo.InvariantCulture) + "\t" + id))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        hash = unchecked((hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL);
        hash = unchecked((hash ^ (hash >> 27)) * 0x94D049BB133111EBUL);
        hash ^= hash >> 31;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>The log, held by this process alone (a server killed a moment ago may still hold it).</summary>
    private static FileStream OpenLog(string path)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < LockAttempts)
            {
                Thread.Sleep(10);
            }
        }
    }
}

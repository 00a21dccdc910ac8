using System;

namespace CosineParity.Oracle.Live;

/// <summary>How <see cref="LiveOracle"/> runs the server: the command, how many requests may wait for answers at
/// once, how long to wait for the hello and for each answer, how often to retry a case and to start a server, and how
/// long a closing server may take to finish.</summary>
public sealed class LiveOracleOptions
{
    /// <summary>How to start the server (default <c>python3 -m tforacle serve</c>).</summary>
    public LiveServerCommand Command { get; init; } = LiveServerCommand.Default;

    /// <summary>Requests sent and not yet answered, at most (default 16). The server answers one at a time; a few in
    /// flight keep it busy while the client writes and reads, and bound what a crash makes the client re-send.</summary>
    public int MaxInFlight { get; init; } = 16;

    /// <summary>How long a started server may take to say hello (default 120 s: TensorFlow and both Kerases load
    /// first, slowly on busy cores).</summary>
    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long the client waits for the next answer while a request is in flight, counted from the later of
    /// that request's sending and the previous answer (default 60 s; <c>exact</c> on large tensors is slow).</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a case is re-sent after the server failed on it (crashed, hung or answered garbage while
    /// it was first in line); it then fails with <see cref="LiveFailureReason.RetriesExhausted"/> (default 2). Cases
    /// behind it are re-sent without counting.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>Failed starts in a row (no process, no hello in time, a wrong hello, an exit before it) after which
    /// the waiting cases fail with <see cref="LiveFailureReason.StartFailed"/> (default 3).</summary>
    public int MaxStartAttempts { get; init; } = 3;

    /// <summary>How long a server whose stdin was closed may take to answer what it holds and exit (default 10 s);
    /// then it is killed.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest line the client reads from the server (default 1 GiB); a longer one is garbage.</summary>
    public int MaxLineBytes { get; init; } = 1 << 30;

    /// <summary>How much of the server's stderr is kept for failure details (default 16 KiB, the last bytes).</summary>
    public int StderrTailBytes { get; init; } = 16 * 1024;

    /// <summary>Called with each line the server writes to stderr (TensorFlow's logs), on a background thread; null
    /// to only keep the tail. Stderr is drained either way, so the server never blocks on it.</summary>
    public Action<string>? StderrLine { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count or time is out of range.</exception>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Command, nameof(Command));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInFlight, 1, nameof(MaxInFlight));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetries, 0, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStartAttempts, 1, nameof(MaxStartAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLineBytes, 1024, nameof(MaxLineBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(StderrTailBytes, nameof(StderrTailBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HelloTimeout, TimeSpan.Zero, nameof(HelloTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AnswerTimeout, TimeSpan.Zero, nameof(AnswerTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(ShutdownGrace, TimeSpan.Zero, nameof(ShutdownGrace));
    }
}

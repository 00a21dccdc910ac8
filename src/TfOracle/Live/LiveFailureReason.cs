namespace CosineParity.Oracle.Live;

/// <summary>Why the server gave a request no answer, once (<see cref="LiveFault"/>) or for good
/// (<see cref="LiveOutcome.FailureReason"/>).</summary>
public enum LiveFailureReason
{
    /// <summary>No answer within <see cref="LiveOracleOptions.AnswerTimeout"/>: the server hung (it was killed).</summary>
    Timeout,

    /// <summary>The server's stdout ended (it exited or closed it) before the answer.</summary>
    Crash,

    /// <summary>The line in the answer's place is not an answer (not JSON, not the protocol's shape, or not fitting
    /// the question).</summary>
    Garbage,

    /// <summary>The answer in the request's place echoes another id: the server's order cannot be trusted.</summary>
    WrongId,

    /// <summary>The server could not be started <see cref="LiveOracleOptions.MaxStartAttempts"/> times in a row.</summary>
    StartFailed,

    /// <summary>The server failed on the request once more than <see cref="LiveOracleOptions.MaxRetries"/> allows;
    /// each failure is in <see cref="LiveOutcome.Faults"/>.</summary>
    RetriesExhausted,

    /// <summary>The oracle was closed before the request was answered.</summary>
    Closed,
}

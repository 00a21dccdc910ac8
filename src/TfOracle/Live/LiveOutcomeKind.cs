namespace CosineParity.Oracle.Live;

/// <summary>How a request ended; every request ends exactly one way.</summary>
public enum LiveOutcomeKind
{
    /// <summary>The server answered with TF's outcome (a value, a TF error or a config).</summary>
    Answered,

    /// <summary>The server answered that the request is not a case (<c>protocol_error</c>).</summary>
    ProtocolError,

    /// <summary>No answer: see <see cref="LiveOutcome.FailureReason"/> and <see cref="LiveOutcome.Faults"/>.</summary>
    Failed,
}

namespace CosineParity.Oracle.Live;

/// <summary>One time the server failed on a request that was first in line (it is then restarted and the request
/// re-sent, or failed).</summary>
/// <param name="Reason">What went wrong: <see cref="LiveFailureReason.Timeout"/>, <see cref="LiveFailureReason.Crash"/>,
/// <see cref="LiveFailureReason.Garbage"/> or <see cref="LiveFailureReason.WrongId"/>.</param>
/// <param name="Detail">What the client saw (the exit code and the end of stderr, the offending line, ...).</param>
/// <param name="Server">Which server it was (1 for the first started).</param>
public sealed record LiveFault(LiveFailureReason Reason, string Detail, int Server)
{
    /// <summary>The reason and detail.</summary>
    public override string ToString() => $"{Reason} (server {Server}): {Detail}";
}

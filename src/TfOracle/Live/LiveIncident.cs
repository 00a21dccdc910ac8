namespace CosineParity.Oracle.Live;

/// <summary>Something that ended a server or its start: the client's log of restarts.</summary>
/// <param name="Server">Which server (1 for the first started).</param>
/// <param name="Reason">What happened.</param>
/// <param name="Detail">What the client saw.</param>
/// <param name="Request">The request first in line then (blamed for it), or null.</param>
public sealed record LiveIncident(int Server, LiveFailureReason Reason, string Detail, string? Request)
{
    /// <summary>The incident in one line.</summary>
    public override string ToString() => $"server {Server}: {Reason}{(Request is null ? "" : $" at {Request}")}: {Detail}";
}

using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Fuzzing;

/// <summary>One fuzz case judged: the port against the reference (or TF's live answer), and the graph.</summary>
/// <param name="Case">The question.</param>
/// <param name="Judged">Whether there was anything to judge the port by (false where the reference rejects
/// uncertainly and the port answers, or refuses too).</param>
/// <param name="PortFailure">Why the port failed, or null.</param>
/// <param name="PortErrorOverBound">The port's largest <c>|port - exact| / bound</c> over the value and gradients
/// (NaN when nothing numeric was judged).</param>
/// <param name="Graph">The graph's result.</param>
/// <param name="GraphCause">The known cause (manifest key) of an explained graph result, or what was wrong with an
/// unexplained one.</param>
/// <param name="GraphErrorOverBound">The graph's largest <c>|graph - exact| / bound</c> (NaN when not judged).</param>
public sealed record FuzzOutcome(ParityCase Case, bool Judged, string? PortFailure, double PortErrorOverBound, GraphResult Graph,
    string? GraphCause, double GraphErrorOverBound)
{
    /// <summary>Whether the port failed.</summary>
    public bool PortFailed => PortFailure is not null;

    /// <summary>Whether the case counts as a failure of the run (a port failure or an unexplained graph result).</summary>
    public bool Failed => PortFailed || Graph == GraphResult.Unexplained;
}

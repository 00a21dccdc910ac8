using System.Threading.Tasks;

namespace CosineParity.Oracle.Live;

/// <summary>One message to the oracle's loop: the loop alone changes its state, so everything else talks to it
/// through these.</summary>
internal sealed class LiveEvent
{
    private LiveEvent(LiveEventKind kind)
    {
        Kind = kind;
    }

    public LiveEventKind Kind { get; }

    public LivePending? Pending { get; private init; }

    public TaskCompletionSource<LiveHello>? Connecting { get; private init; }

    public LiveSession? Session { get; private init; }

    /// <summary>A line without its <c>\n</c>; null for a line too long to read.</summary>
    public byte[]? Line { get; private init; }

    public string? Detail { get; private init; }

    public static LiveEvent Submit(LivePending pending) => new(LiveEventKind.Submit) { Pending = pending };

    public static LiveEvent Connect(TaskCompletionSource<LiveHello> connecting) => new(LiveEventKind.Connect) { Connecting = connecting };

    public static LiveEvent LineRead(LiveSession session, byte[] line) => new(LiveEventKind.Line) { Session = session, Line = line };

    public static LiveEvent Overlong(LiveSession session, string detail) => new(LiveEventKind.Line) { Session = session, Detail = detail };

    public static LiveEvent End(LiveSession session, string? detail) => new(LiveEventKind.End) { Session = session, Detail = detail };

    public static LiveEvent Shutdown() => new(LiveEventKind.Shutdown);
}

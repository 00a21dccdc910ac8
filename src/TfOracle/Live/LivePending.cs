using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace CosineParity.Oracle.Live;

/// <summary>A submitted request until its outcome: queued, in flight, or re-queued after a restart. Only the
/// oracle's loop touches it, except <see cref="Cancel"/>.</summary>
internal sealed class LivePending(LiveRequest request)
{
    private int _canceled;

    public LiveRequest Request { get; } = request;

    /// <summary>Completes once; continuations run off the oracle's loop.</summary>
    public TaskCompletionSource<LiveOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<LiveFault> Faults { get; } = [];

    public int Sends { get; set; }

    /// <summary>The caller stopped waiting; a request not yet sent is then dropped.</summary>
    public bool Canceled => Volatile.Read(ref _canceled) != 0;

    public void Cancel() => Interlocked.Exchange(ref _canceled, 1);

    public void Fail(LiveFailureReason reason, string detail) =>
        Completion.TrySetResult(LiveOutcome.Failure(Request, reason, detail, Faults, Sends));
}

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Live;

/// <summary>
/// How one request ended: <see cref="LiveOutcomeKind.Answered"/> (TF's outcome: <see cref="Answer"/>, and for a
/// question <see cref="Answered"/>, the case with TF's answer), <see cref="LiveOutcomeKind.ProtocolError"/> (the server
/// refused the request: <see cref="ProtocolError"/>) or <see cref="LiveOutcomeKind.Failed"/> (no answer:
/// <see cref="FailureReason"/>, <see cref="FailureDetail"/>). <see cref="Faults"/> lists every time the server failed
/// on the request on the way, also when a retry was then answered.
/// </summary>
public sealed class LiveOutcome
{
    private LiveOutcome(LiveRequest request, LiveOutcomeKind kind, LiveAnswer? answer, ParityCase? answered, string? answerLine,
        LiveFailureReason? reason, string? detail, IReadOnlyList<LiveFault> faults, int sends)
    {
        Request = request;
        Kind = kind;
        Answer = answer;
        Answered = answered;
        AnswerLine = answerLine;
        FailureReason = reason;
        FailureDetail = detail;
        Faults = faults;
        Sends = sends;
    }

    /// <summary>The request.</summary>
    public LiveRequest Request { get; }

    /// <summary>How it ended.</summary>
    public LiveOutcomeKind Kind { get; }

    /// <summary>The decoded answer line (answered or refused), or null when it failed.</summary>
    public LiveAnswer? Answer { get; }

    /// <summary>For an answered question: the question with TF's answer, ready for a judge; else null.</summary>
    public ParityCase? Answered { get; }

    /// <summary>The answer line as the server wrote it (without <c>\n</c>), or null when it failed.</summary>
    public string? AnswerLine { get; }

    /// <summary>The server's message for a refused request, else null.</summary>
    public string? ProtocolError => Answer?.ProtocolError;

    /// <summary>Why a failed request got no answer, else null.</summary>
    public LiveFailureReason? FailureReason { get; }

    /// <summary>What the client saw when it gave up on the request, else null.</summary>
    public string? FailureDetail { get; }

    /// <summary>Each time the server failed on the request while it was first in line, in order.</summary>
    public IReadOnlyList<LiveFault> Faults { get; }

    /// <summary>How often the request was written to a server (more than once after restarts).</summary>
    public int Sends { get; }

    /// <summary>The request and how it ended, in one line.</summary>
    public override string ToString() => Kind switch
    {
        LiveOutcomeKind.Answered => $"{Request.Name}: answered ({Answer!.Expected!.Kind.ToString().ToLowerInvariant()})",
        LiveOutcomeKind.ProtocolError => $"{Request.Name}: protocol error: {ProtocolError}",
        _ => $"{Request.Name}: failed ({FailureReason}): {FailureDetail}",
    };

    internal static LiveOutcome FromAnswer(LiveRequest request, LiveAnswer answer, ParityCase? answered, string line,
        IReadOnlyList<LiveFault> faults, int sends) =>
        new(request, answer.IsProtocolError ? LiveOutcomeKind.ProtocolError : LiveOutcomeKind.Answered, answer, answered, line,
            null, null, Copy(faults), sends);

    internal static LiveOutcome Failure(LiveRequest request, LiveFailureReason reason, string detail, IReadOnlyList<LiveFault> faults, int sends) =>
        new(request, LiveOutcomeKind.Failed, null, null, null, reason, detail ?? throw new ArgumentNullException(nameof(detail)), Copy(faults), sends);

    private static ReadOnlyCollection<LiveFault> Copy(IReadOnlyList<LiveFault> faults) =>
        faults.Count == 0 ? ReadOnlyCollection<LiveFault>.Empty : new List<LiveFault>(faults).AsReadOnly();
}

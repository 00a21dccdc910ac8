using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Live;

/// <summary>
/// A client of the live oracle, <c>python -m tforacle serve</c>: it starts the server when there is work (or on
/// <see cref="ConnectAsync"/>), checks its hello, pipelines requests (at most <see cref="LiveOracleOptions.MaxInFlight"/>
/// unanswered), matches each answer to its request by order and checks the echoed id, and drains stderr. When the
/// server crashes, hangs (no answer in <see cref="LiveOracleOptions.AnswerTimeout"/>), writes garbage or a wrong id, the
/// request first in line is blamed, the server is killed and restarted, and every request in flight is re-sent in order;
/// a request blamed more than <see cref="LiveOracleOptions.MaxRetries"/> times fails. Every submitted request ends with
/// exactly one <see cref="LiveOutcome"/>: answered, protocol error, or failed with the reason. Thread-safe.
/// </summary>
/// <remarks>One loop owns all state; callers, the server's reader and its stderr drain talk to it through a channel.
/// So no answer can be matched to a request that is not first in line of the server that wrote it.</remarks>
public sealed class LiveOracle : IAsyncDisposable
{
    private const int ExcerptLength = 200;
    private const int StderrInDetail = 600;

    private readonly LiveOracleOptions _options;
    private readonly Channel<LiveEvent> _events = Channel.CreateUnbounded<LiveEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private readonly object _gate = new();
    private readonly List<LiveIncident> _incidents = [];
    private LiveHello? _hello;
    private int? _exitCode;
    private int _started;
    private string _stderr = string.Empty;
    private int _disposed;

    // The loop's own state.
    private readonly LinkedList<LivePending> _queue = new();
    private readonly LinkedList<LivePending> _inFlight = new();
    private readonly List<TaskCompletionSource<LiveHello>> _connecting = [];
    private readonly List<Task> _closing = [];
    private LiveSession? _session;
    private int _startFailures;
    private bool _shuttingDown;
    private long _headSince;
    private long _graceDeadline;

    /// <summary>A client; the server starts with the first request or <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">How to run the server; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public LiveOracle(LiveOracleOptions? options = null)
    {
        _options = options ?? new LiveOracleOptions();
        _options.Validate();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The options.</summary>
    public LiveOracleOptions Options => _options;

    /// <summary>The hello of the latest server that said it, or null.</summary>
    public LiveHello? Hello
    {
        get
        {
            lock (_gate)
            {
                return _hello;
            }
        }
    }

    /// <summary>Servers started so far (attempts included).</summary>
    public int ServersStarted
    {
        get
        {
            lock (_gate)
            {
                return _started;
            }
        }
    }

    /// <summary>The exit code of the last server that exited on its own after its stdin was closed, or null.</summary>
    public int? LastExitCode
    {
        get
        {
            lock (_gate)
            {
                return _exitCode;
            }
        }
    }

    /// <summary>Everything that ended a server or a start, in order.</summary>
    public IReadOnlyList<LiveIncident> Incidents
    {
        get
        {
            lock (_gate)
            {
                return _incidents.ToArray();
            }
        }
    }

    /// <summary>The end of the stderr of the last server that ended (up to <see cref="LiveOracleOptions.StderrTailBytes"/>).</summary>
    public string LastStderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr;
            }
        }
    }

    /// <summary>Starts a server if none runs and waits for its hello.</summary>
    /// <param name="cancellationToken">Stops the waiting (not the start).</param>
    /// <returns>The server's hello.</returns>
    /// <exception cref="LiveOracleException">The server failed to start <see cref="LiveOracleOptions.MaxStartAttempts"/>
    /// times in a row.</exception>
    /// <exception cref="ObjectDisposedException">The oracle is closed.</exception>
    public async Task<LiveHello> ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connecting = new TaskCompletionSource<LiveHello>(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!_events.Writer.TryWrite(LiveEvent.Connect(connecting)), this);

        return await connecting.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks one question.</summary>
    /// <param name="question">The case; its answer is not sent.</param>
    /// <param name="want">What to ask for beyond the value.</param>
    /// <param name="cancellationToken">Stops the waiting; a request not yet sent is dropped, one in flight is still
    /// answered (so the answers after it stay in place) and its outcome discarded.</param>
    /// <returns>How it ended.</returns>
    public Task<LiveOutcome> AskAsync(ParityCase question, LiveWants want = LiveWants.None, CancellationToken cancellationToken = default) =>
        AskAsync(LiveRequest.For(question, want), cancellationToken);

    /// <summary>Sends one request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Stops the waiting, as for <see cref="AskAsync(ParityCase, LiveWants, CancellationToken)"/>.</param>
    /// <returns>How it ended: never faulted, canceled only through <paramref name="cancellationToken"/>.</returns>
    /// <exception cref="ObjectDisposedException">The oracle is closed.</exception>
    public Task<LiveOutcome> AskAsync(LiveRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<LiveOutcome>(cancellationToken);
        }

        var pending = new LivePending(request);
        ObjectDisposedException.ThrowIf(!_events.Writer.TryWrite(LiveEvent.Submit(pending)), this);

        return cancellationToken.CanBeCanceled ? WaitAsync(pending, cancellationToken) : pending.Completion.Task;
    }

    /// <summary>Sends many requests, keeping the server busy, and yields their outcomes in the order given.</summary>
    /// <param name="requests">The requests, read as the outcomes are consumed (a few windows ahead).</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    public async IAsyncEnumerable<LiveOutcome> AskAllAsync(IEnumerable<LiveRequest> requests,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var window = new Queue<Task<LiveOutcome>>();
        int ahead = Math.Max(2 * _options.MaxInFlight, 4);
        foreach (LiveRequest request in requests)
        {
            window.Enqueue(AskAsync(request, cancellationToken));
            if (window.Count >= ahead)
            {
                yield return await window.Dequeue().ConfigureAwait(false);
            }
        }

        while (window.Count > 0)
        {
            yield return await window.Dequeue().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the server's stdin and waits for it to answer what it holds and exit (killing it after
    /// <see cref="LiveOracleOptions.ShutdownGrace"/>); requests not yet sent fail with
    /// <see cref="LiveFailureReason.Closed"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _events.Writer.TryWrite(LiveEvent.Shutdown());
        }

        await _loop.ConfigureAwait(false);
    }

    private static async Task<LiveOutcome> WaitAsync(LivePending pending, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(pending.Cancel))
        {
            return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static long Now => Environment.TickCount64;

    private static long After(TimeSpan span) => Now + (long)Math.Min(span.TotalMilliseconds, long.MaxValue / 4);

    private async Task RunAsync()
    {
        try
        {
            await LoopAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a bug in the loop must still give every request an outcome
        catch (Exception e)
#pragma warning restore CA1031
        {
            FailEverything($"the oracle's loop failed: {e}");
        }
        finally
        {
            _events.Writer.TryComplete();
            while (_events.Reader.TryRead(out LiveEvent? late))
            {
                late.Pending?.Fail(LiveFailureReason.Closed, "submitted as the oracle closed");
                late.Connecting?.TrySetException(new ObjectDisposedException(nameof(LiveOracle)));
            }

            FailEverything("the oracle closed");
            if (_session is not null)
            {
                EndSession(kill: true);
            }

            await Task.WhenAll(_closing).ConfigureAwait(false);   // CloseAsync never throws
        }
    }

    private async Task LoopAsync()
    {
        while (!(_shuttingDown && _session is null))
        {
            if (_session is null && !_shuttingDown && NeedsServer())
            {
                StartServer();
                continue;
            }

            if (_session is { Ready: true } && !_shuttingDown)
            {
                Fill(_session);
            }

            LiveEvent? next = await NextAsync(Deadline()).ConfigureAwait(false);
            if (next is null)
            {
                OnDeadline();
            }
            else
            {
                await OnEventAsync(next).ConfigureAwait(false);
            }
        }
    }

    private bool NeedsServer()
    {
        for (LinkedListNode<LivePending>? node = _queue.First; node is not null;)
        {
            LinkedListNode<LivePending>? next = node.Next;
            if (node.Value.Canceled)
            {
                _queue.Remove(node);
                node.Value.Completion.TrySetCanceled();
            }

            node = next;
        }

        return _queue.Count > 0 || _connecting.Count > 0;
    }

    private void StartServer()
    {
        int number;
        lock (_gate)
        {
            number = ++_started;
        }

        try
        {
            _session = LiveSession.Start(number, _options, _events.Writer);
            _session.HelloDeadline = After(_options.HelloTimeout);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException or PlatformNotSupportedException)
        {
            _session = null;
            StartFailed(number, $"could not start {_options.Command}: {e.Message}");
        }
    }

    private void Fill(LiveSession session)
    {
        while (_inFlight.Count < _options.MaxInFlight && _queue.First is { } node)
        {
            _queue.RemoveFirst();
            LivePending pending = node.Value;
            if (pending.Canceled)
            {
                pending.Completion.TrySetCanceled();
                continue;
            }

            if (_inFlight.Count == 0)
            {
                _headSince = Now;
            }

            _inFlight.AddLast(pending);
            pending.Sends++;
            session.Send(pending.Request.Utf8Line);
        }
    }

    private long? Deadline()
    {
        if (_session is not { } session)
        {
            return null;
        }

        long? deadline = !session.Ready ? session.HelloDeadline
            : _inFlight.Count > 0 ? _headSince + (long)Math.Min(_options.AnswerTimeout.TotalMilliseconds, long.MaxValue / 4)
            : null;
        return _shuttingDown ? Math.Min(deadline ?? long.MaxValue, _graceDeadline) : deadline;
    }

    private async Task<LiveEvent?> NextAsync(long? deadline)
    {
        if (_events.Reader.TryRead(out LiveEvent? ready))
        {
            return ready;
        }

        if (deadline is null)
        {
            return await _events.Reader.ReadAsync().ConfigureAwait(false);
        }

        long remaining = deadline.Value - Now;
        if (remaining <= 0)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(remaining));
        try
        {
            return await _events.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return null;
        }
    }

    private void OnDeadline()
    {
        LiveSession session = _session!;
        if (_shuttingDown && Now >= _graceDeadline)
        {
            Incident(session.Number, LiveFailureReason.Closed, $"still running {_options.ShutdownGrace.TotalSeconds:0.###} s after its stdin closed: killed",
                _inFlight.First?.Value.Request.Name);
            FailInFlight(LiveFailureReason.Closed, $"not answered within the {_options.ShutdownGrace.TotalSeconds:0.###} s the closing server had");
            EndSession(kill: true);
        }
        else if (!session.Ready)
        {
            StartFailed(session.Number, $"no hello within {_options.HelloTimeout.TotalSeconds:0.###} s{StderrOf(session)}");
        }
        else
        {
            Fault(LiveFailureReason.Timeout, $"no answer within {_options.AnswerTimeout.TotalSeconds:0.###} s (killed){StderrOf(session)}");
        }
    }

    private async Task OnEventAsync(LiveEvent next)
    {
        switch (next.Kind)
        {
            case LiveEventKind.Submit:
                if (_shuttingDown)
                {
                    next.Pending!.Fail(LiveFailureReason.Closed, "submitted as the oracle closed");
                }
                else
                {
                    _queue.AddLast(next.Pending!);
                }

                break;
            case LiveEventKind.Connect:
                if (_shuttingDown)
                {
                    next.Connecting!.TrySetException(new ObjectDisposedException(nameof(LiveOracle)));
                }
                else if (_session is { Ready: true })
                {
                    next.Connecting!.TrySetResult(Hello!);
                }
                else
                {
                    _connecting.Add(next.Connecting!);
                }

                break;
            case LiveEventKind.Shutdown:
                BeginShutdown();
                break;
            case LiveEventKind.Line when next.Session == _session:
                OnLine(next.Session!, next.Line, next.Detail);
                break;
            case LiveEventKind.End when next.Session == _session:
                await OnEndAsync(next.Session!, next.Detail).ConfigureAwait(false);
                break;
            default:
                break;   // a line or end of a server already given up
        }
    }

    private void OnLine(LiveSession session, byte[]? line, string? overlong)
    {
        if (!session.Ready)
        {
            string? problem = overlong;
            if (line is not null && LiveCodec.TryDecodeHello(line, out LiveHello? hello, out problem))
            {
                session.Ready = true;
                _startFailures = 0;
                lock (_gate)
                {
                    _hello = hello;
                }

                foreach (TaskCompletionSource<LiveHello> connecting in _connecting)
                {
                    connecting.TrySetResult(hello);
                }

                _connecting.Clear();
            }
            else
            {
                StartFailed(session.Number, line is null ? $"the first line: {problem}" : $"the first line is not the hello: {problem}: {Excerpt(line)}");
            }

            return;
        }

        if (_inFlight.First is not { } first)
        {
            Incident(session.Number, LiveFailureReason.Garbage, $"a line with no request in flight: {(line is null ? overlong : Excerpt(line))}", null);
            EndSession(kill: true);
            return;
        }

        LivePending head = first.Value;
        if (line is null)
        {
            Fault(LiveFailureReason.Garbage, overlong!);
            return;
        }

        if (!LiveCodec.TryDecodeAnswer(line, out LiveAnswer? answer, out string? garbage))
        {
            Fault(LiveFailureReason.Garbage, $"{garbage}: {Excerpt(line)}");
            return;
        }

        if (!LiveCodec.IdsMatch(head.Request.EchoId, answer.Id))
        {
            Fault(LiveFailureReason.WrongId,
                $"the answer carries id {answer.Id?.ToJsonString() ?? "null"} where {head.Request.EchoId?.ToJsonString() ?? "null"} was due: {Excerpt(line)}");
            return;
        }

        ParityCase? answered = null;
        if (!answer.IsProtocolError && head.Request.Case is { } question && !answer.TryComplete(question, out answered, out string? misfit))
        {
            Fault(LiveFailureReason.Garbage, $"the answer does not fit its request: {misfit}: {Excerpt(line)}");
            return;
        }

        _inFlight.RemoveFirst();
        _headSince = Now;
        head.Completion.TrySetResult(LiveOutcome.FromAnswer(head.Request, answer, answered, Encoding.UTF8.GetString(line), head.Faults, head.Sends));
    }

    private async Task OnEndAsync(LiveSession session, string? detail)
    {
        int? code = await session.ExitCodeAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        string what = $"its stdout ended{(detail is null ? "" : $" ({detail})")}, exit code {(code is { } c ? c.ToString(CultureInfo.InvariantCulture) : "none yet (killed)")}{StderrOf(session)}";
        if (!session.Ready)
        {
            StartFailed(session.Number, $"no hello: {what}");
        }
        else if (_shuttingDown)
        {
            lock (_gate)
            {
                _exitCode = code;
            }

            if (_inFlight.Count > 0)
            {
                Incident(session.Number, LiveFailureReason.Crash, $"while closing: {what}", _inFlight.First!.Value.Request.Name);
                FailInFlight(LiveFailureReason.Crash, $"the closing server ended before answering: {what}");
            }

            EndSession(kill: code is null);
        }
        else if (_inFlight.Count > 0)
        {
            Fault(LiveFailureReason.Crash, what);
        }
        else
        {
            Incident(session.Number, LiveFailureReason.Crash, $"with nothing in flight: {what}", null);
            EndSession(kill: true);
        }
    }

    /// <summary>The server failed on the request first in line: blame it, restart, re-send what was in flight.</summary>
    private void Fault(LiveFailureReason reason, string detail)
    {
        LiveSession session = _session!;
        LivePending head = _inFlight.First!.Value;
        Incident(session.Number, reason, detail, head.Request.Name);
        head.Faults.Add(new LiveFault(reason, detail, session.Number));
        EndSession(kill: true);
        if (_shuttingDown)
        {
            _inFlight.RemoveFirst();
            head.Fail(reason, detail);
            FailInFlight(LiveFailureReason.Closed, "in flight when the closing server failed");
            return;
        }

        // Back to the front of the queue, in their order: the next server gets them first.
        for (LinkedListNode<LivePending>? node = _inFlight.Last; node is not null; node = node.Previous)
        {
            _queue.AddFirst(node.Value);
        }

        _inFlight.Clear();
        if (head.Faults.Count > _options.MaxRetries)
        {
            _queue.Remove(head);
            head.Fail(head.Faults.Count > 1 ? LiveFailureReason.RetriesExhausted : reason,
                head.Faults.Count > 1 ? $"the server failed on it {head.Faults.Count} times; the last: {reason}: {detail}" : detail);
        }
    }

    private void StartFailed(int server, string detail)
    {
        Incident(server, LiveFailureReason.StartFailed, detail, null);
        if (_session is not null)
        {
            EndSession(kill: true);
        }

        // Nothing is sent before the hello, but be sure nothing is stranded in flight.
        for (LinkedListNode<LivePending>? node = _inFlight.Last; node is not null; node = node.Previous)
        {
            _queue.AddFirst(node.Value);
        }

        _inFlight.Clear();
        if (++_startFailures < _options.MaxStartAttempts)
        {
            return;
        }

        string why = $"the server failed to start {_startFailures} time{(_startFailures == 1 ? "" : "s")} in a row ({_options.Command}); the last time: {detail}";
        _startFailures = 0;
        foreach (LivePending pending in _queue)
        {
            pending.Fail(LiveFailureReason.StartFailed, why);
        }

        _queue.Clear();
        foreach (TaskCompletionSource<LiveHello> connecting in _connecting)
        {
            connecting.TrySetException(new LiveOracleException(why));
        }

        _connecting.Clear();
    }

    private void BeginShutdown()
    {
        _shuttingDown = true;
        foreach (LivePending pending in _queue)
        {
            pending.Fail(LiveFailureReason.Closed, "the oracle closed before it was sent");
        }

        _queue.Clear();
        foreach (TaskCompletionSource<LiveHello> connecting in _connecting)
        {
            connecting.TrySetException(new ObjectDisposedException(nameof(LiveOracle)));
        }

        _connecting.Clear();
        if (_session is { } session)
        {
            if (session.Ready)
            {
                _graceDeadline = After(_options.ShutdownGrace);
                session.CloseInput();   // the server answers what it holds, then exits 0
            }
            else
            {
                EndSession(kill: true);
            }
        }
    }

    private void EndSession(bool kill)
    {
        LiveSession session = _session!;
        _session = null;
        if (kill)
        {
            session.Kill();
        }
        else
        {
            session.CloseInput();
        }

        lock (_gate)
        {
            _stderr = session.Stderr.ToString();
        }

        _closing.RemoveAll(task => task.IsCompleted);
        _closing.Add(session.CloseAsync());
    }

    private void FailInFlight(LiveFailureReason reason, string detail)
    {
        foreach (LivePending pending in _inFlight)
        {
            pending.Fail(reason, detail);
        }

        _inFlight.Clear();
    }

    private void FailEverything(string detail)
    {
        FailInFlight(LiveFailureReason.Closed, detail);
        foreach (LivePending pending in _queue)
        {
            pending.Fail(LiveFailureReason.Closed, detail);
        }

        _queue.Clear();
        foreach (TaskCompletionSource<LiveHello> connecting in _connecting)
        {
            connecting.TrySetException(new ObjectDisposedException(nameof(LiveOracle), detail));
        }

        _connecting.Clear();
    }

    private void Incident(int server, LiveFailureReason reason, string detail, string? request)
    {
        lock (_gate)
        {
            _incidents.Add(new LiveIncident(server, reason, detail, request));
        }
    }

    private static string StderrOf(LiveSession session) =>
        session.Stderr.Total == 0 ? "; stderr empty" : $"; stderr ends: {session.Stderr.Last(StderrInDetail)}";

    private static string Excerpt(byte[] line)
    {
        string text = Encoding.UTF8.GetString(line, 0, Math.Min(line.Length, ExcerptLength * 4));
        return text.Length <= ExcerptLength && line.Length <= ExcerptLength * 4 ? text : text[..Math.Min(text.Length, ExcerptLength)] + "...";
    }
}

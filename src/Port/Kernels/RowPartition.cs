using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace CosineParity;

/// <summary>
/// Large dense row sums on two cores: the caller sums the first half of the rows while one dedicated background
/// worker sums the second. Rows are independent and both halves run the same width, so every row's sums are the
/// ones a single thread gives. The only unsafe code of the library (docs/decisions.md): spans cannot be handed to
/// another thread, so the inputs and outputs are pinned for the call and the worker rebuilds spans from pointers.
/// One worker, started on first use and reused; while another call holds it, a call runs on its own thread alone.
/// After the first call nothing is allocated: the job object is cached per element types and the handshake is two
/// <see cref="ManualResetEventSlim"/>s.
/// </summary>
internal static unsafe class RowPartition
{
    /// <summary>
    /// Elements per input from which splitting pays: waking the worker costs some microseconds, while 2^20 floats
    /// (4 MiB per input) take about half a millisecond on one core, so below this the handshake is no longer small
    /// against the half it saves (docs/benchmarks.md).
    /// </summary>
    public const long MinimumElements = 1L << 20;

    private static readonly ManualResetEventSlim s_start = new(false), s_done = new(false);
    private static int s_busy;
    private static Thread? s_worker;
    private static Job? s_job;

    /// <summary>Whether the worker thread has been started (tests check that a split happened).</summary>
    internal static bool WorkerStarted => Volatile.Read(ref s_worker) is not null;

    /// <summary>Whether a dense row sum over <paramref name="elements"/> elements per input is split.</summary>
    // Stryker disable once Equality : equivalent on every machine of two or more cores; only a one-core machine would split
    public static bool Splits(long elements) => elements >= MinimumElements && KernelSwitch.SplitRows && Environment.ProcessorCount > 1;

    /// <summary>The three sums of every dense row, the rows split in halves over this thread and the worker.</summary>
    public static void Three<TT, TP, TAcc>(
        int vectorBits, ReadOnlySpan<TT> t, RowLayout tLayout, ReadOnlySpan<TP> p, RowLayout pLayout,
        Span<double> tt, Span<double> pp, Span<double> tp)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    {
        int rows = tLayout.RowCount, half = rows / 2;
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            RowSums<TAcc>.ContiguousRows(vectorBits, t, tLayout, p, pLayout, 0, rows, tt, pp, tp);
            return;
        }

        try
        {
            StartWorkerOnce();
            Job<TT, TP, TAcc> job = Job<TT, TP, TAcc>.Instance;
            Exception? workerFailure;
            fixed (byte* tStart = &AsBytes(t), pStart = &AsBytes(p))
            fixed (double* ttStart = tt, ppStart = pp, tpStart = tp)
            {
                job.Set(vectorBits, tStart, t.Length, tLayout, pStart, p.Length, pLayout, ttStart, ppStart, tpStart, tt.Length, pp.Length, tp.Length, half, rows);
                s_job = job;
                s_done.Reset();
                s_start.Set();
                try
                {
                    RowSums<TAcc>.ContiguousRows(vectorBits, t, tLayout, p, pLayout, 0, half, tt, pp, tp);
                }
                finally
                {
                    s_done.Wait();   // the worker reads the pinned spans until it signals: never unpin before
                    workerFailure = job.Finish();
                }
            }

            if (workerFailure is not null)
            {
                ExceptionDispatchInfo.Throw(workerFailure);
            }
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static ref byte AsBytes<T>(ReadOnlySpan<T> span) => ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(span));

    /// <summary>Called only by the holder of <see cref="s_busy"/>, so at most one worker is ever started.</summary>
    private static void StartWorkerOnce()
    {
        if (s_worker is null)
        {
            // Stryker disable once Initializer,Boolean,String : the worker starts once per process (see below); killed by hand by KernelsMutationTests.The_worker_is_a_named_background_thread
            var worker = new Thread(WorkerLoop) { IsBackground = true, Name = "CosineParity row sums" };
            worker.Start();
            // Stryker disable once Statement : the worker starts once per process, under whichever mutant is active then, so no per-mutant run reaches it; killed by hand (MUTATION.md)
            Volatile.Write(ref s_worker, worker);
        }
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            s_start.Wait();
            s_start.Reset();
            s_job!.Run();
            s_done.Set();
        }
    }

    /// <summary>The worker's half of one call; <see cref="Run"/> never throws (a failure is kept for the caller).</summary>
    private abstract class Job
    {
        private Exception? _failure;

        public void Run()
        {
            try
            {
                RunRows();
            }
#pragma warning disable CA1031 // any failure on the worker belongs to the caller, who rethrows it
            catch (Exception e)
#pragma warning restore CA1031
            {
                _failure = e;
            }
        }

        /// <summary>After the worker has signalled: forgets the call's pointers and layouts, and hands over the
        /// worker's failure, if any, for the caller to rethrow (one the caller's own exception supersedes).</summary>
        public Exception? Finish()
        {
            Forget();
            Exception? failure = _failure;
            _failure = null;
            return failure;
        }

        protected abstract void RunRows();

        protected abstract void Forget();
    }

    private sealed class Job<TT, TP, TAcc> : Job
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    {
        public static readonly Job<TT, TP, TAcc> Instance = new();

        private int _vectorBits, _tLength, _pLength, _ttLength, _ppLength, _tpLength, _firstRow, _endRow;
        private byte* _t, _p;
        private double* _tt, _pp, _tp;
        private RowLayout? _tLayout, _pLayout;

        public void Set(
            int vectorBits, byte* t, int tLength, RowLayout tLayout, byte* p, int pLength, RowLayout pLayout,
            double* tt, double* pp, double* tp, int ttLength, int ppLength, int tpLength, int firstRow, int endRow)
        {
            _vectorBits = vectorBits;
            _t = t;
            _tLength = tLength;
            _tLayout = tLayout;
            _p = p;
            _pLength = pLength;
            _pLayout = pLayout;
            _tt = tt;
            _pp = pp;
            _tp = tp;
            _ttLength = ttLength;
            _ppLength = ppLength;
            _tpLength = tpLength;
            _firstRow = firstRow;
            _endRow = endRow;
        }

        protected override void Forget()
        {
            _t = _p = null;
            _tt = _pp = _tp = null;
            _tLayout = _pLayout = null;
        }

        protected override void RunRows()
        {
            // The spans the caller passed, lengths included, so the worker's indexing is as bounds-checked as the caller's.
            RowSums<TAcc>.ContiguousRows(
                _vectorBits,
                new ReadOnlySpan<TT>(_t, _tLength), _tLayout!, new ReadOnlySpan<TP>(_p, _pLength), _pLayout!, _firstRow, _endRow,
                new Span<double>(_tt, _ttLength), new Span<double>(_pp, _ppLength), new Span<double>(_tp, _tpLength));
        }
    }
}

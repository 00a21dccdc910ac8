using System;
using System.Linq;
using System.Threading;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>
/// Dense inputs at or above <see cref="RowPartition.MinimumElements"/> split their rows over the caller and the worker
/// thread: the per-row losses must be the bits a single thread gives (at every vector width, which the worker must
/// take from the caller), a repeated call must allocate nothing on the calling thread, and calls from several threads
/// at once must each get their own results.
/// </summary>
[Collection(Collection)]
public sealed class RowPartitionTests
{
    /// <summary>The tests that split calls over the one worker run one at a time (some check that the worker, not
    /// a call running alone because another holds it, computed a half).</summary>
    public const string Collection = "RowPartition worker";

    private const int Rows = 2048, Columns = 1024;   // 2^21 elements per input, above the split threshold

    private static readonly nint[] Shape = [Rows, Columns];

    public static TheoryData<string, int> ProfilesAndWidths => new()
    {
        { "keras2", 512 }, { "keras3", 512 }, { "keras3", 256 }, { "keras3", 128 },
    };

    [Fact]
    public void The_test_size_is_split()
    {
        Assert.True(RowPartition.Splits((long)Rows * Columns));
        Assert.False(RowPartition.Splits(RowPartition.MinimumElements - 1));
    }

    [Theory]
    [MemberData(nameof(ProfilesAndWidths))]
    public void Two_threads_give_the_per_row_losses_of_one_bit_for_bit(string profile, int vectorBits)
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Parse(profile), reduction: LossReduction.None);
        KernelSwitch.MaxVectorBits = vectorBits;
        try
        {
            foreach (int seed in new[] { 1, 2 })
            {
                (float[] t, float[] p) = Inputs(seed);
                float[] split = Losses(loss, t, p, splitRows: true);
                Assert.True(RowPartition.WorkerStarted);
                float[] single = Losses(loss, t, p, splitRows: false);
                for (int row = 0; row < Rows; row++)
                {
                    Assert.True(
                        BitConverter.SingleToInt32Bits(single[row]) == BitConverter.SingleToInt32Bits(split[row]),
                        $"{profile} {vectorBits}-bit seed {seed} row {row}: two threads {split[row]:R}, one {single[row]:R}");
                }
            }
        }
        finally
        {
            KernelSwitch.MaxVectorBits = 512;
        }
    }

    [Fact]
    public void A_repeated_split_call_allocates_nothing_on_the_calling_thread()
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Keras3);
        (float[] t, float[] p) = Inputs(3);
        var destination = new float[1];
        for (int i = 0; i < 3; i++)
        {
            loss.Compute<float, float, float>(t, Shape, p, Shape, destination);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        loss.Compute<float, float, float>(t, Shape, p, Shape, destination);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(RowPartition.WorkerStarted);
    }

    /// <summary>Outputs one row short: the caller's half fits, the worker's last row does not, and the worker's
    /// exception must surface on the caller (and leave the worker usable).</summary>
    [Fact]
    public void An_exception_on_the_worker_is_rethrown_on_the_caller()
    {
        (float[] t, float[] p) = Inputs(4);
        RowLayout layout = RowLayout.Create([Rows, Columns], [Columns, 1], [1]);
        var sums = new double[3 * (Rows - 1)];
        Assert.Throws<IndexOutOfRangeException>(() => RowPartition.Three<float, float, float>(
            KernelSwitch.VectorBits, t, layout, p, layout, sums.AsSpan(0, Rows - 1), sums.AsSpan(Rows - 1, Rows - 1), sums.AsSpan(2 * (Rows - 1))));

        var loss = new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.None);
        Assert.Equal(Losses(loss, t, p, splitRows: false), Losses(loss, t, p, splitRows: true));
    }

    /// <summary>Four threads, each with its own data, call at once (one wins the worker, the others run alone).</summary>
    [Fact]
    public void Four_threads_calling_at_once_each_get_their_own_losses()
    {
        const int callers = 4, calls = 5;
        var loss = new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.None);
        (float[] T, float[] P)[] inputs = [.. Enumerable.Range(10, callers).Select(Inputs)];
        float[][] expected = [.. inputs.Select(input => Losses(loss, input.T, input.P, splitRows: false))];
        var mismatches = new int[callers];
        Exception?[] failures = new Exception?[callers];
        using var barrier = new Barrier(callers);
        Thread[] threads = [.. Enumerable.Range(0, callers).Select(caller => new Thread(() =>
        {
            try
            {
                barrier.SignalAndWait();
                for (int call = 0; call < calls; call++)
                {
                    float[] actual = Losses(loss, inputs[caller].T, inputs[caller].P, splitRows: true);
                    mismatches[caller] += actual.Where((value, row) => BitConverter.SingleToInt32Bits(value) != BitConverter.SingleToInt32Bits(expected[caller][row])).Count();
                }
            }
            catch (Exception e)
            {
                failures[caller] = e;
            }
        }))];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.All(failures, failure => Assert.Null(failure));
        Assert.All(mismatches, count => Assert.Equal(0, count));
    }

    private static float[] Losses(CosineSimilarityLoss loss, float[] t, float[] p, bool splitRows)
    {
        var losses = new float[Rows];
        KernelSwitch.SplitRows = splitRows;
        try
        {
            loss.Compute<float, float, float>(t, Shape, p, Shape, losses);
        }
        finally
        {
            KernelSwitch.SplitRows = true;
        }

        return losses;
    }

    /// <summary>Uniform values in [-1, 1), another row scale every row.</summary>
    private static (float[] T, float[] P) Inputs(int seed)
    {
        var random = new Random(seed);
        float[] t = new float[Rows * Columns], p = new float[Rows * Columns];
        for (int i = 0; i < t.Length; i++)
        {
            float scale = MathF.ScaleB(1, ((i / Columns) % 13) - 6);
            t[i] = ((random.NextSingle() * 2) - 1) * scale;
            p[i] = (random.NextSingle() * 2) - 1;
        }

        return (t, p);
    }
}

using System;
using System.Collections.Concurrent;
using System.Threading;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>
/// The metric's guarantee for concurrent calls: updates are serialized, so the state after them is the state after
/// some sequential order of the same updates, and a reader never sees half an update.
/// </summary>
public sealed class MetricThreadSafetyTests
{
    private const int Threads = 8;
    private const int UpdatesPerThread = 100;

    // One-hot rows give cosines of exactly 0 or 1 and the weights are small integers, so every contribution, every
    // partial sum and the count are integers below 2^53: any order of the additions gives the same bits. A lost or
    // doubled update, or one whose total landed without its count, changes the result.
    [Theory]
    [InlineData("keras2")]
    [InlineData("keras3")]
    public void ConcurrentUpdatesEqualASequentialReplayExactlyWhenTheSumsAreExact(string profile)
    {
        var concurrent = new CosineSimilarityMetric(KerasProfile.Parse(profile), dtype: "float64");
        RunConcurrently((thread, k) => OneHotUpdate(concurrent, thread, k));

        var sequential = new CosineSimilarityMetric(KerasProfile.Parse(profile), dtype: "float64");
        for (int thread = 0; thread < Threads; thread++)
        {
            for (int k = 0; k < UpdatesPerThread; k++)
            {
                OneHotUpdate(sequential, thread, k);
            }
        }

        Assert.Equal(sequential.Result(), concurrent.Result());
    }

    // Random float32 batches: orders differ by rounding only. Each update adds c_i to total (|c_i| <= its sample count,
    // the cosines being at most 1 up to rounding) and an exact integer to count. Summing n terms in any order lands
    // within gamma(n-1) * sum|c_i| of the exact sum, so two orders differ by at most 2 gamma(n-1) * sum|c_i|; divided by
    // the count (= sum of the sample counts >= sum|c_i| / (1 + 2^-20)), plus the final division's rounding of each.
    [Theory]
    [InlineData("keras2")]
    [InlineData("keras3")]
    public void ConcurrentUpdatesEqualASequentialReplayWithinTheRoundingBound(string profile)
    {
        float[][] batches = RandomBatches(Threads * UpdatesPerThread, seed: 15);
        var concurrent = new CosineSimilarityMetric(KerasProfile.Parse(profile));
        RunConcurrently((thread, k) => RandomUpdate(concurrent, batches[(thread * UpdatesPerThread) + k]));

        var sequential = new CosineSimilarityMetric(KerasProfile.Parse(profile));
        foreach (float[] batch in batches)
        {
            RandomUpdate(sequential, batch);
        }

        int n = Threads * UpdatesPerThread;
        double u = Math.ScaleB(1, -24);
        double gamma = (n - 1) * u / (1 - ((n - 1) * u));
        double bound = (2 * gamma * (1 + Math.ScaleB(1, -20))) + (2 * u);
        double difference = Math.Abs(concurrent.Result() - sequential.Result());
        Assert.True(difference <= bound, $"concurrent {concurrent.Result()} vs sequential {sequential.Result()}: {difference} > {bound}");
    }

    // Every update adds equal amounts to total and count (cosines of 1, weight 1), so any consistent state reads 0
    // (nothing yet) or exactly 1; a reader that saw total without count would read something else.
    [Fact]
    public void AReaderNeverSeesHalfAnUpdate()
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Keras3);
        long reads = 0;
        double? torn = null;
        using var done = new CancellationTokenSource();
        var reader = new Thread(() =>
        {
            while (!done.IsCancellationRequested)
            {
                double value = metric.Result();
                reads++;
                torn ??= value is 0 or 1 ? null : value;
            }
        });
        reader.Start();
        RunConcurrently((_, _) =>
        {
            float[] rows = [1, 0, 0, 1, 1, 0];
            metric.Update(new ShapedSpan<float>(rows, [3, 2]), new ShapedSpan<float>(rows, [3, 2]));
        });
        done.Cancel();
        reader.Join();

        Assert.True(reads > 0);
        Assert.Null(torn);
        Assert.Equal(1.0, metric.Result());
    }

    /// <summary>Runs <paramref name="update"/>(thread, k) for k = 0.. on <see cref="Threads"/> threads released together.</summary>
    private static void RunConcurrently(Action<int, int> update)
    {
        using var start = new Barrier(Threads);
        var workers = new Thread[Threads];
        var failures = new ConcurrentQueue<Exception>();
        for (int t = 0; t < Threads; t++)
        {
            int thread = t;
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    for (int k = 0; k < UpdatesPerThread; k++)
                    {
                        update(thread, k);
                    }
                }
#pragma warning disable CA1031 // an exception on a worker is the test's failure, reported below
                catch (Exception error)
#pragma warning restore CA1031
                {
                    failures.Enqueue(error);
                }
            });
            workers[t].Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        Assert.Empty(failures);
    }

    /// <summary>Three one-hot rows, same or swapped (cosine 1 or 0), weighted 1 to 4.</summary>
    private static void OneHotUpdate(CosineSimilarityMetric metric, int thread, int k)
    {
        var yTrue = new double[6];
        var yPred = new double[6];
        var weights = new double[3];
        for (int row = 0; row < 3; row++)
        {
            int hot = (thread + row) % 2;
            bool same = (k + row) % 3 != 0;
            yTrue[(2 * row) + hot] = 1;
            yPred[(2 * row) + (same ? hot : 1 - hot)] = 1;
            weights[row] = 1 + ((thread + k + row) % 4);
        }

        metric.Update(
            new ShapedSpan<double>(yTrue, [3, 2]), new ShapedSpan<double>(yPred, [3, 2]),
            SampleWeight<double>.Tensor(new ShapedSpan<double>(weights, [3])));
    }

    /// <summary>A [4, 8] y_true and y_pred, one after the other in one array.</summary>
    private static void RandomUpdate(CosineSimilarityMetric metric, float[] batch) =>
        metric.Update(new ShapedSpan<float>(batch.AsSpan(0, 32), [4, 8]), new ShapedSpan<float>(batch.AsSpan(32), [4, 8]));

    private static float[][] RandomBatches(int count, int seed)
    {
        var random = new Random(seed);
        var batches = new float[count][];
        for (int i = 0; i < count; i++)
        {
            batches[i] = new float[64];
            for (int j = 0; j < 64; j++)
            {
                batches[i][j] = (float)((random.NextDouble() * 2) - 1);
            }
        }

        return batches;
    }
}

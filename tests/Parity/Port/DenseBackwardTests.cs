using System;
using System.Collections.Generic;
using System.Numerics;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Reference;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>The SIMD backward pass (<see cref="FusedBackward"/>, with <see cref="DenseBackward"/> for the rows outside
/// its fused form) and the exact per-op path it replaces, each judged by
/// the exact reference's bound on every row length 0..256 with planted zero, NaN, infinite, clamped and overflowing
/// rows, and the span overload's allocations.</summary>
public sealed class DenseBackwardTests
{
    public static TheoryData<string, bool> Paths() => new()
    {
        { Profiles.Keras2, true }, { Profiles.Keras2, false }, { Profiles.Keras3, true }, { Profiles.Keras3, false },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Float32_gradients_are_within_the_bound_on_every_row_length(string profile, bool vectorize) =>
        AllLengths<float>(profile, vectorize);

    [Theory]
    [MemberData(nameof(Paths))]
    public void Float64_gradients_are_within_the_bound_on_every_row_length(string profile, bool vectorize) =>
        AllLengths<double>(profile, vectorize);

    /// <summary>Rows outside the fused form (here every other row zero: its dot product is below
    /// <c>SmallestFusedDot</c>) take <see cref="DenseBackward.Row{T}"/>, which allocates nothing either.</summary>
    [Fact]
    public void Gradients_of_rows_outside_the_fused_form_allocate_nothing_after_the_first_call()
    {
        const int rows = 64, n = 300;
        float[] t = FusedBackwardTests.Values<float>(rows * n, 7), p = FusedBackwardTests.Values<float>(rows * n, 8);
        for (int row = 0; row < rows; row += 2)
        {
            Array.Clear(t, row * n, n);
        }

        Assert.Equal(0, FusedBackwardTests.Measure(new CosineSimilarityLoss(KerasProfile.Keras3, axis: -1), t, p, [rows, n]));
    }

    private static void AllLengths<T>(string profile, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var failures = new List<string>();
        KernelSwitch.Vectorize = vectorize;
        try
        {
            foreach (int n in RowLengths.All)
            {
                string? failure = Judge<T>(profile, n);
                if (failure is not null)
                {
                    failures.Add($"length {n}: {failure}");
                }
            }
        }
        finally
        {
            KernelSwitch.Vectorize = true;
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.GetRange(0, Math.Min(10, failures.Count))));
    }

    /// <summary>One [8, n] case through the port and the exact reference; null when both gradients are within the bound.</summary>
    private static string? Judge<T>(string profile, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int rows = 8;
        T[] t = FusedBackwardTests.Values<T>(rows * n, 2 * n), p = FusedBackwardTests.Values<T>(rows * n, (2 * n) + 1);
        Plant(t, p, n);
        bool isDouble = typeof(T) == typeof(double);
        var loss = new CosineSimilarityLoss(
            profile == Profiles.Keras2 ? KerasProfile.Keras2 : KerasProfile.Keras3, axis: -1,
            dtype: profile == Profiles.Keras3 && isDouble ? KerasDType.Float64 : null);
        nint[] shape = [rows, n];
        T[] value = new T[1], tGradient = new T[t.Length], pGradient = new T[p.Length];
        loss.ComputeWithGradients<T, T, T>(new ShapedSpan<T>(t, shape), new ShapedSpan<T>(p, shape), default, default, value, tGradient, pGradient);

        CaseArgs args = profile == Profiles.Keras3 && isDouble ? CaseArgs.Parse("""{"dtype": "float64"}""") : CaseArgs.Empty;
        int[] dims = [rows, n];
        ReferenceAnswer answer = ExactReference.Evaluate(profile, Apis.Loss, args, new Dictionary<string, CaseInput>
        {
            ["y_true"] = new TensorInput(TensorData.Create<T>(t, dims)),
            ["y_pred"] = new TensorInput(TensorData.Create<T>(p, dims)),
        });
        Verdict trueVerdict = answer.JudgeGradient("y_true", TensorData.Create<T>(tGradient, dims));
        Verdict predVerdict = answer.JudgeGradient("y_pred", TensorData.Create<T>(pGradient, dims));
        return !trueVerdict.Passed ? $"y_true: {trueVerdict.Failure}" : !predVerdict.Passed ? $"y_pred: {predVerdict.Failure}" : null;
    }

    /// <summary>Rows 1..6 of both inputs get the special rows (row 0 and 7 stay ordinary): a zero row, a NaN, an
    /// infinity, a row under the clamp in both profiles, a row whose squares overflow, and a pair that differ only
    /// in sign.</summary>
    private static void Plant<T>(T[] t, T[] p, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0)
        {
            return;
        }

        t.AsSpan(n, n).Clear();
        p[(2 * n) + (n / 2)] = T.NaN;
        t[(3 * n) + (n / 3)] = T.PositiveInfinity;
        for (int k = 0; k < n; k++)
        {
            p[(4 * n) + k] *= T.CreateTruncating(1e-9);
            t[(5 * n) + k] *= T.CreateTruncating(typeof(T) == typeof(float) ? 1e20 : 1e160);
            p[(6 * n) + k] = -t[(6 * n) + k];
        }
    }
}

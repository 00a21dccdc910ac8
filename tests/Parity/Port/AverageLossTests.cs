using System;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary><c>tf.nn.compute_average_loss</c>'s rules, each on numbers small enough to check by hand.</summary>
public sealed class AverageLossTests
{
    private static readonly float[] OneToFour = [1, 2, 3, 4];

    // The divisor is global_batch_size: (1 + 2 + 3 + 4) / 8 = 1.25.
    [Fact]
    public void DividesTheSumByTheGlobalBatchSize() =>
        Assert.Equal(1.25f, AverageLoss.Compute(Vector(OneToFour), globalBatchSize: 8));

    // div_no_nan: a global batch of 0 gives 0, not inf.
    [Fact]
    public void ZeroGlobalBatchSizeGivesZero() =>
        Assert.Equal(0f, AverageLoss.Compute(Vector(OneToFour), globalBatchSize: 0));

    // The default divisor is the first dimension times the replicas: 10 / 4 = 2.5 alone, 10 / (4 * 2) = 1.25 on 2.
    [Fact]
    public void DefaultGlobalBatchSizeIsTheBatchTimesTheReplicas()
    {
        Assert.Equal(2.5f, AverageLoss.Compute(Vector(OneToFour)));
        Assert.Equal(1.25f, AverageLoss.Compute(Vector(OneToFour), replicas: 2));
    }

    // The batch is the first dimension, not the element count: [[1, 2], [3, 4]] sums to 10 over a batch of 2 = 5
    // (sum_over_batch_size would divide by 4).
    [Fact]
    public void BatchIsTheFirstDimensionNotTheElementCount() =>
        Assert.Equal(5f, AverageLoss.Compute(new ShapedSpan<float>(OneToFour, [2, 2])));

    // TF's weight rank rule: a [2] weight on [2, 2] losses gains a trailing 1 and weighs rows:
    //   [[1, 2], [3, 4]] * [[1], [2]] = [[1, 2], [6, 8]], sum 17, batch 2 -> 8.5.
    // A [2, 2, 1] weight loses its trailing 1: [[1, 0], [0, 1]] picks 1 + 4 = 5 -> 2.5.
    [Fact]
    public void WeightsFollowTheRankRule()
    {
        float[] rows = [1, 2], diagonal = [1, 0, 0, 1];
        Assert.Equal(8.5f, AverageLoss.Compute(new ShapedSpan<float>(OneToFour, [2, 2]), SampleWeight<float>.Tensor(new ShapedSpan<float>(rows, [2]))));
        Assert.Equal(2.5f, AverageLoss.Compute(new ShapedSpan<float>(OneToFour, [2, 2]), SampleWeight<float>.Tensor(new ShapedSpan<float>(diagonal, [2, 2, 1]))));
    }

    // Weighing happens in float32 even for float64 losses: fl32(0.1) * 3 = 0.30000000447 rounds in float32 to
    // 0.30000001192092896, which is cast back; float64 arithmetic would give 0.30000000000000004.
    [Fact]
    public void WeighsInFloat32WhateverTheLossDType()
    {
        double[] loss = [0.1];
        Assert.Equal(0.30000001192092896, AverageLoss.Compute(new ShapedSpan<double>(loss, [1]), SampleWeight<float>.Scalar(3L)));
        Assert.Equal(0.1, AverageLoss.Compute(new ShapedSpan<double>(loss, [1])));   // unweighted: no cast
    }

    // global_batch_size is cast to the losses' dtype: 4097 is 4096 in float16, so 4096 / 4097 computes as 1.
    [Fact]
    public void GlobalBatchSizeIsCastToTheLossDType()
    {
        Half[] loss = [(Half)4096];
        Assert.Equal((Half)1, AverageLoss.Compute(new ShapedSpan<Half>(loss, [1]), globalBatchSize: 4097));
    }

    [Fact]
    public void EmptyBatchGivesZero()
    {
        float[] none = [];
        Assert.Equal(0f, AverageLoss.Compute(new ShapedSpan<float>(none, [0])));
    }

    // The recorded average-loss errors: a [B] weight on [B, T, U] losses is two ranks short, so nothing aligns and Mul
    // fails ("Incompatible shapes: [6,6,3] vs. [6]").
    [Fact]
    public void WeightTwoRanksShortIsTheMulError()
    {
        var losses = new float[2 * 2 * 3];
        float[] weights = [1, 2];
        var error = Assert.Throws<KerasShapeException>(() =>
            AverageLoss.Compute(new ShapedSpan<float>(losses, [2, 2, 3]), SampleWeight<float>.Tensor(new ShapedSpan<float>(weights, [2]))));
        Assert.Equal(TensorFlowErrorType.InvalidArgumentError, error.TensorFlowError);
        Assert.Contains("Incompatible shapes: [2,2,3] vs. [2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScalarLossIsAValueError()
    {
        float[] loss = [1];
        var error = Assert.Throws<KerasShapeException>(() => AverageLoss.Compute(new ShapedSpan<float>(loss, [])));
        Assert.Equal(TensorFlowErrorType.ValueError, error.TensorFlowError);
    }

    [Fact]
    public void NegativeGlobalBatchSizeIsAnInvalidArgumentError()
    {
        var error = Assert.Throws<KerasArgumentException>(() => AverageLoss.Compute(Vector(OneToFour), globalBatchSize: -1));
        Assert.Equal(TensorFlowErrorType.InvalidArgumentError, error.TensorFlowError);
        Assert.Throws<ArgumentOutOfRangeException>(() => AverageLoss.Compute(Vector(OneToFour), replicas: 0));
    }

    private static ShapedSpan<float> Vector(float[] values) => new(values, new nint[] { values.Length });
}

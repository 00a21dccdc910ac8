using System;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>The function keeps its last plan per thread, as the loss object does.</summary>
public sealed class FunctionPlanTests
{
    [Fact]
    public void Destination_overload_allocates_nothing_once_shapes_repeat()
    {
        float[] t = [1, 2, 3, 4, 5, 6], p = [6, 5, 4, 3, 2, 1], losses = new float[2];
        nint[] shape = [2, 3];
        for (int i = 0; i < 3; i++)
        {
            CosineSimilarity.Compute<float, float>(KerasProfile.Keras3, new ShapedSpan<float>(t, shape), new ShapedSpan<float>(p, shape), -1, losses);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        CosineSimilarity.Compute<float, float>(KerasProfile.Keras3, new ShapedSpan<float>(t, shape), new ShapedSpan<float>(p, shape), -1, losses);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // A plan cached for float inputs must not decide anything for int64 ones: Keras 3's function computes in y_pred's
    // dtype, and rsqrt has no int64 kernel (InvalidArgumentError).
    [Fact]
    public void A_cached_plan_does_not_change_what_other_types_get()
    {
        float[] t = [1, 2], p = [2, 1];
        long[] integers = [2, 1];
        nint[] shape = [1, 2];
        CosineSimilarity.Compute<float, float>(KerasProfile.Keras3, new ShapedSpan<float>(t, shape), new ShapedSpan<float>(p, shape));
        var error = Assert.Throws<KerasDTypeException>(() =>
            CosineSimilarity.Compute<float, long>(KerasProfile.Keras3, new ShapedSpan<float>(t, shape), new ShapedSpan<long>(integers, shape)));
        Assert.Equal(TensorFlowErrorType.InvalidArgumentError, error.TensorFlowError);
    }
}

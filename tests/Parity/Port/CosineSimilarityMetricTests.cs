using System;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>The metric's rules, each on inputs small enough to derive the answer by hand (derivations in comments).</summary>
public sealed class CosineSimilarityMetricTests
{
    public static TheoryData<string> Profiles() => ["keras2", "keras3"];

    // The Keras docstring, CosineSimilarity(axis=1), in float32 (both generations agree here):
    //   row 0: [0,1].[1,0] = 0, so cos 0.
    //   row 1: r = fl(1/sqrt(2)) = 0.70710677; the three sums give fl(2 * r * r) = fl(0.99999994) = 0.99999994
    //          (r * r = 0.49999997 exactly in double, doubled exactly).
    //   total = 0.99999994, count = 2 values (Keras 2) or 2 samples (Keras 3): result fl(0.99999994 / 2) = 0.49999997.
    // Then reset_state() and weights [0.3, 0.7] (float32 0.30000001, 0.69999999):
    //   total = fl(0 * 0.3) + fl(0.99999994 * 0.69999999) = 0.69999993, count = fl(0.30000001 + 0.69999999) = 1.0 exactly,
    //   result 0.69999993 (printed 0.6999999; the exact 0.7 is one rounding of the cosine away).
    [Theory]
    [MemberData(nameof(Profiles))]
    public void DocstringExample(string profile)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile), axis: 1);
        float[] yTrue = [0, 1, 1, 1], yPred = [1, 0, 1, 1];
        metric.Update(new ShapedSpan<float>(yTrue, [2, 2]), new ShapedSpan<float>(yPred, [2, 2]));
        Assert.Equal(0.49999997f, metric.Result<float>());

        metric.Reset();
        Assert.Equal(0.0, metric.Result());
        float[] weights = [0.3f, 0.7f];
        metric.Update(new ShapedSpan<float>(yTrue, [2, 2]), new ShapedSpan<float>(yPred, [2, 2]), SampleWeight<float>.Tensor(new ShapedSpan<float>(weights, [2])));
        Assert.Equal(0.69999993f, metric.Result<float>());
        Assert.Equal(0.7, metric.Result(), 1e-7);
    }

    // Updates accumulate until a reset: one-hot rows give cosines of exactly 1 (same) and 0 (orthogonal).
    //   update 1: cos [1, 0]; update 2: cos [1]. Both generations: total 2, count 3, result fl32(2/3) = 0.6666667.
    [Theory]
    [MemberData(nameof(Profiles))]
    public void UpdatesAccumulateIntoOneWeightedMean(string profile)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile));
        metric.Update(Floats([1, 0, 1, 0], 2, 2), Floats([1, 0, 0, 1], 2, 2));
        Assert.Equal(0.5f, metric.Result<float>());
        metric.Update(Floats([0, 1], 1, 2), Floats([0, 1], 1, 2));
        Assert.Equal(0.6666667f, metric.Result<float>());
    }

    // Without weights Keras 2 counts values, Keras 3 samples (reduce_to_samplewise_values averages each sample first).
    //   update 1: inputs [1, 2, 2], cos [[1, 0]]; update 2: inputs [1, 1, 2], cos [[1]].
    //   Keras 2: total 1 + 1 = 2, count 2 + 1 = 3 -> fl32(2/3) = 0.6666667.
    //   Keras 3: per-sample means 0.5 and 1: total 1.5, count 1 + 1 = 2 -> 0.75.
    [Theory]
    [InlineData("keras2", 0.6666667f)]
    [InlineData("keras3", 0.75f)]
    public void UnweightedCountIsValuesInKeras2AndSamplesInKeras3(string profile, float expected)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile));
        metric.Update(Floats([1, 0, 1, 0], 1, 2, 2), Floats([1, 0, 0, 1], 1, 2, 2));
        metric.Update(Floats([0, 1], 1, 1, 2), Floats([0, 1], 1, 1, 2));
        Assert.Equal(expected, metric.Result<float>());
    }

    // A 0-d weight: Keras 2 broadcasts it over the values (count += w * values), Keras 3 averages the batch into one
    // sample (count += w).
    //   update 1: cos [1, 0] with a 0-d weight 1; update 2: cos [1] unweighted.
    //   Keras 2: total 1*1 + 0*1 + 1 = 2, count 2 + 1 = 3 -> 0.6666667.
    //   Keras 3: total mean(1, 0) * 1 + 1 = 1.5, count 1 + 1 = 2 -> 0.75.
    [Theory]
    [InlineData("keras2", 0.6666667f)]
    [InlineData("keras3", 0.75f)]
    public void ZeroDimensionalWeightCountsOneSampleInKeras3(string profile, float expected)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile));
        float[] one = [1];
        metric.Update(Floats([1, 0, 1, 0], 2, 2), Floats([1, 0, 0, 1], 2, 2), SampleWeight<float>.Tensor(new ShapedSpan<float>(one, [])));
        metric.Update(Floats([0, 1], 1, 2), Floats([0, 1], 1, 2));
        Assert.Equal(expected, metric.Result<float>());
    }

    // Keras 2's broadcast_weights fails for a rank-1 weight on rank-3 values (ranks differ by 2, so the rank rule leaves
    // it), and the values are averaged down to the weight's rank instead; Keras 3 averages down the same way.
    //   inputs [2, 1, 2, 2], axis -1: cos [[[1, 0]], [[1, 1]]]; per-sample means 0.5 and 1; weights [1, 3].
    //   total 0.5*1 + 1*3 = 3.5, count 1 + 3 = 4 -> 0.875 in both.
    [Theory]
    [MemberData(nameof(Profiles))]
    public void LowRankWeightAveragesTheValuesDownToItsRank(string profile)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile));
        float[] weights = [1, 3];
        metric.Update(
            Floats([1, 0, 1, 0, 1, 0, 0, 1], 2, 1, 2, 2), Floats([1, 0, 0, 1, 1, 0, 0, 1], 2, 1, 2, 2),
            SampleWeight<float>.Tensor(new ShapedSpan<float>(weights, [2])));
        Assert.Equal(0.875f, metric.Result<float>());
    }

    // A per-sample weight on [B, T] values: Keras 2 expands it to [B, 1] and broadcasts (count = T * sum(w)), Keras 3
    // averages each sample first (count = sum(w)); the weighted means agree.
    //   inputs [2, 2, 2]: cos [[1, 0], [1, 1]], weights [1, 3].
    //   Keras 2: total 1 + 0 + 3 + 3 = 7, count 2 + 6 = 8 -> 0.875. Keras 3: 0.5*1 + 1*3 = 3.5 over 4 -> 0.875.
    [Theory]
    [MemberData(nameof(Profiles))]
    public void PerSampleWeightOnTimesteps(string profile)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile));
        float[] weights = [1, 3];
        metric.Update(
            Floats([1, 0, 1, 0, 1, 0, 0, 1], 2, 2, 2), Floats([1, 0, 0, 1, 1, 0, 0, 1], 2, 2, 2),
            SampleWeight<float>.Tensor(new ShapedSpan<float>(weights, [2])));
        Assert.Equal(0.875f, metric.Result<float>());
    }

    // Keras 2 casts the inputs to the metric dtype before the cosine; Keras 3 takes it in y_pred's dtype and casts it.
    //   [1, 2] vs [2, 1] as float64 into a float16 metric; the exact cosine is 4/5.
    //   Keras 2 in float16: r = fl16(1/sqrt(5)) = 0.447265625, cos = fl16(4 * r * r) = fl16(0.8002014) = 0.80029296875.
    //   Keras 3 in float64: cos = 0.8 (within an ulp), cast: fl16(0.8) = 0.7998046875.
    [Theory]
    [InlineData("keras2", 0.80029296875)]
    [InlineData("keras3", 0.7998046875)]
    public void CosineDTypeIsTheMetricsInKeras2AndYPredsInKeras3(string profile, double expected)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile), dtype: "float16");
        double[] yTrue = [1, 2], yPred = [2, 1];
        metric.Update(new ShapedSpan<double>(yTrue, [1, 2]), new ShapedSpan<double>(yPred, [1, 2]));
        Assert.Equal((Half)expected, metric.Result<Half>());
    }

    // divide_no_nan: nothing counted gives 0, not NaN; so do all-zero weights (total 0, count 0).
    [Theory]
    [MemberData(nameof(Profiles))]
    public void NothingCountedIsZero(string profile)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile));
        Assert.Equal(0.0, metric.Result());
        float[] zeros = [0, 0];
        metric.Update(Floats([1, 0, 1, 0], 2, 2), Floats([1, 0, 0, 1], 2, 2), SampleWeight<float>.Tensor(new ShapedSpan<float>(zeros, [2])));
        Assert.Equal(0.0, metric.Result());
    }

    // A Python-number weight counts: one sample of cosine exactly 1 gives total w, count w, result 1 (were the weight
    // left out of the count the result would be w). Keras 2 broadcasts it over the one value, Keras 3 counts the batch once.
    [Theory]
    [MemberData(nameof(Profiles))]
    public void PythonNumberWeightCancelsOnOneSample(string profile)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile), dtype: "float64");
        metric.Update(Floats([0, 1], 1, 2), Floats([0, 1], 1, 2), SampleWeight<double>.Scalar(2.175));
        Assert.Equal(1.0, metric.Result());
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void IncompatibleWeightThrowsTheShapeError(string profile)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile));
        float[] weights = [1, 2, 3];
        var error = Assert.Throws<KerasShapeException>(() =>
            metric.Update(Floats([1, 0, 1, 0], 2, 2), Floats([1, 0, 0, 1], 2, 2), SampleWeight<float>.Tensor(new ShapedSpan<float>(weights, [3]))));
        Assert.Equal(TensorFlowErrorType.InvalidArgumentError, error.TensorFlowError);
        Assert.Equal(0.0, metric.Result());   // a failed update changes nothing
    }

    [Fact]
    public void WeightTensorMustBeInTheMetricDType()
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Keras2);
        double[] weights = [1, 2];
        var error = Assert.Throws<ArgumentException>(() =>
            metric.Update(Floats([1, 0, 1, 0], 2, 2), Floats([1, 0, 0, 1], 2, 2), SampleWeight<double>.Tensor(new ShapedSpan<double>(weights, [2]))));
        Assert.Contains("float32", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => metric.Result<double>());
    }

    // Keras builds a metric of an integer dtype (its config test uses int32); the port keeps it but cannot accumulate in it.
    [Fact]
    public void IntegerDTypeIsKeptButNotUpdated()
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Keras2, "my_cos", "int32", 2);
        Assert.Equal("int32", metric.DType);
        Assert.Throws<NotSupportedException>(() => metric.Update(Floats([1, 0], 1, 2), Floats([1, 0], 1, 2)));
    }

    [Theory]
    [InlineData("keras2", TensorFlowErrorType.TypeError)]
    [InlineData("keras3", TensorFlowErrorType.ValueError)]
    public void UnknownDTypeNameIsRejected(string profile, TensorFlowErrorType expected)
    {
        var error = Assert.Throws<KerasArgumentException>(() => new CosineSimilarityMetric(KerasProfile.Parse(profile), dtype: "float33"));
        Assert.Equal(expected, error.TensorFlowError);
        Assert.Contains("float33", error.Message, StringComparison.Ordinal);
    }

    private static ShapedSpan<float> Floats(float[] values, params nint[] shape) => new(values, shape);
}

using System;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary><c>get_config()</c> and <c>from_config</c> of the loss and the metric: the JSON each generation writes
/// (as the fixtures record it, keys sorted), round trips, and configs that are not this object's.</summary>
public sealed class ConfigTests
{
    [Theory]
    [InlineData("keras2", """{"axis":2,"fn":"cosine_similarity","name":"cosine_loss","reduction":"sum"}""")]
    [InlineData("keras3", """{"name":"cosine_loss","reduction":"sum"}""")]   // Keras 3.15.1 drops the axis
    public void LossConfigIsTheGenerationsJson(string profile, string expected)
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Parse(profile), 2, LossReduction.Sum, name: "cosine_loss");
        Assert.Equal(expected, loss.GetConfig());
    }

    [Theory]
    [InlineData("keras2", """{"axis":[1,2],"dtype":"int32","name":"my_cos"}""")]
    [InlineData("keras3", """{"dtype":"int32","name":"my_cos"}""")]
    public void MetricConfigIsTheGenerationsJson(string profile, string expected)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Parse(profile), "my_cos", "int32", Axes.List(1, 2));
        Assert.Equal(expected, metric.GetConfig());
    }

    // Defaults: Keras 2 "auto", Keras 3 "sum_over_batch_size"; Keras 3's None reduction is written as null.
    [Fact]
    public void DefaultsAndNoneAreWrittenAsKerasWritesThem()
    {
        Assert.Equal("""{"axis":-1,"fn":"cosine_similarity","name":"cosine_similarity","reduction":"auto"}""",
            new CosineSimilarityLoss(KerasProfile.Keras2).GetConfig());
        Assert.Equal("""{"name":"cosine_similarity","reduction":null}""",
            new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.Unreduced).GetConfig());
        Assert.Equal("""{"axis":-1,"dtype":"float32","name":"cosine_similarity"}""", new CosineSimilarityMetric(KerasProfile.Keras2).GetConfig());
    }

    // A round trip: from_config(get_config()) writes the same config and has the same arguments (Keras 2 keeps the axis).
    [Fact]
    public void Keras2RoundTripKeepsEveryArgument()
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Keras2, Axes.List(1, 2), LossReduction.None, name: "seq");
        CosineSimilarityLoss rebuilt = CosineSimilarityLoss.FromConfig(KerasProfile.Keras2, loss.GetConfig());
        Assert.Equal(loss.GetConfig(), rebuilt.GetConfig());
        Assert.Equal((loss.Axis, loss.Reduction, loss.Name), (rebuilt.Axis, rebuilt.Reduction, rebuilt.Name));

        var metric = new CosineSimilarityMetric(KerasProfile.Keras2, "my_cos", "float64", -2);
        CosineSimilarityMetric again = CosineSimilarityMetric.FromConfig(KerasProfile.Keras2, metric.GetConfig());
        Assert.Equal(metric.GetConfig(), again.GetConfig());
        Assert.Equal((metric.Name, metric.DType, metric.Axis), (again.Name, again.DType, again.Axis));
    }

    // Keras 3.15.1 writes neither axis nor dtype, so its round trip rebuilds axis -1 and float32, as Keras's does;
    // name and reduction survive. Its from_config still takes axis and dtype (they are constructor arguments).
    [Fact]
    public void Keras3RoundTripLosesTheAxisAsKerasDoes()
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Keras3, 0, LossReduction.MeanWithSampleWeight, KerasDType.BFloat16, "seq");
        CosineSimilarityLoss rebuilt = CosineSimilarityLoss.FromConfig(KerasProfile.Keras3, loss.GetConfig());
        Assert.Equal(("seq", LossReduction.MeanWithSampleWeight, Axes.Last, (KerasDType?)null), (rebuilt.Name, rebuilt.Reduction, rebuilt.Axis, rebuilt.DType));
        CosineSimilarityLoss withAxis = CosineSimilarityLoss.FromConfig(KerasProfile.Keras3, """{"axis":2,"dtype":"float64","name":"x","reduction":"sum"}""");
        Assert.Equal((Axes.One(2), (KerasDType?)KerasDType.Float64), (withAxis.Axis, withAxis.DType));

        CosineSimilarityMetric metric = CosineSimilarityMetric.FromConfig(KerasProfile.Keras3, new CosineSimilarityMetric(KerasProfile.Keras3, axis: 1).GetConfig());
        Assert.Equal(Axes.Last, metric.Axis);
    }

    // Keys the constructor does not take fail as in Python (TypeError): a metric config handed to the Keras 2 loss
    // (dtype), a Keras 2 loss config to the metric (fn, reduction), Keras 2's fn to Keras 3.
    [Theory]
    [InlineData("keras2", false, """{"axis":-1,"dtype":"float32","name":"cosine_similarity"}""", "dtype")]
    [InlineData("keras2", true, """{"axis":-1,"fn":"cosine_similarity","name":"cosine_similarity","reduction":"auto"}""", "fn")]
    [InlineData("keras3", false, """{"axis":-1,"fn":"cosine_similarity","name":"cosine_similarity","reduction":"sum"}""", "fn")]
    [InlineData("keras3", true, """{"name":"cosine_similarity","reduction":"sum"}""", "reduction")]
    public void ForeignKeysAreTypeErrors(string profile, bool metric, string config, string key)
    {
        KerasArgumentException error = Assert.Throws<KerasArgumentException>(() => FromConfig(profile, metric, config));
        Assert.Equal(TensorFlowErrorType.TypeError, error.TensorFlowError);
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }

    // Configs that are not a get_config() dictionary of this object, each an ArgumentException naming the problem.
    [Theory]
    [InlineData("""{"axis":-1,"fn":"mean_squared_error","name":"mse","reduction":"auto"}""", "mean_squared_error")]
    [InlineData("""{"class_name":"CosineSimilarity","config":{"name":"cosine_similarity"}}""", "class_name")]
    [InlineData("""{"axis":"1"}""", "axis")]
    [InlineData("""{"axis":1.0}""", "1.0")]
    [InlineData("""{"name":3}""", "name")]
    [InlineData("""{"name":"a","name":"b"}""", "repeats")]
    [InlineData("""{"reduction":"mean"}""", "mean")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{"axis":""", "not JSON")]
    public void MalformedConfigsAreArgumentErrors(string config, string named)
    {
        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => CosineSimilarityLoss.FromConfig(KerasProfile.Keras2, config));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetricDTypeMustBeAString()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => CosineSimilarityMetric.FromConfig(KerasProfile.Keras3, """{"dtype":[1]}"""));
        Assert.Contains("dtype", error.Message, StringComparison.Ordinal);
    }

    private static object FromConfig(string profile, bool metric, string config) => metric
        ? CosineSimilarityMetric.FromConfig(KerasProfile.Parse(profile), config)
        : CosineSimilarityLoss.FromConfig(KerasProfile.Parse(profile), config);
}

using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using Xunit;

namespace CosineParity.Tests.Port.Mutation;

/// <summary>
/// The public API files directly in <c>src/Port</c> (the loss, function and metric classes, <c>AverageLoss</c>,
/// <c>LossContext</c>), pinned where the fixture sample leaves them unchecked (src/Port/MUTATION.md): argument
/// guards, buffer checks, the gradient overloads, the keyword parsers, the dtype names Keras's metric takes, and
/// messages that must name what is wrong. Expected numbers are hand-checked: cosines of unit axes are exact.
/// </summary>
public sealed class ApiMutationTests
{
    private static readonly double[] X = [1, 0];
    private static readonly double[] Y = [0, 1];

    public static TheoryData<string> KerasMetricDTypes => new()
    {
        "float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool",
    };

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        Assert.Equal("profile", Assert.Throws<ArgumentNullException>(() => CosineSimilarity.Compute<double, double>(null!, S(X, 1, 2), S(Y, 1, 2))).ParamName);
        Assert.Equal("profile", Assert.Throws<ArgumentNullException>(() => CosineSimilarity.Compute<double, double>(null!, S(X, 1, 2), S(Y, 1, 2), Axes.Last, new double[1])).ParamName);
        Assert.Equal("profile", Assert.Throws<ArgumentNullException>(() => CosineSimilarity.ComputeWithGradients<double, double>(null!, S(X, 1, 2), S(Y, 1, 2))).ParamName);
        Assert.Equal("profile", Assert.Throws<ArgumentNullException>(() => CosineSimilarity.ComputeWithGradients<double, double>(
            null!, S(X, 1, 2), S(Y, 1, 2), Axes.Last, new double[1], new double[2], new double[2])).ParamName);
        Tensor<double> tensor = Tensor.Create(X, [1, 2]);
        Assert.Equal("yTrue", Assert.Throws<ArgumentNullException>(() => CosineSimilarity.Compute(KerasProfile.Keras3, null!, tensor)).ParamName);
        Assert.Equal("yPred", Assert.Throws<ArgumentNullException>(() => CosineSimilarity.Compute(KerasProfile.Keras3, tensor, null!)).ParamName);

        var loss = new CosineSimilarityLoss(KerasProfile.Keras2);
        Assert.Equal("yTrue", Assert.Throws<ArgumentNullException>(() => loss.Compute(null!, tensor)).ParamName);
        Assert.Equal("yPred", Assert.Throws<ArgumentNullException>(() => loss.Compute(tensor, null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => new CosineSimilarityLoss(name: null!)).ParamName);
        Assert.Equal("profile", Assert.Throws<ArgumentNullException>(() => CosineSimilarityLoss.FromKerasArguments(null!, new Dictionary<string, object?>())).ParamName);
        Assert.Equal("arguments", Assert.Throws<ArgumentNullException>(() => CosineSimilarityLoss.FromKerasArguments(KerasProfile.Keras3, null!)).ParamName);
        Assert.Equal("profile", Assert.Throws<ArgumentNullException>(() => CosineSimilarityLoss.FromConfig(null!, "{}")).ParamName);

        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => new CosineSimilarityMetric(name: null!)).ParamName);
        Assert.Equal("profile", Assert.Throws<ArgumentNullException>(() => CosineSimilarityMetric.FromKerasArguments(null!, new Dictionary<string, object?>())).ParamName);
        Assert.Equal("arguments", Assert.Throws<ArgumentNullException>(() => CosineSimilarityMetric.FromKerasArguments(KerasProfile.Keras3, null!)).ParamName);
        // The profile is checked before the config is read: a null profile with a malformed config is still the null.
        Assert.Equal("profile", Assert.Throws<ArgumentNullException>(() => CosineSimilarityMetric.FromConfig(null!, "[")).ParamName);
    }

    [Fact]
    public void A_replica_context_needs_at_least_one_replica()
    {
        Assert.Equal("replicas", Assert.Throws<ArgumentOutOfRangeException>(() => LossContext.InReplicaContext(0)).ParamName);
        Assert.Equal(2, LossContext.InReplicaContext(2).Replicas);
    }

    /// <summary>The function into a caller's buffer writes <c>-cosine</c> there: [1,0]·[1,0] and [1,0]·[0,1] give -1, 0.</summary>
    [Fact]
    public void The_function_writes_into_the_destination()
    {
        double[] truth = [1, 0, 1, 0];
        double[] prediction = [1, 0, 0, 1];
        double[] destination = [9, 9];
        CosineSimilarity.Compute(KerasProfile.Keras3, S(truth, 2, 2), S(prediction, 2, 2), Axes.Last, destination);
        Assert.Equal([-1.0, 0], destination);
        var error = Assert.Throws<ArgumentException>(() => CosineSimilarity.Compute(KerasProfile.Keras3, S(truth, 2, 2), S(prediction, 2, 2), Axes.Last, new double[3]));
        Assert.Equal("destination", error.ParamName);
        Assert.Contains("holds 3 elements", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2]", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>-cos([1,0], [0,1]) = 0</c> with gradients <c>d/dy_pred = -(t̂ - cos p̂)/|p| = [-1, 0]</c> and
    /// <c>d/dy_true = -(p̂ - cos t̂)/|t| = [0, -1]</c> (GradientTape's, times the upstream gradient), through the
    /// function's span overload, its array overload and the loss's (reduction "sum": the same sum).
    /// </summary>
    [Theory]
    [InlineData("keras2")]
    [InlineData("keras3")]
    public void The_span_gradient_overloads_write_value_and_both_gradients(string name)
    {
        KerasProfile profile = KerasProfile.Parse(name);
        double[] value = [9], trueGradient = [9, 9], predGradient = [9, 9];
        CosineSimilarity.ComputeWithGradients<double, double>(profile, S(X, 1, 2), S(Y, 1, 2), Axes.Last, value, trueGradient, predGradient, [2.0]);
        Assert.Equal(0, value[0]);
        Assert.Equal([0, -2.0], trueGradient);
        Assert.Equal([-2.0, 0], predGradient);

        CosineSimilarity.ComputeWithGradients<double, double>(profile, S(X, 1, 2), S(Y, 1, 2), Axes.Last, value, trueGradient, predGradient);
        Assert.Equal([0, -1.0], trueGradient);
        Assert.Equal([-1.0, 0], predGradient);

        LossGradients<double, double, double> arrays = CosineSimilarity.ComputeWithGradients(profile, S(X, 1, 2), S(Y, 1, 2));
        Assert.Equal([0, -1.0], arrays.YTrue!.Values.ToArray());
        Assert.Equal([-1.0, 0], arrays.YPred!.Values.ToArray());

        var loss = new CosineSimilarityLoss(profile, reduction: LossReduction.Sum, dtype: profile.Name == "keras3" ? KerasDType.Float64 : null);
        loss.ComputeWithGradients<double, double, double>(S(X, 1, 2), S(Y, 1, 2), default, default, value, trueGradient, predGradient, [3.0]);
        Assert.Equal(0, value[0]);
        Assert.Equal([0, -3.0], trueGradient);
        Assert.Equal([-3.0, 0], predGradient);
    }

    /// <summary>Each buffer of the gradient overloads is checked, and the error names it and the lengths.</summary>
    [Fact]
    public void The_gradient_overloads_check_every_buffer()
    {
        KerasProfile profile = KerasProfile.Keras3;
        double[] value = new double[1], gradient = new double[2];
        AssertBuffer("value", "holds 2 elements", () => CosineSimilarity.ComputeWithGradients<double, double>(profile, S(X, 1, 2), S(Y, 1, 2), Axes.Last, new double[2], gradient, gradient));
        AssertBuffer("upstream", "holds 2 elements", () => CosineSimilarity.ComputeWithGradients<double, double>(profile, S(X, 1, 2), S(Y, 1, 2), Axes.Last, value, gradient, gradient, new double[2]));
        AssertBuffer("yTrueGradient", "holds 3 elements; the input has 2", () => CosineSimilarity.ComputeWithGradients<double, double>(profile, S(X, 1, 2), S(Y, 1, 2), Axes.Last, value, new double[3], gradient));
        AssertBuffer("yPredGradient", "holds 3 elements; the input has 2", () => CosineSimilarity.ComputeWithGradients<double, double>(profile, S(X, 1, 2), S(Y, 1, 2), Axes.Last, value, gradient, new double[3]));
        AssertBuffer("yTrueGradient", "int64", () => CosineSimilarity.ComputeWithGradients<long, double>(profile, S(new long[] { 1, 0 }, 1, 2), S(Y, 1, 2), Axes.Last, value, new long[2], gradient));

        var loss = new CosineSimilarityLoss(profile, reduction: LossReduction.Sum);
        AssertBuffer("value", "holds 2 elements", () => loss.ComputeWithGradients<double, double, float>(S(X, 1, 2), S(Y, 1, 2), default, default, new float[2], gradient, gradient));
        AssertBuffer("upstream", "holds 2 elements", () => loss.ComputeWithGradients<double, double, float>(S(X, 1, 2), S(Y, 1, 2), default, default, new float[1], gradient, gradient, new float[2]));
        AssertBuffer("yTrueGradient", "holds 1 elements; the input has 2", () => loss.ComputeWithGradients<double, double, float>(S(X, 1, 2), S(Y, 1, 2), default, default, new float[1], new double[1], gradient));
        AssertBuffer("yPredGradient", "holds 1 elements; the input has 2", () => loss.ComputeWithGradients<double, double, float>(S(X, 1, 2), S(Y, 1, 2), default, default, new float[1], gradient, new double[1]));
        AssertBuffer("yPredGradient", "int64", () => loss.ComputeWithGradients<double, long, float>(S(X, 1, 2), S(new long[] { 0, 1 }, 1, 2), default, default, new float[1], gradient, new long[2]));

        // An empty gradient span skips that gradient; an empty upstream stands for ones.
        loss.ComputeWithGradients<double, double, float>(S(X, 1, 2), S(Y, 1, 2), default, default, new float[1], [], []);
    }

    /// <summary>No gradient reaches an integer input (GradientTape returns None): Keras 3's loss casts int64 inputs to
    /// float32 and answers, with both gradients null; the function's integer y_true likewise.</summary>
    [Fact]
    public void Integer_inputs_get_no_gradient_array()
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.Sum, dtype: KerasDType.Float64);
        LossGradients<long, double, double> integerTrue = loss.ComputeWithGradients<long, double, double>(S(new long[] { 1, 0 }, 1, 2), S(Y, 1, 2));
        Assert.Null(integerTrue.YTrue);
        Assert.Equal([-1.0, 0], integerTrue.YPred!.Values.ToArray());

        LossGradients<double, long, double> integerPred = loss.ComputeWithGradients<double, long, double>(S(X, 1, 2), S(new long[] { 0, 1 }, 1, 2));
        Assert.Equal([0, -1.0], integerPred.YTrue!.Values.ToArray());
        Assert.Null(integerPred.YPred);

        LossGradients<long, double, double> function = CosineSimilarity.ComputeWithGradients(KerasProfile.Keras3, S(new long[] { 1, 0 }, 1, 2), S(Y, 1, 2));
        Assert.Null(function.YTrue);
        Assert.Equal([-1.0, 0], function.YPred!.Values.ToArray());

        // Both inputs integer: the value (cosine 0 here, negated), and no gradient at all.
        LossGradients<long, long, double> integerBoth = loss.ComputeWithGradients<long, long, double>(S(new long[] { 1, 0 }, 1, 2), S(new long[] { 0, 1 }, 1, 2));
        Assert.Null(integerBoth.YTrue);
        Assert.Null(integerBoth.YPred);
        Assert.Equal(0.0, Math.Abs(integerBoth.Value.Values.ToArray()[0]));
        LossGradients<long, long, float> integerBothFloat32 = new CosineSimilarityLoss(KerasProfile.Keras3).ComputeWithGradients<long, long, float>(
            S(new long[] { 1, 0 }, 1, 2), S(new long[] { 1, 0 }, 1, 2));
        Assert.Null(integerBothFloat32.YTrue);
        Assert.Null(integerBothFloat32.YPred);
        Assert.Equal(-1f, integerBothFloat32.Value.Values.ToArray()[0]);
    }

    /// <summary>A keyword the constructor takes with a value of the wrong type is an <see cref="ArgumentException"/>
    /// (not Keras's unexpected-keyword <c>TypeError</c>) naming the keyword and the value as Python prints it.</summary>
    [Theory]
    [InlineData("keras2", "reduction")]
    [InlineData("keras3", "reduction")]
    [InlineData("keras2", "name")]
    [InlineData("keras3", "name")]
    [InlineData("keras3", "dtype")]
    public void A_loss_keyword_of_the_wrong_type_is_named_with_its_value(string profile, string key)
    {
        var arguments = new Dictionary<string, object?> { [key] = 5 };
        var error = Assert.Throws<ArgumentException>(() => CosineSimilarityLoss.FromKerasArguments(KerasProfile.Parse(profile), arguments));
        Assert.Equal("arguments", error.ParamName);
        Assert.StartsWith(key + " must be a", error.Message, StringComparison.Ordinal);
        Assert.Contains("not 5", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keras2", "name")]
    [InlineData("keras3", "name")]
    [InlineData("keras2", "dtype")]
    [InlineData("keras3", "dtype")]
    public void A_metric_keyword_of_the_wrong_type_is_named_with_its_value(string profile, string key)
    {
        var arguments = new Dictionary<string, object?> { [key] = 5 };
        var error = Assert.Throws<ArgumentException>(() => CosineSimilarityMetric.FromKerasArguments(KerasProfile.Parse(profile), arguments));
        Assert.Equal("arguments", error.ParamName);
        Assert.StartsWith(key + " must be a string, not 5", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Keras 3's <c>CosineSimilarity(dtype=None)</c> is its signature's default (the backend's floatx), so
    /// the keyword gives the loss built without it; a dtype name still sets it.</summary>
    [Fact]
    public void Keras3_dtype_None_is_the_default_dtype()
    {
        CosineSimilarityLoss none = CosineSimilarityLoss.FromKerasArguments(KerasProfile.Keras3, new Dictionary<string, object?> { ["dtype"] = null });
        Assert.Equal(new CosineSimilarityLoss(KerasProfile.Keras3).DType, none.DType);
        Assert.Null(none.DType);
        CosineSimilarityLoss named = CosineSimilarityLoss.FromKerasArguments(KerasProfile.Keras3, new Dictionary<string, object?> { ["dtype"] = "float64" });
        Assert.Equal(KerasDType.Float64, named.DType);
    }

    /// <summary><c>CosineSimilarity()</c> with no keywords is named <c>"cosine_similarity"</c>, as Keras's default.</summary>
    [Fact]
    public void Keyword_construction_defaults_the_name()
    {
        var empty = new Dictionary<string, object?>();
        Assert.Equal("cosine_similarity", CosineSimilarityMetric.FromKerasArguments(KerasProfile.Keras2, empty).Name);
        Assert.Equal("cosine_similarity", CosineSimilarityLoss.FromKerasArguments(KerasProfile.Keras2, empty).Name);
    }

    /// <summary>Keras's metric takes every dtype name Keras knows, integer and bool ones included
    /// (<c>metrics.CosineSimilarity(dtype=tf.int32)</c> in Keras's own <c>test_config</c>), and keeps it in its config.</summary>
    [Theory]
    [MemberData(nameof(KerasMetricDTypes))]
    public void The_metric_takes_every_Keras_dtype_name(string dtype)
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Keras3, dtype: dtype);
        Assert.Equal(dtype, metric.DType);
        Assert.Contains($"\"dtype\":\"{dtype}\"", metric.GetConfig(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_metric_names_its_dtype_when_it_cannot_compute_or_return_in_another()
    {
        var integer = new CosineSimilarityMetric(KerasProfile.Keras2, dtype: "int32");
        var unsupported = Assert.Throws<NotSupportedException>(() => integer.Result());
        Assert.Contains("int32", unsupported.Message, StringComparison.Ordinal);

        var single = new CosineSimilarityMetric(KerasProfile.Keras3);
        var wrongType = Assert.Throws<ArgumentException>(() => single.Result<double>());
        Assert.Contains("float32", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("Double", wrongType.Message, StringComparison.Ordinal);
        Assert.Equal(0f, single.Result<float>());
    }

    [Fact]
    public void The_metric_prints_its_profile_and_config()
    {
        var metric = new CosineSimilarityMetric(KerasProfile.Keras3);
        Assert.Equal("keras3 CosineSimilarity metric " + metric.GetConfig(), metric.ToString());
    }

    [Fact]
    public void Average_loss_errors_name_what_is_wrong()
    {
        var scalar = Assert.Throws<KerasShapeException>(() => AverageLoss.Compute(new ShapedSpan<float>(new float[] { 1 }, [])));
        Assert.StartsWith("Invalid value passed for `per_example_loss`. Expected a tensor with at least rank 1", scalar.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<KerasArgumentException>(() => AverageLoss.Compute(new ShapedSpan<float>(new float[] { 1 }, [1]), globalBatchSize: -3));
        Assert.Contains("-3", negative.Message, StringComparison.Ordinal);
    }

    /// <summary><c>scale_losses_by_sample_weight</c> casts each weighted loss back to float16 before the sum
    /// (profiles.py <c>exact_average_loss</c>): (1 + 2^-10) * 1.5 and (1 + 2^-10) * 1.25 round to 1.501953125 and
    /// 1.2509765625, whose sum 2.7529296875 ties to 2.75390625 (the unrounded products would give 2.751953125).</summary>
    [Fact]
    public void Average_loss_rounds_each_weighted_loss_to_the_losses_dtype()
    {
        Half[] losses = [(Half)1.0009765625, (Half)1.0009765625];
        Half average = AverageLoss.Compute(new ShapedSpan<Half>(losses, [2]), SampleWeight<float>.Tensor(new ShapedSpan<float>(new float[] { 1.5f, 1.25f }, [2])), globalBatchSize: 1);
        Assert.Equal(2.75390625, (double)average);
    }

    /// <summary>A broadcast view (stride 0) of more losses than an array can hold is refused (OverflowException), not
    /// averaged over the first 2^32-th of its elements.</summary>
    [Fact]
    public void Average_loss_refuses_more_losses_than_an_array_holds()
    {
        Assert.Throws<OverflowException>(() => AverageLoss.Compute<float>(new ReadOnlyTensorSpan<float>(new float[] { 1 }, [65537, 65537], [0, 0])));
    }

    private static void AssertBuffer(string name, string phrase, Action call)
    {
        var error = Assert.Throws<ArgumentException>(call);
        Assert.Equal(name, error.ParamName);
        Assert.Contains(phrase, error.Message, StringComparison.Ordinal);
    }

    private static ShapedSpan<T> S<T>(T[] values, params nint[] shape) => new(values, shape);
}

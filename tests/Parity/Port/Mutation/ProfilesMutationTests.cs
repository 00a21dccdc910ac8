using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Replay;
using CosineParity.Tests.Parity;
using Xunit;

namespace CosineParity.Tests.Port.Mutation;

/// <summary>
/// The profiles' names and reduction spellings (<c>src/Port/Profiles</c>), pinned where the fixture sample leaves
/// them unchecked (src/Port/MUTATION.md). The spellings are Keras's own: Keras 2's <c>ReductionV2.all()</c>
/// (<c>keras/utils/losses_utils.py</c>), Keras 3's <c>standardize_reduction</c> (<c>keras/src/losses/loss.py</c>),
/// where Python's <c>None</c> is the unreduced loss. The rank, weight and dtype rules are pinned by the fixture cases
/// that the mutation runs' sample skips (run here by id) or, where no case records them, by inputs whose answer
/// <c>src/TfOracle/python/tforacle/profiles.py</c> (the exact reference) and the Keras sources it cites determine.
/// </summary>
public sealed class ProfilesMutationTests
{
    public static TheoryData<string, string?[]> KerasSpellings => new()
    {
        { "keras2", ["auto", "sum_over_batch_size", "sum", "none"] },
        { "keras3", ["sum_over_batch_size", "sum", "none", null, "mean", "mean_with_sample_weight"] },
    };

    [Theory]
    [InlineData("keras2")]
    [InlineData("keras3")]
    public void A_profile_is_named_as_its_fixture_folder(string name)
    {
        KerasProfile profile = KerasProfile.Parse(name);
        Assert.Equal(name, profile.Name);
        Assert.Equal(name, profile.ToString());
    }

    [Fact]
    public void An_unknown_profile_name_is_an_argument_error_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => KerasProfile.Parse("keras4"));
        Assert.Equal("name", error.ParamName);
        Assert.Contains("'keras4'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KerasSpellings))]
    public void Every_reduction_is_spelled_as_Keras_spells_it_and_reads_back(string name, string?[] spellings)
    {
        KerasProfile profile = KerasProfile.Parse(name);
        string?[] written = profile.Reductions.Select(profile.ReductionName).ToArray();
        Assert.Equal(spellings.OrderBy(s => s ?? "None", StringComparer.Ordinal), written.OrderBy(s => s ?? "None", StringComparer.Ordinal));
        Assert.Equal(spellings[0], profile.ReductionName(profile.DefaultReduction));
        foreach (LossReduction reduction in profile.Reductions)
        {
            Assert.Equal(reduction, profile.ParseReduction(profile.ReductionName(reduction)));
        }
    }

    /// <summary><c>ReductionV2.validate(None)</c>: <c>ValueError: Invalid Reduction Key: None. ...</c>.</summary>
    [Fact]
    public void Keras2_has_no_None_reduction()
    {
        var error = Assert.Throws<KerasArgumentException>(() => KerasProfile.Keras2.ParseReduction(null));
        Assert.StartsWith("Invalid Reduction Key: None.", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Recorded cases the sample of <c>PARITY_FIXTURE_SAMPLE=40</c> leaves out, each the only kind of case
    /// that tells a profile rule from its mutant (src/Port/MUTATION.md names the survivor each one kills).</summary>
    [Theory]
    [InlineData("keras2/special/scalar-inputs/000000")]   // Keras 2 does not expand 0-d inputs: reduce_sum(axis=-1) fails
    [InlineData("keras2/special/scalar-inputs/000001")]
    [InlineData("keras2/fuzz/float32/000042")]            // the bare function squeezes nothing: [12,21] * [12,21,1] fails
    [InlineData("keras2/fuzz/float32/000309")]            // nor does the loss on numpy arrays
    [InlineData("keras3/special/scalar-inputs/000000")]   // ops.normalize expands a 0-d input to [1]
    [InlineData("keras3/special/scalar-inputs/000001")]
    [InlineData("keras3/special/clamp/000059")]           // float32 rsqrt(s) at the cap (its bound allows either branch)
    [InlineData("keras3/distributed/loss/000002")]        // "sum" under 2 replicas: not scaled by 1/2
    [InlineData("keras3/distributed/loss/000014")]
    [InlineData("keras3/fuzz/float64/000065")]            // y_true [4,1], y_pred [4]: y_pred gains the 1 (expand_rank_1)
    [InlineData("keras3/fuzz/float32/000532")]
    public void Fixture_cases_outside_the_sample_pin_the_rank_and_clamp_rules(string id)
    {
        Verdict verdict = CaseReplay.Judge(FixtureCatalog.Case(id));
        Assert.True(verdict.Passed, $"{id}: {verdict.Failure}");
    }

    /// <summary>Where the port mirrors TF's message (fixtures/README: informative, not contractual), its message starts
    /// with the recorded one (up to TF's <c>[Op:...]</c> suffix and final period).</summary>
    [Theory]
    [InlineData("keras2/errors/invalid-reduction/000000")]
    [InlineData("keras3/errors/invalid-reduction/000000")]
    [InlineData("keras3/errors/invalid-reduction/000001")]
    [InlineData("keras2/errors/integer-inputs/000000")]
    [InlineData("keras2/errors/integer-inputs/000001")]
    [InlineData("keras3/errors/integer-inputs/000000")]
    [InlineData("keras2/errors/unknown-argument/000000")]
    [InlineData("keras3/errors/unknown-argument/000000")]
    [InlineData("keras2/distributed/loss/000002")]
    public void An_error_TF_recorded_is_reported_with_TFs_message(string id)
    {
        ParityCase parityCase = FixtureCatalog.Case(id);
        CaseError recorded = parityCase.Expected.Error!;
        PortAnswer answer = PortRunner.Run(parityCase);
        Assert.NotNull(answer.Error);
        Assert.Equal(recorded.Type, answer.TensorFlowErrorType);
        string phrase = recorded.Message.Split(" [Op:")[0].TrimEnd('.');
        Assert.StartsWith(phrase, answer.Error.Message, StringComparison.Ordinal);
    }

    /// <summary>Keras 2's <c>CosineSimilarity.__init__</c> has no <c>dtype</c> parameter: any value, None included, is
    /// an unexpected keyword (<c>TypeError</c>), never a malformed dtype.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData(5)]
    [InlineData("float64")]
    public void Keras2_takes_no_dtype_keyword_whatever_its_value(object? value)
    {
        var arguments = new Dictionary<string, object?> { ["dtype"] = value };
        var error = Assert.Throws<KerasArgumentException>(() => CosineSimilarityLoss.FromKerasArguments(KerasProfile.Keras2, arguments));
        Assert.Equal(TensorFlowErrorType.TypeError, error.TensorFlowError);
        Assert.StartsWith("CosineSimilarity.__init__() got an unexpected keyword argument 'dtype'", error.Message, StringComparison.Ordinal);

        var direct = Assert.Throws<KerasArgumentException>(() => new CosineSimilarityLoss(KerasProfile.Keras2, dtype: KerasDType.Float64));
        Assert.Equal(TensorFlowErrorType.TypeError, direct.TensorFlowError);
        Assert.StartsWith("CosineSimilarity.__init__() got an unexpected keyword argument 'dtype'", direct.Message, StringComparison.Ordinal);
    }

    /// <summary>Keras 2's <c>cosine_similarity</c> runs <c>l2_normalize(y_true)</c>, then <c>l2_normalize(y_pred)</c>,
    /// then their product: an integer input fails at its own normalisation (<c>TypeError</c>, naming its dtype) before
    /// any mixed-dtype <c>Mul</c>; two floating dtypes fail at the <c>Mul</c> (<c>InvalidArgumentError</c>).</summary>
    [Fact]
    public void Keras2_rejects_an_integer_input_at_its_own_normalisation_and_mixed_floats_at_the_product()
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Keras2);
        var integerTrue = Assert.Throws<KerasDTypeException>(() => loss.ResultDType<long, float>());
        Assert.Equal(TensorFlowErrorType.TypeError, integerTrue.TensorFlowError);
        Assert.StartsWith("Cannot convert 1e-12 to EagerTensor of dtype int64", integerTrue.Message, StringComparison.Ordinal);
        Assert.Contains("y_true", integerTrue.Message, StringComparison.Ordinal);

        var integerPred = Assert.Throws<KerasDTypeException>(() => loss.ResultDType<float, long>());
        Assert.Equal(TensorFlowErrorType.TypeError, integerPred.TensorFlowError);
        Assert.StartsWith("Cannot convert 1e-12 to EagerTensor of dtype int64", integerPred.Message, StringComparison.Ordinal);
        Assert.Contains("y_pred", integerPred.Message, StringComparison.Ordinal);

        var function = Assert.Throws<KerasDTypeException>(() => CosineSimilarity.Compute(
            KerasProfile.Keras2, S(new float[] { 1, 0 }, 1, 2), S(new long[] { 1, 0 }, 1, 2)));
        Assert.Equal(TensorFlowErrorType.TypeError, function.TensorFlowError);

        // keras2/errors/mixed-dtypes/000000: "cannot compute Mul as input #1(zero-based) was expected to be a double
        // tensor but is a float tensor"; the port names the dtypes as Keras does.
        var mixed = Assert.Throws<KerasDTypeException>(() => loss.ResultDType<double, float>());
        Assert.Equal(TensorFlowErrorType.InvalidArgumentError, mixed.TensorFlowError);
        Assert.StartsWith("cannot compute Mul as input #1(zero-based) was expected to be a float64 tensor but is a float32 tensor", mixed.Message, StringComparison.Ordinal);
    }

    /// <summary>Keras 3's <c>cosine_similarity</c> computes in <c>y_pred</c>'s dtype, and <c>rsqrt</c> has no int64
    /// kernel (keras3/errors/integer-inputs/000000's message names the dtype).</summary>
    [Fact]
    public void Keras3_names_the_integer_dtype_it_cannot_normalise()
    {
        var error = Assert.Throws<KerasDTypeException>(() => CosineSimilarity.Compute(
            KerasProfile.Keras3, S(new float[] { 1, 0 }, 1, 2), S(new long[] { 1, 0 }, 1, 2)));
        Assert.StartsWith("Value for attr 'T' of int64 is not in the list of allowed values", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Keras 3's <c>standardize_reduction</c> names the reduction it received
    /// (keras3/errors/invalid-reduction/000001: <c>Received: reduction=auto</c>).</summary>
    [Fact]
    public void Keras3_names_the_reduction_it_does_not_know()
    {
        var error = Assert.Throws<KerasArgumentException>(() => KerasProfile.Keras3.ParseReduction("auto"));
        Assert.Equal(
            "Invalid value for argument `reduction`. Expected one of {'sum_over_batch_size', 'sum', 'mean_with_sample_weight', 'mean', 'none', None}. Received: reduction=auto",
            error.Message);
        var built = Assert.Throws<KerasArgumentException>(() => new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.Auto));
        Assert.StartsWith("Invalid value for argument `reduction`.", built.Message, StringComparison.Ordinal);
        Assert.EndsWith("Received: reduction=Auto", built.Message, StringComparison.Ordinal);
    }

    /// <summary><c>Loss._get_reduction</c> refuses a mean-like reduction under a strategy (keras2/distributed/loss/000000
    /// records the message); the port adds which reduction and how many replicas.</summary>
    [Fact]
    public void Keras2_names_the_reduction_and_replicas_it_refuses_under_a_strategy()
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Keras2, reduction: LossReduction.SumOverBatchSize);
        var error = Assert.Throws<KerasDistributionException>(() => loss.Compute<double, double, double>(
            S(new double[] { 1, 0 }, 1, 2), S(new double[] { 1, 0 }, 1, 2), context: LossContext.InReplicaContext(3)));
        Assert.StartsWith("Please use `tf.keras.losses.Reduction.SUM` or `tf.keras.losses.Reduction.NONE` for loss reduction when losses are used with `tf.distribute.Strategy`, except for specifying losses in `Model.compile()` for use by the built-in training looop `Model.fit()`", error.Message, StringComparison.Ordinal);
        Assert.Contains("sum_over_batch_size", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 replicas", error.Message, StringComparison.Ordinal);
    }

    /// <summary><c>compute_weighted_loss</c> converts a Python number with <c>tf.convert_to_tensor</c> first
    /// (profiles.py <c>tf_weight</c>): an int stays exact (int32, cast to float64 exactly), a float becomes float32.
    /// 16777217 = 2^24 + 1 is the first integer float32 cannot hold.</summary>
    [Fact]
    public void Keras2_weighs_by_a_Python_int_exactly_and_by_a_Python_float_through_float32()
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Keras2, reduction: LossReduction.Sum);
        double[] same = [1, 0];
        Assert.Equal(-16777217.0, loss.Compute(S(same, 1, 2), S(same, 1, 2), SampleWeight<double>.Scalar(16777217L)).Scalar);
        Assert.Equal(-16777216.0, loss.Compute(S(same, 1, 2), S(same, 1, 2), SampleWeight<double>.Scalar(16777217.0)).Scalar);
    }

    /// <summary>Keras 2's <c>compute_weighted_loss</c> multiplies <c>losses * weight</c> with broadcasting after
    /// <c>squeeze_or_expand_dimensions</c> (profiles.py <c>Keras2.weigh</c>), so the weighted losses take the broadcast
    /// shape: losses <c>[1]</c> and a weight <c>[3]</c> (same rank, left as is) give <c>[3]</c>, and the mean divides by
    /// those 3 elements.</summary>
    [Fact]
    public void Keras2_weighted_losses_take_the_broadcast_shape_of_losses_and_weight()
    {
        double[] truth = [1, 0];
        double[] prediction = [-1, 0];   // cosine -1: loss 1
        double[] weight = [1, 2, 4];
        var none = new CosineSimilarityLoss(KerasProfile.Keras2, reduction: LossReduction.None);
        ShapedArray<double> weighted = none.Compute(S(truth, 1, 2), S(prediction, 1, 2), SampleWeight<double>.Tensor(S(weight, 3)));
        Assert.Equal([3], weighted.Shape);
        Assert.Equal([1.0, 2, 4], weighted.Values.ToArray());
        Assert.Equal([3], none.GetResultShape(S(truth, 1, 2), S(prediction, 1, 2), SampleWeight<double>.Tensor(S(weight, 3))));

        var mean = new CosineSimilarityLoss(KerasProfile.Keras2, reduction: LossReduction.SumOverBatchSize);
        Assert.Equal(7.0 / 3, mean.Compute(S(truth, 1, 2), S(prediction, 1, 2), SampleWeight<double>.Tensor(S(weight, 3))).Scalar, 15);
    }

    /// <summary>Keras 2's metric (<c>Reduce.update_state</c>, profiles.py <c>Keras2.metric_update</c>): a weight that
    /// passes <c>broadcast_weights</c>' static check is broadcast to the values and counted broadcast: values
    /// <c>[2,3]</c> = [[1,1,0],[-1,0,0]], weight <c>[2,1]</c> = [[1],[3]] give (2 - 3) / (3 + 9).</summary>
    [Fact]
    public void Keras2_metric_counts_a_broadcastable_weight_after_broadcasting_it()
    {
        double[] truth = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0];
        double[] prediction = [1, 0, 1, 0, 0, 1, -1, 0, 0, 1, 0, 1];
        var metric = new CosineSimilarityMetric(KerasProfile.Keras2, dtype: "float64");
        metric.Update(S(truth, 2, 3, 2), S(prediction, 2, 3, 2), SampleWeight<double>.Tensor(S(new double[] { 1, 3 }, 2, 1)));
        Assert.Equal(-1.0 / 12, metric.Result(), 15);
    }

    /// <summary>A weight of the values' rank that fails the static check (a dimension neither 1 nor the values') takes
    /// the <c>ValueError</c> path: no mean (the ranks are equal), <c>values * weight</c> broadcast, the weight counted
    /// as given: values <c>[2,1]</c> = [[1],[-1]], weight <c>[2,3]</c> = [[1,2,3],[1,1,1]] give (6 - 3) / 9.</summary>
    [Fact]
    public void Keras2_metric_multiplies_a_weight_that_fails_the_static_check_and_counts_it_unbroadcast()
    {
        double[] truth = [1, 0, 1, 0];
        double[] prediction = [1, 0, -1, 0];
        var metric = new CosineSimilarityMetric(KerasProfile.Keras2, dtype: "float64");
        metric.Update(S(truth, 2, 1, 2), S(prediction, 2, 1, 2), SampleWeight<double>.Tensor(S(new double[] { 1, 2, 3, 1, 1, 1 }, 2, 3)));
        Assert.Equal(1.0 / 3, metric.Result(), 15);
    }

    /// <summary>A weight two ranks higher than the values (<c>squeeze_or_expand_dimensions</c> leaves it) also takes
    /// the <c>ValueError</c> path; <c>reduce_mean</c> over no axes leaves the values: values <c>[2]</c> = [1,-1], weight
    /// <c>[3,1,2]</c> = [[[1,2]],[[3,4]],[[5,6]]] give (1 - 2 + 3 - 4 + 5 - 6) / 21.</summary>
    [Fact]
    public void Keras2_metric_multiplies_a_weight_of_higher_rank_without_a_mean()
    {
        double[] truth = [1, 0, 1, 0];
        double[] prediction = [1, 0, -1, 0];
        var metric = new CosineSimilarityMetric(KerasProfile.Keras2, dtype: "float64");
        metric.Update(S(truth, 2, 2), S(prediction, 2, 2), SampleWeight<double>.Tensor(S(new double[] { 1, 2, 3, 4, 5, 6 }, 3, 1, 2)));
        Assert.Equal(-3.0 / 21, metric.Result(), 15);
    }

    /// <summary>Keras 3's <c>reduce_to_samplewise_values</c> runs <c>ops.broadcast_to(sample_weight, values.shape)</c>:
    /// a weight of higher rank than the values cannot be broadcast to them (TF's <c>BroadcastTo</c> fails), and the
    /// port's error names both shapes.</summary>
    [Fact]
    public void Keras3_metric_cannot_broadcast_a_weight_of_higher_rank_to_the_values()
    {
        double[] truth = [1, 0, 1, 0];
        double[] prediction = [1, 0, -1, 0];
        var metric = new CosineSimilarityMetric(KerasProfile.Keras3, dtype: "float64");
        var error = Assert.Throws<KerasShapeException>(() => metric.Update(
            S(truth, 2, 2), S(prediction, 2, 2), SampleWeight<double>.Tensor(S(new double[] { 1, 2, 3, 4, 5, 6 }, 3, 2))));
        Assert.Contains("[3,2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2]", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, metric.Result());
    }

    /// <summary>
    /// Keras 3 at the cap's tie in float32: y_pred = 1.0000000116860974e-07 (keras3/special/clamp/000059's input) has
    /// fl(rsqrt(fl(x * x))) = fl(1e7), and <c>_MinimumGrad</c>'s <c>less_equal</c> sends the gradient through
    /// <c>rsqrt</c>; TF recorded the gradient by y_pred as 0 (r - s r^3 = 0 for a one-element row). Were the tie held,
    /// it would be -r = -1e7 (that case's bound admits both branches, so the case alone cannot tell).
    /// </summary>
    [Fact]
    public void Keras3_tie_at_the_cap_lets_the_gradient_through()
    {
        float x = 1.0000000116860974e-07f;
        Assert.Equal(1e7f, 1 / MathF.Sqrt(x * x));
        var loss = new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.None);
        float[] grad = loss.ComputeWithGradients<float, float, float>(S(new float[] { 1, -1 }, 2, 1), S(new float[] { x, x }, 2, 1)).YPred!.Values.ToArray();
        Assert.All(grad, g => Assert.True(Math.Abs(g) < 1e3, $"the tie was held: {g}"));
    }

    private static ShapedSpan<T> S<T>(T[] values, params nint[] shape) => new(values, shape);
}

using System;
using System.Collections.Generic;

namespace CosineParity;

/// <summary>
/// Keras 3 (3.15.1 on TF 2.21, <c>tf.keras</c> since TF 2.16): <c>ops.normalize</c> caps <c>rsqrt</c> of the sum of
/// squares at <c>fl(1 / 1e-7)</c> (infinite in float16); the loss casts both inputs to its <c>dtype</c> (float32 by
/// default), the function casts <c>y_true</c> to <c>y_pred</c>'s dtype; <c>squeeze_or_expand_to_same_rank</c>
/// reconciles inputs, weights and masks; empty or 0-d losses stay unreduced; <c>divide_no_nan</c> everywhere.
/// </summary>
internal sealed class Keras3Profile : KerasProfile
{
    private static readonly LossReduction[] Accepted =
    [
        LossReduction.SumOverBatchSize, LossReduction.Sum, LossReduction.None, LossReduction.Unreduced,
        LossReduction.Mean, LossReduction.MeanWithSampleWeight,
    ];

    private static readonly ConfigKey[] LossConfig = [ConfigKey.Name, ConfigKey.Reduction];

    private static readonly ConfigKey[] MetricConfig = [ConfigKey.DType, ConfigKey.Name];

    public override string Name => "keras3";

    public override IReadOnlyList<LossReduction> Reductions => Accepted;

    internal override bool TakesDTypeArgument => true;

    internal override bool NormalizesScalarsAsVectors => true;

    // Keras 3.15.1's CosineSimilarity.get_config is Loss.get_config, and the metric's writes name and dtype: neither
    // keeps the axis (nor the loss its dtype), so from_config rebuilds axis=-1.
    internal override IReadOnlyList<ConfigKey> LossConfigKeys => LossConfig;

    internal override IReadOnlyList<ConfigKey> MetricConfigKeys => MetricConfig;

    public override LossReduction ParseReduction(string? keras) => keras switch
    {
        "sum_over_batch_size" => LossReduction.SumOverBatchSize,
        "sum" => LossReduction.Sum,
        "none" => LossReduction.None,
        null => LossReduction.Unreduced,
        "mean" => LossReduction.Mean,
        "mean_with_sample_weight" => LossReduction.MeanWithSampleWeight,
        _ => throw InvalidReduction(keras),
    };

    public override string? ReductionName(LossReduction reduction) => reduction switch
    {
        LossReduction.SumOverBatchSize => "sum_over_batch_size",
        LossReduction.Sum => "sum",
        LossReduction.None => "none",
        LossReduction.Unreduced => null,
        LossReduction.Mean => "mean",
        LossReduction.MeanWithSampleWeight => "mean_with_sample_weight",
        _ => throw InvalidReduction(reduction.ToString()),
    };

    internal override KerasArgumentException InvalidReduction(string spelling) => new(
        "Invalid value for argument `reduction`. Expected one of {'sum_over_batch_size', 'sum', 'mean_with_sample_weight', "
        + $"'mean', 'none', None}}. Received: reduction={spelling}", TensorFlowErrorType.ValueError);

    internal override void ValidateDTypeArgument(KerasDType? dtypeArgument)
    {
    }

    // Loss.__call__ converts both inputs to the loss dtype (floatx() unless given), integers included.
    internal override KerasDType LossDType<TTrue, TPred>(KerasDType? dtypeArgument) => dtypeArgument ?? KerasDType.Float32;

    // cosine_similarity casts y_true to y_pred's dtype; rsqrt has no integer kernel.
    internal override KerasDType FunctionDType<TTrue, TPred>()
    {
        if (!Element.IsFloating<TPred>())
        {
            throw new KerasDTypeException(
                $"Value for attr 'T' of {Element.Name<TPred>()} is not in the list of allowed values: bfloat16, half, float, double, complex64, complex128 (the function computes in y_pred's dtype)");
        }

        return KerasDTypes.Of<TPred>();
    }

    internal override void AlignInputs(ref Operand yTrue, ref Operand yPred, bool forLoss, InputKind kind)
    {
        SameRank(ref yTrue, ref yPred);
    }

    // min(rsqrt(sum of squares), fl(1 / 1e-7)); rsqrt(0) = inf is capped (float16's cap is inf itself).
    internal override double InverseNorm(double squareSum, Precision precision) =>
        Math.Min(precision.Round(1 / Math.Sqrt(squareSum)), precision.Round(1.0 / 1e-7));

    // _MinimumGrad: less_equal(rsqrt(s), cap) selects the branch; a zero vector (rsqrt = inf) is held by the cap,
    // except in float16, whose cap is inf itself (keras3/special/zero-rows/000000; keras3/special/clamp/000009, tag
    // at-clamp, holds the threshold as a branch; GradientTests pins the select and the zero-gradient rule).
    // The inverse norm is min(rsqrt(s), cap): below the cap it is rsqrt(s) itself; at the cap rsqrt(s) may be above
    // it (held) or equal (a tie, which passes), so only then is rsqrt(s) computed again.
    internal override bool ClampPassesGradient(double squareSum, double inverseNorm, Precision precision) =>
        inverseNorm < precision.Round(1.0 / 1e-7) || precision.Round(1 / Math.Sqrt(squareSum)) <= precision.Round(1.0 / 1e-7);

    internal override double ScalarWeight(double value, bool isInteger, Precision precision) => precision.Round(value);

    internal override WeightingPlan PlanWeighting(int[] lossDims, int[]? weightDims, int[]? maskDims, LossReduction reduction, int? replicas)
    {
        bool meanLike = reduction is LossReduction.Mean or LossReduction.SumOverBatchSize;
        BroadcastPlan? weightTimesMask = null;
        int[]? weight = weightDims;
        if (maskDims is not null)
        {
            // apply_mask: squeeze_or_expand_to_same_rank(mask, sample_weight), then sample_weight * mask.
            if (weight is not null)
            {
                (int[] mask, int[] aligned) = SameRank(maskDims, weight);
                weightTimesMask = BroadcastPlan.Create(aligned, mask);
                weight = weightTimesMask.Output;
            }
            else
            {
                weight = maskDims;
            }
        }

        int[] weighted = lossDims;
        BroadcastPlan? lossTimesWeight = null;
        if (weight is not null)
        {
            (int[] losses, int[] aligned) = SameRank(lossDims, weight);
            lossTimesWeight = BroadcastPlan.Create(losses, aligned);
            weighted = lossTimesWeight.Output;
        }

        // reduce_values returns the values as they are when their static shape is () or (0,).
        bool unreduced = reduction is LossReduction.None or LossReduction.Unreduced
            || weighted.Length == 0 || (weighted.Length == 1 && weighted[0] == 0);
        return new WeightingPlan
        {
            MaskFolding = maskDims is null ? MaskFolding.None : meanLike ? MaskFolding.ScaledNoNan : MaskFolding.Plain,
            WeightTimesMask = weightTimesMask,
            LossTimesWeight = lossTimesWeight,
            WeightedDims = weighted,
            // scale_loss_for_distribution: the mean-like reductions divide by the replicas in sync themselves.
            ReplicaScale = unreduced || reduction is LossReduction.Sum || replicas is not > 1 ? null : 1.0 / replicas.Value,
            Reduction = unreduced ? ReductionStep.Unreduced
                : reduction == LossReduction.Sum ? ReductionStep.Sum
                : reduction == LossReduction.MeanWithSampleWeight && weight is not null ? ReductionStep.DivideByWeightSum
                : ReductionStep.DivideByCount,
        };
    }

    // MeanMetricWrapper computes the cosine as the function does, in y_pred's dtype; Mean casts it afterwards.
    internal override KerasDType MetricCosineDType<TTrue, TPred>(KerasDType metricDType) => FunctionDType<TTrue, TPred>();

    // reduce_to_samplewise_values: squeeze_or_expand_to_same_rank(values, weight), the values' mean down to the
    // weight's rank, broadcast_to(weight, values' shape), values * weight, then the weighted values and the weight
    // each averaged per sample. count += sum(weight), or without a weight the batch size (1 for 0-d values); so a 0-d
    // weight counts the whole batch as one sample.
    internal override MetricWeightingPlan PlanMetricUpdate(int[] valueDims, int[]? weightDims)
    {
        if (weightDims is null)
        {
            return new MetricWeightingPlan { ValueDims = valueDims, SampleMeanFrom = 1 };
        }

        (int[] values, int[] weight) = SameRank(valueDims, weightDims);
        int[] meaned = values.Length > weight.Length ? values[..weight.Length] : values;
        BroadcastPlan toValues = BroadcastPlan.Create(weight, meaned);
        if (!Shape.SameDims(toValues.Output, meaned))
        {
            throw new KerasShapeException(
                $"Unable to broadcast the sample weight of shape {Shape.Format(weight)} to the values' shape {Shape.Format(meaned)} (broadcast_to)");
        }

        return new MetricWeightingPlan
        {
            ValueDims = values,
            ValuesMeanFrom = weight.Length,
            WeightDims = weight,
            WeightToValues = toValues,
            ValuesTimesWeight = BroadcastPlan.Create(meaned, meaned),
            SampleMeanFrom = 1,
        };
    }

    internal override KerasArgumentException InvalidDTypeName(string name) => new($"Invalid dtype: {name}", TensorFlowErrorType.ValueError);

    /// <summary><c>squeeze_or_expand_to_same_rank(x1, x2)</c>: only a trailing 1 of the tensor one rank higher goes,
    /// unless the other is rank 1, which then gains one.</summary>
    private static void SameRank(ref Operand x1, ref Operand x2)
    {
        if (x1.Rank == x2.Rank + 1 && x1.Last == 1)
        {
            if (x2.Rank == 1)
            {
                x2.ExpandLast();
            }
            else
            {
                x1.SqueezeLast();
            }
        }
        else if (x2.Rank == x1.Rank + 1 && x2.Last == 1)
        {
            if (x1.Rank == 1)
            {
                x1.ExpandLast();
            }
            else
            {
                x2.SqueezeLast();
            }
        }
    }

    private static (int[] First, int[] Second) SameRank(int[] first, int[] second)
    {
        var a = new Operand(first, Shape.DenseStrides(first));
        var b = new Operand(second, Shape.DenseStrides(second));
        SameRank(ref a, ref b);
        return (a.Dims, b.Dims);
    }
}

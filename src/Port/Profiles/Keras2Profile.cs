using System;
using System.Collections.Generic;

namespace CosineParity;

/// <summary>
/// Keras 2 (<c>tf_keras</c> 2.21 = <c>tf.keras</c> of TF 2.0-2.15): <c>tf.linalg.l2_normalize</c> clamps the sum of
/// squares at <c>fl(1e-12)</c> (0 in float16); nothing is cast, so both inputs must share one floating dtype; the loss
/// squeezes a trailing 1 of the input a rank higher (tensors only); weights and masks follow TF's
/// <c>squeeze_or_expand_dimensions</c>; reductions divide by the element count of the weighted losses.
/// </summary>
internal sealed class Keras2Profile : KerasProfile
{
    private static readonly LossReduction[] Accepted =
        [LossReduction.Auto, LossReduction.SumOverBatchSize, LossReduction.Sum, LossReduction.None];

    private static readonly ConfigKey[] LossConfig = [ConfigKey.Axis, ConfigKey.Fn, ConfigKey.Name, ConfigKey.Reduction];

    private static readonly ConfigKey[] MetricConfig = [ConfigKey.Axis, ConfigKey.DType, ConfigKey.Name];

    public override string Name => "keras2";

    public override IReadOnlyList<LossReduction> Reductions => Accepted;

    internal override bool TakesDTypeArgument => false;

    internal override bool NormalizesScalarsAsVectors => false;

    // LossFunctionWrapper writes the function's kwargs (axis) and its name beside Loss's name and reduction;
    // MeanMetricWrapper the kwargs beside Metric's name and dtype.
    internal override IReadOnlyList<ConfigKey> LossConfigKeys => LossConfig;

    internal override IReadOnlyList<ConfigKey> MetricConfigKeys => MetricConfig;

    public override LossReduction ParseReduction(string? keras) => keras switch
    {
        "auto" => LossReduction.Auto,
        "sum_over_batch_size" => LossReduction.SumOverBatchSize,
        "sum" => LossReduction.Sum,
        "none" => LossReduction.None,
        _ => throw InvalidReduction(keras ?? "None"),
    };

    public override string? ReductionName(LossReduction reduction) => reduction switch
    {
        LossReduction.Auto => "auto",
        LossReduction.SumOverBatchSize => "sum_over_batch_size",
        LossReduction.Sum => "sum",
        LossReduction.None => "none",
        _ => throw InvalidReduction(reduction.ToString()),
    };

    internal override KerasArgumentException InvalidReduction(string spelling) => new(
        $"Invalid Reduction Key: {spelling}. Expected keys are \"('auto', 'none', 'sum', 'sum_over_batch_size')\"",
        TensorFlowErrorType.ValueError);

    internal override void ValidateDTypeArgument(KerasDType? dtypeArgument)
    {
        if (dtypeArgument is not null)
        {
            throw new KerasArgumentException(
                "CosineSimilarity.__init__() got an unexpected keyword argument 'dtype': Keras 2 computes in the inputs' dtype",
                TensorFlowErrorType.TypeError);
        }
    }

    // l2_normalize runs on each input as it is, then y_true * y_pred multiplies them without a cast.
    internal override KerasDType LossDType<TTrue, TPred>(KerasDType? dtypeArgument) => InputsDType<TTrue, TPred>();

    internal override KerasDType FunctionDType<TTrue, TPred>() => InputsDType<TTrue, TPred>();

    private static KerasDType InputsDType<TTrue, TPred>()
    {
        RequireFloating<TTrue>("y_true");
        RequireFloating<TPred>("y_pred");
        if (typeof(TTrue) != typeof(TPred))
        {
            throw new KerasDTypeException(
                $"cannot compute Mul as input #1(zero-based) was expected to be a {Element.Name<TTrue>()} tensor but is a {Element.Name<TPred>()} tensor: Keras 2 does not cast y_true to y_pred's dtype");
        }

        return KerasDTypes.Of<TPred>();
    }

    private static void RequireFloating<T>(string name)
    {
        if (!Element.IsFloating<T>())
        {
            throw new KerasDTypeException(
                $"Cannot convert 1e-12 to EagerTensor of dtype {Element.Name<T>()}: Keras 2's l2_normalize needs a floating {name}",
                TensorFlowErrorType.TypeError);
        }
    }

    // LossFunctionWrapper squeezes only when both inputs are tensors: squeeze_or_expand_dimensions(y_pred, y_true)
    // removes a trailing 1 of the input that is one rank higher.
    internal override void AlignInputs(ref Operand yTrue, ref Operand yPred, bool forLoss, InputKind kind)
    {
        if (!forLoss || kind == InputKind.NumPy)
        {
            return;
        }

        int diff = yPred.Rank - yTrue.Rank;
        if (diff == 1 && yPred.Last == 1)
        {
            yPred.SqueezeLast();
        }
        else if (diff == -1 && yTrue.Last == 1)
        {
            yTrue.SqueezeLast();
        }
    }

    // rsqrt(max(sum of squares, fl(1e-12))); in float16 the epsilon rounds to 0, so a zero vector gives rsqrt(0) = inf.
    internal override double InverseNorm(double squareSum, Precision precision) =>
        precision.Round(1 / Math.Sqrt(Math.Max(squareSum, precision.Round(1e-12))));

    // _MaximumGrad: greater_equal(s, eps) selects the branch, so a tie goes through. The fixtures at the threshold
    // (keras2/special/clamp/000009, tag at-clamp) hold such gradients as branches; GradientTests pins the tie.
    internal override bool ClampPassesGradient(double squareSum, double inverseNorm, Precision precision) => squareSum >= precision.Round(1e-12);

    // compute_weighted_loss runs tf.convert_to_tensor first: a Python float becomes float32 before the cast to the
    // loss dtype (2.175 weighs float64 losses by 2.1749999523162842); a Python int is exact.
    internal override double ScalarWeight(double value, bool isInteger, Precision precision) =>
        precision.Round(isInteger ? value : (float)value);

    internal override WeightingPlan PlanWeighting(int[] lossDims, int[]? weightDims, int[]? maskDims, LossReduction reduction, int? replicas)
    {
        bool meanLike = reduction is LossReduction.Auto or LossReduction.SumOverBatchSize;
        if (meanLike && replicas is not null)
        {
            // Loss._get_reduction: a mean over one replica's batch would be averaged again across replicas.
            throw new KerasDistributionException(
                "Please use `tf.keras.losses.Reduction.SUM` or `tf.keras.losses.Reduction.NONE` for loss reduction when losses are used with `tf.distribute.Strategy`, "
                + $"except for specifying losses in `Model.compile()` for use by the built-in training looop `Model.fit()` (reduction {ReductionName(reduction)}, {replicas} replicas)");
        }

        BroadcastPlan? weightTimesMask = null;
        int[]? weight = weightDims;
        if (maskDims is not null)
        {
            // apply_valid_mask, then apply_mask: the weight aligned to the mask's rank, times the mask.
            if (weight is not null)
            {
                weightTimesMask = BroadcastPlan.Create(Shape.AlignWeight(maskDims, weight), maskDims);
                weight = weightTimesMask.Output;
            }
            else
            {
                weight = maskDims;
            }
        }

        // compute_weighted_loss: squeeze_or_expand_dimensions(losses, None, weight), then losses * weight. Without a
        // weight it multiplies by 1.0, which changes nothing.
        BroadcastPlan? lossTimesWeight = weight is null ? null : BroadcastPlan.Create(lossDims, Shape.AlignWeight(lossDims, weight));
        return new WeightingPlan
        {
            MaskFolding = maskDims is null ? MaskFolding.None : meanLike ? MaskFolding.ScaledByDivision : MaskFolding.Plain,
            WeightTimesMask = weightTimesMask,
            LossTimesWeight = lossTimesWeight,
            WeightedDims = lossTimesWeight?.Output ?? lossDims,
            Reduction = reduction switch
            {
                LossReduction.None => ReductionStep.Unreduced,
                LossReduction.Sum => ReductionStep.Sum,
                _ => ReductionStep.DivideByCount,
            },
        };
    }

    // MeanMetricWrapper.update_state casts y_true and y_pred to the metric dtype before the cosine.
    internal override KerasDType MetricCosineDType<TTrue, TPred>(KerasDType metricDType) => metricDType;

    // Reduce.update_state: squeeze_or_expand_dimensions(values, None, weight); broadcast_weights where its static
    // check passes (a 0-d weight, or one of the values' rank whose every dimension is 1 or theirs), else (its
    // ValueError) the values' mean down to the weight's rank; then values * weight. count += sum(weight), or
    // without a weight the number of values.
    internal override MetricWeightingPlan PlanMetricUpdate(int[] valueDims, int[]? weightDims)
    {
        if (weightDims is null)
        {
            return new MetricWeightingPlan { ValueDims = valueDims };
        }

        int[] weight = Shape.AlignWeight(valueDims, weightDims);
        if (BroadcastsTo(weight, valueDims))
        {
            return new MetricWeightingPlan
            {
                ValueDims = valueDims,
                WeightDims = weight,
                WeightToValues = BroadcastPlan.Create(weight, valueDims),
                ValuesTimesWeight = BroadcastPlan.Create(valueDims, valueDims),
            };
        }

        int[] meaned = weight.Length < valueDims.Length ? valueDims[..weight.Length] : valueDims;
        return new MetricWeightingPlan
        {
            ValueDims = valueDims,
            ValuesMeanFrom = weight.Length,
            WeightDims = weight,
            ValuesTimesWeight = BroadcastPlan.Create(meaned, weight),
        };
    }

    internal override KerasArgumentException InvalidDTypeName(string name) => new(
        $"Cannot convert the argument `type_value`: '{name}' to a TensorFlow DType.", TensorFlowErrorType.TypeError);

    /// <summary>The static check of TF's <c>broadcast_weights</c> (<c>assert_broadcastable</c>).</summary>
    private static bool BroadcastsTo(int[] weight, int[] values)
    {
        if (weight.Length == 0)
        {
            return true;
        }

        if (weight.Length != values.Length)
        {
            return false;
        }

        for (int i = 0; i < weight.Length; i++)
        {
            if (weight[i] != 1 && weight[i] != values[i])
            {
                return false;
            }
        }

        return true;
    }
}

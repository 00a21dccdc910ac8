using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Reference;

/// <summary><c>tf_keras</c> 2.21 (= <c>tf.keras</c> up to TF 2.15): <c>tf.linalg.l2_normalize</c>
/// (<c>rsqrt(max(s, 1e-12))</c>), no casts (computes in <c>y_pred</c>'s dtype), ReductionV2 names.</summary>
internal sealed class Keras2Rules : GenerationRules
{
    public static Keras2Rules Instance { get; } = new();

    public override string DefaultReduction => "auto";

    public override NormClamp Clamp(FloatFormat format) => NormClamp.MaxWith(format.Round(1e-12));

    public override FloatFormat LossFormat(CaseArgs args, TensorData yTrue, TensorData yPred) => FunctionFormat(yTrue, yPred);

    public override FloatFormat FunctionFormat(TensorData yTrue, TensorData yPred)
    {
        FloatFormat format = Floating(yPred.DType, "y_pred");
        if (yTrue.DType != yPred.DType)
        {
            // cosine_similarity casts nothing: TF's Mul refuses two dtypes
            throw new ReferenceRejectedException($"y_true is {yTrue.DType.CaseName()}, y_pred {yPred.DType.CaseName()}");
        }

        return format;
    }

    public override (NdArray<Bounded> True, NdArray<Bounded> Pred) AlignForLoss(CaseArgs args, NdArray<Bounded> t, NdArray<Bounded> p)
    {
        if (args.IsNumpyInput)
        {
            return (t, p);   // LossFunctionWrapper squeezes only when both are tf tensors
        }

        // losses_utils.squeeze_or_expand_dimensions(y_pred, y_true) with static ranks
        int diff = p.Rank - t.Rank;
        if (diff == 1 && p.Shape[^1] == 1)
        {
            return (t, p.SqueezeLast());
        }

        if (diff == -1 && t.Shape[^1] == 1)
        {
            return (t.SqueezeLast(), p);
        }

        return (t, p);
    }

    public override (NdArray<Bounded> True, NdArray<Bounded> Pred) AlignForFunction(NdArray<Bounded> t, NdArray<Bounded> p) => (t, p);

    /// <summary><c>compute_weighted_loss</c> runs <c>tf.convert_to_tensor</c> first: a Python float becomes float32
    /// before the cast, so <c>2.175</c> weighs float64 losses by <c>2.1749999523162842</c>.</summary>
    public override NdArray<Bounded> Weight(CaseInput weight, FloatFormat format) => WeightTensor(weight, format, TensorDType.Float32);

    /// <summary><c>apply_valid_mask</c>: the mask in the loss dtype, times <c>total / valid</c> with a plain <c>/</c> for
    /// auto/sum_over_batch_size (all masked: <c>0 * inf = NaN</c>); then <c>apply_mask</c>: the weight aligned to the
    /// mask's rank and multiplied by it, or the mask alone.</summary>
    public override NdArray<Bounded> ApplyMask(NdArray<Bounded>? weight, TensorData mask, string? reduction, FloatFormat format)
    {
        NdArray<Bounded> floatMask = InputRule.Mask(mask, format);
        if (OneOf(reduction, "auto", "sum_over_batch_size"))
        {
            floatMask = NdArrays.Multiply(floatMask, NdArray<Bounded>.Scalar(Bounded.Exact(MaskScale(mask, format))));
        }

        return weight is null ? floatMask : NdArrays.Multiply(AlignWeight(floatMask.Rank, weight), floatMask);
    }

    /// <summary>The weight (1 without one) aligned to the losses' rank, then multiplied.</summary>
    public override (NdArray<T> Weighted, NdArray<Bounded>? Weight) Weigh<T>(NdArray<T> losses, NdArray<Bounded>? weight, ILossAlgebra<T> algebra)
    {
        NdArray<Bounded> aligned = AlignWeight(losses.Rank, weight ?? NdArray<Bounded>.Scalar(Bounded.Exact(1)));
        return (Weighed(losses, aligned, algebra), aligned);
    }

    /// <summary>Under a strategy auto/sum_over_batch_size raise (outside <c>fit</c>); sum/none are not scaled.</summary>
    public override NdArray<T> Reduce<T>(NdArray<T> weighted, NdArray<Bounded>? weight, LossWeighting call, FloatFormat format, ILossAlgebra<T> algebra)
    {
        if (call.Reduction == "none")
        {
            return weighted;
        }

        T sum = algebra.Total(weighted);
        return NdArray<T>.Scalar(call.Reduction == "sum" ? sum : algebra.DivideNoNan(sum, Count(weighted.Size, format)));
    }

    protected override bool Accepts(string? reduction, int replicas) =>
        replicas > 1 ? OneOf(reduction, "sum", "none") : OneOf(reduction, "auto", "sum_over_batch_size", "sum", "none");

    /// <summary><c>squeeze_or_expand_dimensions(values, None, weight)</c>: a weight one rank higher loses its last
    /// dim, one rank lower gains one, a scalar stays.</summary>
    private static NdArray<Bounded> AlignWeight(int valuesRank, NdArray<Bounded> weight)
    {
        if (weight.Rank > 0)
        {
            if (weight.Rank - valuesRank == 1)
            {
                return weight.SqueezeLast();
            }

            if (valuesRank - weight.Rank == 1)
            {
                return weight.ExpandLast();
            }
        }

        return weight;
    }
}

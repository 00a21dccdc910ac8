using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Reference;

/// <summary>Keras 3.15.1 on TF 2.21: <c>ops.normalize</c> (<c>1/norm</c> capped at <c>1/1e-7</c>), the loss class
/// casting both inputs to its dtype (<c>float32</c> unless <c>dtype</c> says otherwise), the function casting
/// <c>y_true</c> to <c>y_pred</c>'s dtype, <c>squeeze_or_expand_to_same_rank</c>, <c>divide_no_nan</c> means.</summary>
internal sealed class Keras3Rules : GenerationRules
{
    public static Keras3Rules Instance { get; } = new();

    public override string DefaultReduction => "sum_over_batch_size";

    /// <summary>min(rsqrt(s), 1/epsilon) with <c>backend.epsilon() = 1e-7</c> (<c>inf</c> in float16).</summary>
    public override NormClamp Clamp(FloatFormat format) => NormClamp.MinWith(format.Round(1.0 / 1e-7));

    public override FloatFormat LossFormat(CaseArgs args, TensorData yTrue, TensorData yPred)
    {
        if (args.DType is null)
        {
            return FloatFormat.Float32;   // floatx()
        }

        return FloatFormat.Named(args.DType) ?? throw new ReferenceRejectedException($"loss dtype '{args.DType}' is not a float dtype");
    }

    public override FloatFormat FunctionFormat(TensorData yTrue, TensorData yPred) => Floating(yPred.DType, "y_pred");

    public override (NdArray<Bounded> True, NdArray<Bounded> Pred) AlignForLoss(CaseArgs args, NdArray<Bounded> t, NdArray<Bounded> p) => SameRank(t, p);

    public override (NdArray<Bounded> True, NdArray<Bounded> Pred) AlignForFunction(NdArray<Bounded> t, NdArray<Bounded> p) => SameRank(t, p);

    /// <summary><c>ops.normalize</c> expands a 0-d input to shape <c>[1]</c>.</summary>
    public override NdArray<Bounded> Normalizable(NdArray<Bounded> x) => x.Rank == 0 ? x.Reshape([1]) : x;

    /// <summary>A Python number goes straight to the loss dtype (a float through float64).</summary>
    public override NdArray<Bounded> Weight(CaseInput weight, FloatFormat format) => WeightTensor(weight, format, TensorDType.Float64);

    /// <summary><c>apply_mask</c>: for mean/sum_over_batch_size <c>where(mask, divide_no_nan(total, valid), 0)</c>
    /// (all masked weighs 0, no NaN), else the mask in the loss dtype; then
    /// <c>squeeze_or_expand_to_same_rank(mask, weight)</c> and the product, or the mask alone.</summary>
    public override NdArray<Bounded> ApplyMask(NdArray<Bounded>? weight, TensorData mask, string? reduction, FloatFormat format)
    {
        NdArray<Bounded> floatMask;
        if (OneOf(reduction, "mean", "sum_over_batch_size"))
        {
            Bounded scale = Bounded.Exact(MaskScale(mask, format)), zero = Bounded.Exact(0);
            floatMask = InputRule.Mask(mask, format).Map(m => m.V.IsZero ? zero : scale);
        }
        else
        {
            floatMask = InputRule.Mask(mask, format);
        }

        if (weight is null)
        {
            return floatMask;
        }

        (floatMask, weight) = SameRank(floatMask, weight);
        return NdArrays.Multiply(weight, floatMask);
    }

    public override (NdArray<T> Weighted, NdArray<Bounded>? Weight) Weigh<T>(NdArray<T> losses, NdArray<Bounded>? weight, ILossAlgebra<T> algebra)
    {
        if (weight is null)
        {
            return (losses, null);
        }

        (losses, weight) = SameRank(losses, weight);
        return (Weighed(losses, weight, algebra), weight);
    }

    /// <summary>Unreduced for None/none and for a static loss shape of <c>()</c> or <c>(0,)</c>; the mean-like
    /// reductions use <c>divide_no_nan</c> and, under a strategy, divide by the replica count themselves.</summary>
    public override NdArray<T> Reduce<T>(NdArray<T> weighted, NdArray<Bounded>? weight, LossWeighting call, FloatFormat format, ILossAlgebra<T> algebra)
    {
        if (call.Reduction is null or "none" || weighted.Rank == 0 || (weighted.Rank == 1 && weighted.Shape[0] == 0))
        {
            return weighted;
        }

        T sum = algebra.Total(weighted);
        if (call.Reduction == "sum")
        {
            return NdArray<T>.Scalar(sum);
        }

        T mean = call.Reduction == "mean_with_sample_weight" && weight is not null
            ? algebra.DivideNoNan(sum, SumRule.All(weight))
            : algebra.DivideNoNan(sum, Count(weighted.Size, format));
        if (call.Replicas > 1)
        {
            mean = algebra.Multiply(mean, Bounded.Exact(format.Round(1.0 / call.Replicas)));
        }

        return NdArray<T>.Scalar(mean);
    }

    protected override bool Accepts(string? reduction, int replicas) =>
        OneOf(reduction, "sum_over_batch_size", "sum", "none", null, "mean", "mean_with_sample_weight");
}

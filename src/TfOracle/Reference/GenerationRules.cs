using System;
using System.Collections.Generic;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// Everything in the formula that differs between the Keras generations (the recorder's <c>profiles.py</c>): the
/// clamp, the compute dtype, how ranks of <c>y_true</c>, <c>y_pred</c> and the weight are reconciled, how the
/// mask becomes a weight, and how the reductions divide. The arithmetic they call is the rules' (<see cref="Bounded"/>).
/// </summary>
internal abstract class GenerationRules
{
    /// <summary>The rules of a profile.</summary>
    public static GenerationRules For(string profile) => profile switch
    {
        Profiles.Keras2 => Keras2Rules.Instance,
        Profiles.Keras3 => Keras3Rules.Instance,
        _ => throw new ReferenceRejectedException($"unknown profile '{profile}'"),
    };

    /// <summary>The reduction a loss takes when none is passed.</summary>
    public abstract string DefaultReduction { get; }

    /// <summary>The clamp on <c>1/norm</c> with its constant rounded to <paramref name="format"/>.</summary>
    public abstract NormClamp Clamp(FloatFormat format);

    /// <summary>The dtype the loss class computes in (and returns).</summary>
    public abstract FloatFormat LossFormat(CaseArgs args, TensorData yTrue, TensorData yPred);

    /// <summary>The dtype the bare function computes in (and returns).</summary>
    public abstract FloatFormat FunctionFormat(TensorData yTrue, TensorData yPred);

    /// <summary>How the loss class reconciles <c>y_true</c> and <c>y_pred</c> ranks before the cosine.</summary>
    public abstract (NdArray<Bounded> True, NdArray<Bounded> Pred) AlignForLoss(CaseArgs args, NdArray<Bounded> t, NdArray<Bounded> p);

    /// <summary>The same for the bare function.</summary>
    public abstract (NdArray<Bounded> True, NdArray<Bounded> Pred) AlignForFunction(NdArray<Bounded> t, NdArray<Bounded> p);

    /// <summary>The operand as the normalisation sees it.</summary>
    public virtual NdArray<Bounded> Normalizable(NdArray<Bounded> x) => x;

    /// <summary><c>sample_weight</c> as the reduction multiplies it: converted to a tensor, then cast.</summary>
    public abstract NdArray<Bounded> Weight(CaseInput weight, FloatFormat format);

    /// <summary>The sample weight with the Keras mask merged in, as the generation's <c>Loss.__call__</c> builds it.</summary>
    public abstract NdArray<Bounded> ApplyMask(NdArray<Bounded>? weight, TensorData mask, string? reduction, FloatFormat format);

    /// <summary>(weighted losses, the weight as the reduction sees it).</summary>
    public abstract (NdArray<T> Weighted, NdArray<Bounded>? Weight) Weigh<T>(NdArray<T> losses, NdArray<Bounded>? weight, ILossAlgebra<T> algebra);

    /// <summary>The reduction of the weighted losses.</summary>
    public abstract NdArray<T> Reduce<T>(NdArray<T> weighted, NdArray<Bounded>? weight, LossWeighting call, FloatFormat format, ILossAlgebra<T> algebra);

    /// <summary>Whether <paramref name="reduction"/> is one the generation accepts (null: Python's None).</summary>
    protected abstract bool Accepts(string? reduction, int replicas);

    /// <summary>The weighting of a loss call: the weight, mask, reduction and replicas of its arguments.</summary>
    public LossWeighting Weighting(CaseArgs args, IReadOnlyDictionary<string, CaseInput> inputs, FloatFormat format)
    {
        string? reduction = args.HasReduction ? args.Reduction : DefaultReduction;
        int replicas = args.Replicas ?? 1;
        if (!Accepts(reduction, replicas))
        {
            throw new ReferenceRejectedException(
                $"reduction {reduction ?? "None"}{(replicas > 1 ? $" under {replicas} replicas" : "")} is refused here");
        }

        NdArray<Bounded>? weight = inputs.TryGetValue("sample_weight", out CaseInput? w) ? Weight(w, format) : null;
        if (inputs.TryGetValue("mask", out CaseInput? m))
        {
            if (m is not TensorInput { Tensor: { DType: TensorDType.Bool } mask })
            {
                throw new ReferenceRejectedException("a mask is a bool tensor");
            }

            weight = ApplyMask(weight, mask, reduction, format);
        }

        return new(weight, reduction, replicas);
    }

    /// <summary>The losses weighted and reduced as the loss class does.</summary>
    public NdArray<T> ReduceLosses<T>(NdArray<T> losses, LossWeighting call, FloatFormat format, ILossAlgebra<T> algebra)
    {
        (NdArray<T> weighted, NdArray<Bounded>? weight) = Weigh(losses, call.Weight, algebra);
        return Reduce(weighted, weight, call, format, algebra);
    }

    /// <summary>A float dtype or a rejection.</summary>
    protected static FloatFormat Floating(TensorDType dtype, string what) =>
        FloatFormat.Of(dtype) ?? throw new ReferenceRejectedException($"{what} is {dtype.CaseName()}, not a float dtype");

    /// <summary>The weight a valid entry gets under a mean-like reduction: <c>fl(fl(N) / fl(V))</c> in the compute
    /// dtype (a quotient rounded once; with nothing valid <c>inf</c>, or NaN for an empty mask).</summary>
    protected static double MaskScale(TensorData mask, FloatFormat format)
    {
        int valid = 0;
        foreach (byte b in mask.Bytes.Span)
        {
            valid += b;
        }

        return format.Round(format.Round(mask.ElementCount) / format.Round(valid));
    }

    /// <summary>A Python-number weight as a tensor of <paramref name="floatSource"/> (float) or int64 (int), cast.</summary>
    protected static NdArray<Bounded> WeightTensor(CaseInput weight, FloatFormat format, TensorDType floatSource) => weight switch
    {
        ScalarInput { IsInteger: true } n => InputRule.Number(n.Value, TensorDType.Int64, format),
        ScalarInput n => InputRule.Number(floatSource == TensorDType.Float32 ? (float)n.Value : n.Value, floatSource, format),
        TensorInput t when t.Tensor.DType != TensorDType.Bool => InputRule.Tensor(t.Tensor, format),
        _ => throw new ReferenceRejectedException("sample_weight is neither a number nor a numeric tensor"),
    };

    /// <summary>keras3's <c>squeeze_or_expand_to_same_rank(x1, x2)</c>: only a trailing 1 is squeezed (a rank-1
    /// partner gains one instead).</summary>
    protected static (NdArray<TA>, NdArray<TB>) SameRank<TA, TB>(NdArray<TA> x1, NdArray<TB> x2)
    {
        if (x1.Rank == x2.Rank + 1 && x1.Shape[^1] == 1)
        {
            return x2.Rank == 1 ? (x1, x2.ExpandLast()) : (x1.SqueezeLast(), x2);
        }

        if (x2.Rank == x1.Rank + 1 && x2.Shape[^1] == 1)
        {
            return x1.Rank == 1 ? (x1.ExpandLast(), x2) : (x1, x2.SqueezeLast());
        }

        return (x1, x2);
    }

    /// <summary>An elementwise product with numpy broadcasting.</summary>
    protected static NdArray<T> Weighed<T>(NdArray<T> losses, NdArray<Bounded> weight, ILossAlgebra<T> algebra) =>
        NdArrays.Zip(losses, weight, algebra.Multiply);

    /// <summary>The count constant of <c>sum_over_batch_size</c>: the number of weighted losses in the compute dtype.</summary>
    protected static Bounded Count(int size, FloatFormat format) => Bounded.Exact(format.Round(size));

    /// <summary>Whether <paramref name="reduction"/> is one of <paramref name="names"/>.</summary>
    protected static bool OneOf(string? reduction, params string?[] names) => Array.IndexOf(names, reduction) >= 0;
}

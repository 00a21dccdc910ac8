using System;
using System.Buffers;

namespace CosineParity;

/// <summary>
/// Runs a <see cref="WeightingPlan"/>: folds the mask into a weight, multiplies the sample weight, weighs the losses
/// and reduces them, every step rounded to the compute dtype as TF rounds it; and the same steps backwards for the
/// gradient by the per-sample losses. Sums accumulate in double and round once (a wider accumulator, which the error
/// bound allows). Weights and masks are constants: no gradient flows to them.
/// </summary>
internal static class Weighting
{
    /// <summary>The weighted, reduced result from the losses and the <see cref="FinalWeight{TR}"/>.</summary>
    public static void Forward(CallPlan plan, ReadOnlySpan<double> losses, ReadOnlySpan<double> finalWeight, Span<double> result)
    {
        WeightingPlan steps = plan.Weighting!;
        Precision precision = plan.Precision;
        int weightedLength = steps.LossTimesWeight?.Length ?? 0;
        double[] buffer = ArrayPool<double>.Shared.Rent(weightedLength);
        try
        {
            ReadOnlySpan<double> values = losses;
            if (steps.LossTimesWeight is { } lossTimesWeight)
            {
                Span<double> weighted = buffer.AsSpan(0, weightedLength);
                lossTimesWeight.Multiply(losses, finalWeight, weighted, precision);
                values = weighted;
            }

            if (steps.Reduction == ReductionStep.Unreduced)
            {
                values.CopyTo(result);
                return;
            }

            double sum = precision.Sum(values);
            double reduced = steps.Reduction switch
            {
                ReductionStep.Sum => sum,
                ReductionStep.DivideByCount => precision.DivideNoNan(sum, precision.Count(values.Length)),
                _ => precision.DivideNoNan(sum, precision.Sum(finalWeight)),
            };
            result[0] = steps.ReplicaScale is { } scale ? precision.Multiply(reduced, precision.Round(scale)) : reduced;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// <c>d sum(upstream * result) / d losses</c>: the reduction's gradient (<c>DivNoNan</c>: <c>div_no_nan(g, n)</c>;
    /// the replica scale; <c>Sum</c>: a broadcast), then <c>Mul</c>'s: <c>g * w</c>, summed back over the dimensions
    /// the weight broadcast the losses to. An empty <paramref name="upstream"/> stands for ones.
    /// </summary>
    public static void Backward(CallPlan plan, ReadOnlySpan<double> finalWeight, ReadOnlySpan<double> upstream, Span<double> lossGradient)
    {
        WeightingPlan steps = plan.Weighting!;
        Precision precision = plan.Precision;
        Span<double> coefficient = stackalloc double[1];
        scoped ReadOnlySpan<double> perWeighted = upstream;
        if (steps.Reduction != ReductionStep.Unreduced)
        {
            double g = upstream.IsEmpty ? 1 : upstream[0];
            if (steps.ReplicaScale is { } scale)
            {
                g = precision.Multiply(g, precision.Round(scale));
            }

            int count = steps.LossTimesWeight?.Length ?? lossGradient.Length;
            coefficient[0] = steps.Reduction switch
            {
                ReductionStep.Sum => g,
                ReductionStep.DivideByCount => precision.DivideNoNan(g, precision.Count(count)),
                _ => precision.DivideNoNan(g, precision.Sum(finalWeight)),
            };
            perWeighted = coefficient;
        }
        else if (upstream.IsEmpty)
        {
            coefficient[0] = 1;
            perWeighted = coefficient;
        }

        if (steps.LossTimesWeight is { } lossTimesWeight)
        {
            lossTimesWeight.MultiplyAndSumToLeft(perWeighted, finalWeight, lossGradient, precision);
        }
        else if (perWeighted.Length == 1)
        {
            lossGradient.Fill(perWeighted[0]);
        }
        else
        {
            perWeighted.CopyTo(lossGradient);
        }
    }

    /// <summary>The scratch <see cref="FinalWeight{TR}"/> needs.</summary>
    public static int ScratchLength(CallPlan plan, in KerasMask mask) =>
        plan.WeightLength + (mask.IsPresent ? (int)mask.Values.ElementCount : 0) + (plan.Weighting!.WeightTimesMask?.Length ?? 0);

    /// <summary>The weight that multiplies the losses (sample weight, folded mask, or their product) in <paramref name="scratch"/>.</summary>
    public static ReadOnlySpan<double> FinalWeight<TR>(CallPlan plan, KerasProfile profile, in SampleWeight<TR> weight, in KerasMask mask, Span<double> scratch)
    {
        WeightingPlan steps = plan.Weighting!;
        Precision precision = plan.Precision;
        int maskLength = mask.IsPresent ? (int)mask.Values.ElementCount : 0;
        Span<double> sampleWeight = scratch[..plan.WeightLength];
        Span<double> maskWeight = scratch.Slice(plan.WeightLength, maskLength);
        switch (weight.Kind)
        {
            case WeightKind.Tensor:
                Views.CopyDense(weight.TensorValue, sampleWeight);
                break;
            case WeightKind.PythonFloat or WeightKind.PythonInt:
                sampleWeight[0] = profile.ScalarWeight(weight.ScalarValue, weight.Kind == WeightKind.PythonInt, precision);
                break;
        }

        if (mask.IsPresent)
        {
            FoldMask(steps.MaskFolding, mask, maskWeight, precision);
        }

        if (steps.WeightTimesMask is { } weightTimesMask)
        {
            Span<double> combined = scratch.Slice(plan.WeightLength + maskLength, weightTimesMask.Length);
            weightTimesMask.Multiply(sampleWeight, maskWeight, combined, precision);
            return combined;
        }

        return mask.IsPresent ? maskWeight : sampleWeight;
    }

    private static void FoldMask(MaskFolding folding, in KerasMask mask, Span<double> maskWeight, Precision precision)
    {
        Views.CopyDense(mask.Values, maskWeight);
        if (folding == MaskFolding.Plain)
        {
            return;
        }

        long valid = 0;
        foreach (double m in maskWeight)
        {
            valid += m != 0 ? 1 : 0;
        }

        double total = precision.Count(maskWeight.Length), count = precision.Count(valid);
        if (folding == MaskFolding.ScaledByDivision)
        {
            double scale = precision.Divide(total, count);   // all masked: N / 0 = inf, and 0 * inf = NaN
            for (int i = 0; i < maskWeight.Length; i++)
            {
                maskWeight[i] = precision.Multiply(maskWeight[i], scale);
            }
        }
        else
        {
            double scale = precision.DivideNoNan(total, count);
            for (int i = 0; i < maskWeight.Length; i++)
            {
                maskWeight[i] = maskWeight[i] != 0 ? scale : 0;
            }
        }
    }
}

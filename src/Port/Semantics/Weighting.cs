using System;
using System.Buffers;

namespace CosineParity;

/// <summary>
/// Runs a <see cref="WeightingPlan"/>: folds the mask into a weight, multiplies the sample weight, weighs the losses
/// and reduces them, every step rounded to the compute dtype as TF rounds it (sums: <see cref="Precision.Sum"/>).
/// </summary>
internal static class Weighting
{
    public static void Apply<TR>(CallPlan plan, KerasProfile profile, ReadOnlySpan<double> losses, in SampleWeight<TR> weight, in KerasMask mask, Span<double> result)
    {
        WeightingPlan steps = plan.Weighting!;
        Precision precision = plan.Precision;
        int maskLength = mask.IsPresent ? (int)mask.Values.ElementCount : 0;
        int combinedLength = steps.WeightTimesMask?.Length ?? 0;
        int weightedLength = steps.LossTimesWeight?.Length ?? 0;
        double[] buffer = ArrayPool<double>.Shared.Rent(plan.WeightLength + maskLength + combinedLength + weightedLength);
        try
        {
            Span<double> sampleWeight = buffer.AsSpan(0, plan.WeightLength);
            Span<double> maskWeight = buffer.AsSpan(plan.WeightLength, maskLength);
            Span<double> combined = buffer.AsSpan(plan.WeightLength + maskLength, combinedLength);
            Span<double> weighted = buffer.AsSpan(plan.WeightLength + maskLength + combinedLength, weightedLength);
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

            ReadOnlySpan<double> finalWeight = sampleWeight;
            if (steps.WeightTimesMask is { } weightTimesMask)
            {
                weightTimesMask.Multiply(sampleWeight, maskWeight, combined, precision);
                finalWeight = combined;
            }
            else if (mask.IsPresent)
            {
                finalWeight = maskWeight;
            }

            ReadOnlySpan<double> values = losses;
            if (steps.LossTimesWeight is { } lossTimesWeight)
            {
                lossTimesWeight.Multiply(losses, finalWeight, weighted, precision);
                values = weighted;
            }

            Reduce(steps, values, finalWeight, precision, result);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
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

    private static void Reduce(WeightingPlan steps, ReadOnlySpan<double> values, ReadOnlySpan<double> weight, Precision precision, Span<double> result)
    {
        if (steps.Reduction == ReductionStep.Unreduced)
        {
            values.CopyTo(result);
            return;
        }

        double sum = precision.Sum(values);
        result[0] = steps.Reduction switch
        {
            ReductionStep.Sum => sum,
            ReductionStep.DivideByCount => precision.DivideNoNan(sum, precision.Count(values.Length)),
            _ => precision.DivideNoNan(sum, precision.Sum(weight)),
        };
    }
}

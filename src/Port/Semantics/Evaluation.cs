using System;
using System.Buffers;

namespace CosineParity;

/// <summary>Runs a <see cref="CallPlan"/> on data: the cosine, then (for the loss) the weighting, then the cast of
/// the compute-dtype values into the caller's element type (exact: they are already rounded to it).</summary>
internal static class Evaluation
{
    public static void Loss<TT, TP, TR>(
        CallPlan plan, KerasProfile profile, in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred,
        in SampleWeight<TR> weight, in KerasMask mask, Span<TR> destination)
    {
        int lossLength = LossLength(plan);
        double[] buffer = ArrayPool<double>.Shared.Rent(lossLength + plan.ResultLength);
        try
        {
            Span<double> losses = buffer.AsSpan(0, lossLength), result = buffer.AsSpan(lossLength, plan.ResultLength);
            CosineEvaluator.Evaluate(plan.Cosine, profile, plan.Precision, yTrue.Data, yPred.Data, losses);
            Weighting.Apply(plan, profile, losses, weight, mask, result);
            Store(result, destination);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    public static void Function<TT, TP, TR>(
        CallPlan plan, KerasProfile profile, in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred, Span<TR> destination)
    {
        double[] buffer = ArrayPool<double>.Shared.Rent(plan.ResultLength);
        try
        {
            Span<double> losses = buffer.AsSpan(0, plan.ResultLength);
            CosineEvaluator.Evaluate(plan.Cosine, profile, plan.Precision, yTrue.Data, yPred.Data, losses);
            Store(losses, destination);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    private static int LossLength(CallPlan plan) => checked((int)Shape.Size(plan.Cosine.LossDims));

    private static void Store<TR>(ReadOnlySpan<double> values, Span<TR> destination)
    {
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = Element.FromDouble<TR>(values[i]);
        }
    }
}

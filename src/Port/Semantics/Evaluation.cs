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
        int lossLength = LossLength(plan), scratch = Weighting.ScratchLength(plan, mask);
        double[] buffer = ArrayPool<double>.Shared.Rent(lossLength + plan.ResultLength + scratch);
        try
        {
            Span<double> losses = buffer.AsSpan(0, lossLength), result = buffer.AsSpan(lossLength, plan.ResultLength);
            ReadOnlySpan<double> finalWeight = Weighting.FinalWeight(plan, profile, weight, mask, buffer.AsSpan(lossLength + plan.ResultLength, scratch));
            CosineEvaluator.Evaluate(plan.Cosine, profile, plan.Precision, yTrue.Data, yPred.Data, losses);
            Weighting.Forward(plan, losses, finalWeight, result);
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

    // Stryker disable once Checked : equivalent: CosinePlan counted the loss rows in an int (checked) already
    private static int LossLength(CallPlan plan) => checked((int)Shape.Size(plan.Cosine.LossDims));

    private static void Store<TR>(ReadOnlySpan<double> values, Span<TR> destination)
    {
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = Element.FromDouble<TR>(values[i]);
        }
    }

    /// <summary>The loss's value and its gradients by the inputs, for an upstream gradient of the value (empty: ones).</summary>
    public static void LossWithGradients<TT, TP, TR>(
        CallPlan plan, KerasProfile profile, in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred, in SampleWeight<TR> weight,
        in KerasMask mask, ReadOnlySpan<TR> upstream, Span<TR> value, Span<TT> trueGradient, Span<TP> predGradient)
    {
        int lossLength = LossLength(plan), scratch = Weighting.ScratchLength(plan, mask), sumsLength = CosineEvaluator.RowSumsLength(plan.Cosine);
        double[] buffer = ArrayPool<double>.Shared.Rent(2 * lossLength + 2 * plan.ResultLength + scratch + sumsLength);
        try
        {
            Span<double> losses = buffer.AsSpan(0, lossLength), result = buffer.AsSpan(lossLength, plan.ResultLength);
            Span<double> upstreamValues = buffer.AsSpan(lossLength + plan.ResultLength, upstream.Length);
            Span<double> cosineGradient = buffer.AsSpan(lossLength + 2 * plan.ResultLength, lossLength);
            // The weight (mask folded in) is a constant of both passes: built once.
            ReadOnlySpan<double> finalWeight = Weighting.FinalWeight(
                plan, profile, weight, mask, buffer.AsSpan((2 * lossLength) + (2 * plan.ResultLength), scratch));
            // The forward's row sums are kept for the backward pass, which then needs no reduction of its own.
            Span<double> rowSums = buffer.AsSpan((2 * lossLength) + (2 * plan.ResultLength) + scratch, sumsLength);
            CosineEvaluator.Evaluate(plan.Cosine, profile, plan.Precision, yTrue.Data, yPred.Data, losses, rowSums);
            Weighting.Forward(plan, losses, finalWeight, result);
            Store(result, value);
            for (int i = 0; i < upstream.Length; i++)
            {
                upstreamValues[i] = Element.ToDouble(upstream[i]);
            }

            Weighting.Backward(plan, finalWeight, upstreamValues, cosineGradient);
            Backward(plan, profile, yTrue, yPred, rowSums, cosineGradient, trueGradient, predGradient);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>The function's losses and their gradients by the inputs (empty upstream: ones).</summary>
    public static void FunctionWithGradients<TT, TP>(
        CallPlan plan, KerasProfile profile, in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred, ReadOnlySpan<TP> upstream,
        Span<TP> value, Span<TT> trueGradient, Span<TP> predGradient)
    {
        int sumsLength = CosineEvaluator.RowSumsLength(plan.Cosine);
        double[] buffer = ArrayPool<double>.Shared.Rent((2 * plan.ResultLength) + sumsLength);
        try
        {
            Span<double> losses = buffer.AsSpan(0, plan.ResultLength), lossGradient = buffer.AsSpan(plan.ResultLength, plan.ResultLength);
            Span<double> rowSums = buffer.AsSpan(2 * plan.ResultLength, sumsLength);
            CosineEvaluator.Evaluate(plan.Cosine, profile, plan.Precision, yTrue.Data, yPred.Data, losses, rowSums);
            Store(losses, value);
            for (int i = 0; i < lossGradient.Length; i++)
            {
                lossGradient[i] = upstream.IsEmpty ? 1 : Element.ToDouble(upstream[i]);
            }

            Backward(plan, profile, yTrue, yPred, rowSums, lossGradient, trueGradient, predGradient);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>From the gradient by the per-sample losses to the inputs' gradients (loss = -cosine), cast to each
    /// input's own type as TF's <c>Cast</c> gradient casts back.</summary>
    private static void Backward<TT, TP>(
        CallPlan plan, KerasProfile profile, in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred, ReadOnlySpan<double> rowSums,
        Span<double> lossGradient, Span<TT> trueGradient, Span<TP> predGradient)
    {
        for (int i = 0; i < lossGradient.Length; i++)
        {
            lossGradient[i] = -lossGradient[i];
        }

        if (FusedBackward.TryRun(plan.Cosine, profile, plan.Precision, yTrue, yPred, rowSums, lossGradient, trueGradient, predGradient))
        {
            return;
        }

        int trueLength = yTrue.Data.Length, predLength = yPred.Data.Length;
        double[] buffer = ArrayPool<double>.Shared.Rent(trueLength + predLength);
        try
        {
            Span<double> tbar = buffer.AsSpan(0, trueLength), pbar = buffer.AsSpan(trueLength, predLength);
            CosineBackward.Run(plan.Cosine, profile, plan.Precision, yTrue.Data, yPred.Data, lossGradient, tbar, pbar);
            Views.GatherDense(yTrue, tbar, trueGradient);
            Views.GatherDense(yPred, pbar, predGradient);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }
}

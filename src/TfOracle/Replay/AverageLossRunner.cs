using System;
using System.Collections.Generic;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Replay;

/// <summary>
/// Puts a <c>compute_average_loss</c> case to the port as the recorder put it to TF: the per-example losses in their
/// recorded dtype, the weight cast to float32 (TF's own first step) or as the Python number, <c>global_batch_size</c>
/// when it was passed, and under <c>args.replicas</c> that many replicas in sync (the <c>distributed</c> group).
/// </summary>
public static class AverageLossRunner
{
    /// <summary>The port's answer to a <c>compute_average_loss</c> case.</summary>
    /// <param name="parityCase">The case.</param>
    /// <returns>The value, or the exception thrown.</returns>
    public static PortAnswer Run(ParityCase parityCase)
    {
        ArgumentNullException.ThrowIfNull(parityCase);
        TensorData losses = parityCase.Inputs.TryGetValue("per_example_loss", out CaseInput? input) && input is TensorInput tensor
            ? tensor.Tensor
            : throw new InvalidOperationException($"{parityCase.Id}: per_example_loss is not a tensor");
        try
        {
            return new PortAnswer(ElementTypes.Dispatch(losses.DType, new LossTypeVisitor(parityCase, losses)), null);
        }
        catch (Exception error) when (error is IKerasError)
        {
            return new PortAnswer(null, error);
        }
    }

    private sealed class LossTypeVisitor(ParityCase parityCase, TensorData losses) : IElementTypeVisitor<TensorData>
    {
        public TensorData Visit<T>()
            where T : unmanaged => TensorData.CreateScalar(AverageLoss.Compute(
                PortRunner.Input<T>(losses),
                CaseWeights.Of<float>(parityCase.Inputs.GetValueOrDefault("sample_weight")),
                parityCase.Args.GlobalBatchSize,
                parityCase.Args.Replicas ?? 1));
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;

namespace CosineParity.Oracle.Replay;

/// <summary>
/// Replays a <c>metric</c> case on one port metric as the recorder drove TF's: built from the case's arguments, then
/// each step in order (<c>reset_state()</c>, or <c>update_state</c> with the inputs in their recorded element types
/// and a tensor weight cast to the metric dtype, then <c>result()</c>). Every step's result is judged by the bound
/// rule against its recorded exact value and bound, and so is the final result against <c>expected.value</c>; where
/// TF raised, the port must throw the exception mapped to TF's error type.
/// </summary>
public static class MetricRunner
{
    /// <summary>The verdict on the port's replay of a metric case: the first failing step's failure, the largest error
    /// over bound of all the numbers judged, bit-identical only if all are.</summary>
    /// <param name="parityCase">The case.</param>
    /// <returns>The verdict.</returns>
    public static Verdict Judge(ParityCase parityCase)
    {
        ArgumentNullException.ThrowIfNull(parityCase);
        KerasProfile profile = KerasProfile.Parse(parityCase.Profile);
        try
        {
            var metric = CosineSimilarityMetric.FromKerasArguments(profile, PortRunner.KerasArguments(parityCase.Args));
            TensorDType resultType = ElementTypes.Of(KerasDTypes.Parse(metric.DType));
            return ElementTypes.Dispatch(resultType, new ReplayVisitor(parityCase, metric));
        }
        catch (Exception error) when (error is IKerasError)
        {
            return CaseJudge.Judge(parityCase, new PortAnswer(null, error));
        }
    }

    /// <summary>The replay, with the metric dtype's element type <c>TW</c>: the weight's and the result's.</summary>
    private sealed class ReplayVisitor(ParityCase parityCase, CosineSimilarityMetric metric) : IElementTypeVisitor<Verdict>
    {
        public Verdict Visit<TW>()
            where TW : unmanaged
        {
            var verdicts = new List<VerdictPart>();
            for (int i = 0; i < parityCase.Steps.Count; i++)
            {
                MetricStep step = parityCase.Steps[i];
                if (step.Reset)
                {
                    metric.Reset();
                    continue;
                }

                TensorData yTrue = Tensor(step, "y_true"), yPred = Tensor(step, "y_pred");
                ElementTypes.Dispatch(yTrue.DType, new TrueTypeVisitor<TW>(metric, step, yTrue, yPred));
                if (step.Value is { } value)
                {
                    verdicts.Add(new($"step {i}", VerdictPart.Step, BoundRule.Judge(TensorData.CreateScalar(metric.Result<TW>()), value)));
                }
            }

            verdicts.Add(new("result", VerdictPart.Value, CaseJudge.Judge(parityCase, new PortAnswer(TensorData.CreateScalar(metric.Result<TW>()), null))));
            return Verdict.Combine(verdicts);
        }

        private TensorData Tensor(MetricStep step, string name) =>
            step.Inputs.TryGetValue(name, out CaseInput? input) && input is TensorInput tensor
                ? tensor.Tensor
                : throw new InvalidOperationException($"{parityCase.Id}: a step's {name} is not a tensor");
    }

    private sealed class TrueTypeVisitor<TW>(CosineSimilarityMetric metric, MetricStep step, TensorData yTrue, TensorData yPred)
        : IElementTypeVisitor<bool>
        where TW : unmanaged
    {
        public bool Visit<TT>()
            where TT : unmanaged => ElementTypes.Dispatch(yPred.DType, new PredTypeVisitor<TW, TT>(metric, step, yTrue, yPred));
    }

    private sealed class PredTypeVisitor<TW, TT>(CosineSimilarityMetric metric, MetricStep step, TensorData yTrue, TensorData yPred)
        : IElementTypeVisitor<bool>
        where TW : unmanaged
        where TT : unmanaged
    {
        public bool Visit<TP>()
            where TP : unmanaged
        {
            metric.Update(
                PortRunner.Input<TT>(yTrue), PortRunner.Input<TP>(yPred), CaseWeights.Of<TW>(step.Inputs.GetValueOrDefault("sample_weight")));
            return true;
        }
    }
}

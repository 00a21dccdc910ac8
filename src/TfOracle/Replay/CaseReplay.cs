using System;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Reference;

namespace CosineParity.Oracle.Replay;

/// <summary>One case of any api through the port and the judge (a loss or function value the record gives no bound
/// for is judged by the bound of <see cref="ExactReference"/>): the entry <c>check</c> and the fixture tests share.
/// Loss and function cases go through <see cref="PortRunner"/>, <c>compute_average_loss</c> through
/// <see cref="AverageLossRunner"/>, both judged by <see cref="CaseJudge"/>; metric and config cases are judged by their
/// runners, which compare more than one answer.</summary>
public static class CaseReplay
{
    /// <summary>The verdict on the port's answer to a case <see cref="PortRunner.SkipReason"/> does not skip.</summary>
    /// <param name="parityCase">The case.</param>
    /// <returns>The verdict.</returns>
    public static Verdict Judge(ParityCase parityCase)
    {
        ArgumentNullException.ThrowIfNull(parityCase);
        if (parityCase.Api == Apis.Config)
        {
            return ConfigRunner.Judge(parityCase);
        }

        if (!Bounded(parityCase) && parityCase.Api is Apis.Loss or Apis.Function
            && parityCase.Expected.Value is { } recorded && ExactReference.Evaluate(parityCase) is { IsRejected: false } reference)
        {
            // No recorded bound (an older recording, a live answer without exact): the C# reference gives one.
            PortAnswer answer = PortRunner.Run(parityCase);
            return answer.Value is { } value
                ? reference.Judge(value) with { BitIdentical = BoundRule.SameBits(value, recorded.Value) }
                : Verdict.Fail($"threw {answer.Error?.GetType().Name}: {answer.Error?.Message}");
        }

        if (!Bounded(parityCase))
        {
            // No bounds (an older recording, a live answer without exact): nothing to judge by, but the bits against TF count.
            const string reason = "no bound to judge by (a recording older than the bounds, or a live answer asked without exact); bit-identity measured";
            PortAnswer? answer = parityCase.Api switch
            {
                Apis.ComputeAverageLoss => AverageLossRunner.Run(parityCase),
                Apis.Metric => null,
                _ => PortRunner.Run(parityCase),
            };
            return Verdict.Unjudged(reason, answer?.Value is { } value && BoundRule.SameBits(value, parityCase.Expected.Value!.Value));
        }

        return parityCase.Api switch
        {
            Apis.Metric => MetricRunner.Judge(parityCase),
            Apis.ComputeAverageLoss => CaseJudge.Judge(parityCase, AverageLossRunner.Run(parityCase)),
            _ => CaseJudge.Judge(parityCase, PortRunner.Run(parityCase)),
        };
    }

    /// <summary>Whether every recorded number of the case carries a bound (errors and configs have none to carry).</summary>
    private static bool Bounded(ParityCase parityCase) =>
        parityCase.Expected.Value is not { Bound: null }
        && parityCase.Steps.All(step => step.Value is not { Bound: null });
}

using System;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;

namespace CosineParity.Oracle.Replay;

/// <summary>One case of any api through the port and the judge: the entry <c>check</c> and the fixture tests share.
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
        return parityCase.Api switch
        {
            Apis.Metric => MetricRunner.Judge(parityCase),
            Apis.Config => ConfigRunner.Judge(parityCase),
            Apis.ComputeAverageLoss => CaseJudge.Judge(parityCase, AverageLossRunner.Run(parityCase)),
            _ => CaseJudge.Judge(parityCase, PortRunner.Run(parityCase)),
        };
    }
}

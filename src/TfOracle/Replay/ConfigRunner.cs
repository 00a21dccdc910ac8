using System;
using System.Collections.Generic;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;

namespace CosineParity.Oracle.Replay;

/// <summary>
/// Judges a <c>config</c> case: the loss or metric (<c>args.target</c>) built from the case's arguments must write
/// exactly TF's <c>expected.config</c> (the same compact JSON: keys, their order, values, number literals), and
/// <c>FromConfig</c> of TF's config must rebuild an object that writes it again.
/// </summary>
public static class ConfigRunner
{
    /// <summary>The verdict on the port's configs for a <c>config</c> case.</summary>
    /// <param name="parityCase">The case.</param>
    /// <returns>The verdict (no number is judged: its error over bound is NaN).</returns>
    public static Verdict Judge(ParityCase parityCase)
    {
        ArgumentNullException.ThrowIfNull(parityCase);
        KerasProfile profile = KerasProfile.Parse(parityCase.Profile);
        bool metric = parityCase.Args.Target switch
        {
            "metric" => true,
            "loss" or null => false,   // the recorder builds the loss when no target is given
            { } other => throw new InvalidOperationException($"{parityCase.Id}: unknown config target '{other}'"),
        };
        string written;
        try
        {
            Dictionary<string, object?> arguments = PortRunner.KerasArguments(parityCase.Args);
            written = metric
                ? CosineSimilarityMetric.FromKerasArguments(profile, arguments).GetConfig()
                : CosineSimilarityLoss.FromKerasArguments(profile, arguments).GetConfig();
        }
        catch (Exception error) when (error is IKerasError)
        {
            return CaseJudge.Judge(parityCase, new PortAnswer(null, error));
        }

        if (parityCase.Expected.Config is not { } config)
        {
            return Verdict.Fail($"wrote {written} where TF raised {parityCase.Expected.Error?.Type}: {parityCase.Expected.Error?.Message}");
        }

        string recorded = config.ToJsonString();
        if (written != recorded)
        {
            return Verdict.Fail($"get_config() wrote {written} where TF wrote {recorded}");
        }

        string rebuilt;
        try
        {
            rebuilt = metric
                ? CosineSimilarityMetric.FromConfig(profile, recorded).GetConfig()
                : CosineSimilarityLoss.FromConfig(profile, recorded).GetConfig();
        }
        catch (ArgumentException error)
        {
            return Verdict.Fail($"FromConfig({recorded}) threw {error.GetType().Name}: {error.Message}");
        }

        return rebuilt == recorded
            ? new Verdict(true, null, double.NaN, true, 0)
            : Verdict.Fail($"FromConfig(TF's config).GetConfig() wrote {rebuilt}, not {recorded}");
    }
}

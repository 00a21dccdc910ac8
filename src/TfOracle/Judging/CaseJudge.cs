using System;
using System.Collections.Generic;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Replay;

namespace CosineParity.Oracle.Judging;

/// <summary>Judges the port's whole answer to a loss or function case: TF's error type where TF raised, the bound
/// rule on the value where TF answered.</summary>
public static class CaseJudge
{
    /// <summary>The verdict on the port's answer.</summary>
    /// <param name="parityCase">The case with TF's outcome.</param>
    /// <param name="answer">The port's answer.</param>
    /// <returns>The verdict.</returns>
    public static Verdict Judge(ParityCase parityCase, PortAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(parityCase);
        ArgumentNullException.ThrowIfNull(answer);
        if (parityCase.Expected.Error is { } error)
        {
            if (answer.Error is null)
            {
                return Verdict.Fail($"answered {answer.Value} where TF raised {error.Type}: {error.Message}");
            }

            return answer.TensorFlowErrorType == error.Type
                ? new Verdict(true, null, double.NaN, false, 0)
                : Verdict.Fail($"threw {answer.Error.GetType().Name} ({answer.TensorFlowErrorType ?? "no TF error type"}: {answer.Error.Message}) where TF raised {error.Type}: {error.Message}");
        }

        if (answer.Error is not null)
        {
            return Verdict.Fail($"threw {answer.Error.GetType().Name}: {answer.Error.Message}");
        }

        ExpectedNumber expected = parityCase.Expected.Value
            ?? throw new ArgumentException($"{parityCase.Id} has neither a value nor an error", nameof(parityCase));
        var parts = new List<VerdictPart> { new("value", VerdictPart.Value, BoundRule.Judge(answer.Value!, expected)) };
        foreach ((string input, ExpectedGradient gradient) in parityCase.Expected.Gradients)
        {
            Verdict judged = answer.Gradients.TryGetValue(input, out TensorData? actual)
                ? BoundRule.Judge(actual, new ExpectedNumber(parityCase.Gradients[input], gradient.Exact, gradient.Bound))
                : Verdict.Fail("no gradient");
            parts.Add(new VerdictPart($"gradient by {input}", VerdictPart.Gradient, judged));
        }

        return parts.Count == 1 ? parts[0].Verdict : Verdict.Combine(parts);
    }
}

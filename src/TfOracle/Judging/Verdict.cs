using System.Collections.Generic;
using System.Linq;

namespace CosineParity.Oracle.Judging;

/// <summary>How an implementation's answer (one number, or a case's several) stands against TF's record.</summary>
/// <param name="Passed">Shape and dtype exact, every element accepted by the bound rule.</param>
/// <param name="Failure">Why it failed (the first offending element or the mismatch), or null.</param>
/// <param name="MaxErrorOverBound">The largest <c>|v - exact| / bound</c> over judged elements (0 where <c>v == exact</c>, infinity where the bound is 0 and they differ); 0 when no element was judged, NaN for a matched error (no number).</param>
/// <param name="BitIdentical">Every element has TF's recorded bits (any NaN equals any NaN).</param>
/// <param name="UnboundedElements">Elements on a branch (bound infinite): reported, not judged.</param>
public sealed record Verdict(bool Passed, string? Failure, double MaxErrorOverBound, bool BitIdentical, int UnboundedElements)
{
    /// <summary>False when the record holds nothing to judge by (no bound); <see cref="Failure"/> then says why, and
    /// <see cref="BitIdentical"/> still tells whether the answer had TF's bits.</summary>
    public bool Judged { get; init; } = true;

    /// <summary>The numbers a combined verdict was made of (the value, each gradient, each metric step).</summary>
    public IReadOnlyList<VerdictPart> Parts { get; init; } = [];

    /// <summary>A failure that is not about elements (shape, dtype, an error where a value was due).</summary>
    /// <param name="failure">What is wrong.</param>
    public static Verdict Fail(string failure) => new(false, failure, double.PositiveInfinity, false, 0);

    /// <summary>A number the record cannot judge (it has no bound), with its bit-identity to TF.</summary>
    /// <param name="reason">Why it is not judged.</param>
    /// <param name="bitIdentical">Whether the answer has TF's bits.</param>
    public static Verdict Unjudged(string reason, bool bitIdentical) => new(true, reason, double.NaN, bitIdentical, 0) { Judged = false };

    /// <summary>Several numbers' verdicts as one: passed when all pass, the first failure (named), the worst error,
    /// bit-identical when all are; the parts kept.</summary>
    /// <param name="parts">The numbers, in order.</param>
    public static Verdict Combine(IReadOnlyList<VerdictPart> parts)
    {
        VerdictPart? failed = parts.FirstOrDefault(p => !p.Verdict.Passed);
        double[] errors = parts.Select(p => p.Verdict.MaxErrorOverBound).Where(e => !double.IsNaN(e)).ToArray();
        return new Verdict(
            failed is null,
            failed is null ? null : $"{failed.Name}: {failed.Verdict.Failure}",
            errors.Length == 0 ? double.NaN : errors.Max(),
            parts.All(p => p.Verdict.BitIdentical),
            parts.Sum(p => p.Verdict.UnboundedElements))
        {
            Parts = parts,
        };
    }
}

/// <summary>One number of a combined verdict.</summary>
/// <param name="Name">Which: <c>value</c>, <c>gradient by y_pred</c>, <c>step 3</c>, ...</param>
/// <param name="Kind">What kind of number, for the summary's rows: <see cref="Value"/>, <see cref="Gradient"/> or <see cref="Step"/>.</param>
/// <param name="Verdict">Its verdict.</param>
public sealed record VerdictPart(string Name, string Kind, Verdict Verdict)
{
    /// <summary>The case's value (or a metric's final result).</summary>
    public const string Value = "value";

    /// <summary>A gradient by an input.</summary>
    public const string Gradient = "gradients";

    /// <summary>A metric step's result.</summary>
    public const string Step = "steps";
}

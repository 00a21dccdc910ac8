namespace CosineParity.Oracle.Judging;

/// <summary>How one number (a value, a gradient, a metric step) of an implementation stands against TF's record.</summary>
/// <param name="Passed">Shape and dtype exact, every element accepted by the bound rule.</param>
/// <param name="Failure">Why it failed (the first offending element or the mismatch), or null.</param>
/// <param name="MaxErrorOverBound">The largest <c>|v - exact| / bound</c> over judged elements (0 where <c>v == exact</c>, infinity where the bound is 0 and they differ); 0 when no element was judged, NaN for a matched error (no number).</param>
/// <param name="BitIdentical">Every element has TF's recorded bits (any NaN equals any NaN).</param>
/// <param name="UnboundedElements">Elements on a branch (bound infinite): reported, not judged.</param>
public sealed record Verdict(bool Passed, string? Failure, double MaxErrorOverBound, bool BitIdentical, int UnboundedElements)
{
    /// <summary>A failure that is not about elements (shape, dtype, an error where a value was due).</summary>
    /// <param name="failure">What is wrong.</param>
    public static Verdict Fail(string failure) => new(false, failure, double.PositiveInfinity, false, 0);

    /// <summary>False when the record holds nothing to judge by (no bound); <see cref="Failure"/> then says why, and
    /// <see cref="BitIdentical"/> still tells whether the answer had TF's bits.</summary>
    public bool Judged { get; init; } = true;

    /// <summary>A number the record cannot judge (it has no bound), with its bit-identity to TF.</summary>
    /// <param name="reason">Why it is not judged.</param>
    /// <param name="bitIdentical">Whether the answer has TF's bits.</param>
    public static Verdict Unjudged(string reason, bool bitIdentical) => new(true, reason, double.NaN, bitIdentical, 0) { Judged = false };
}

using System.Collections.Generic;
using System.Linq;

namespace CosineParity.Oracle.Reference;

/// <summary>How the reference's answer to a recorded case compares with the recorded <c>exact</c>, <c>bound</c> and
/// TF numbers.</summary>
/// <param name="Id">The case id.</param>
/// <param name="ComputeDType">The dtype the formula rounds in (the value's dtype), or null when rejected.</param>
/// <param name="Rejection">Why the reference rejected a case TF answered, or null.</param>
/// <param name="Numbers">The value first, then each recorded gradient.</param>
public sealed record ReferenceCaseComparison(string Id, string? ComputeDType, string? Rejection, IReadOnlyList<ReferenceNumberComparison> Numbers)
{
    /// <summary>Whether everything agrees: answered, exact within tolerance, the same kinds of bound, TF inside.
    /// Bound ratios are left to the caller's margin.</summary>
    public bool Agrees => Rejection is null
        && Numbers.All(n => n.ExactMismatches == 0 && n.BoundKindMismatches == 0 && n.TensorFlowOutside == 0);
}

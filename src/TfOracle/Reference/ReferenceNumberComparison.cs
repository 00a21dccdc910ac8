using System.Collections.Generic;

namespace CosineParity.Oracle.Reference;

/// <summary>How one recorded number (the value or a gradient) of a case compares with the reference's.</summary>
/// <param name="Name"><c>value</c>, or the gradient's input (<c>y_true</c>, <c>y_pred</c>).</param>
/// <param name="Elements">Its element count.</param>
/// <param name="ExactMismatches">Elements with a finite bound (either side) whose reference exact differs from the
/// recorded exact by more than <see cref="ReferenceReplay.ExactTolerance"/> (NaN equals NaN, an infinity itself), and
/// branch elements where one is NaN or infinite and the other not.</param>
/// <param name="BranchResidues">Branch elements (both bounds infinite: the rule accepts anything there) whose finite
/// exact values differ beyond the tolerance: cancellation residues (the recorder's at 2^-320 of the terms, the
/// reference's at 2^-104), reported, not judged.</param>
/// <param name="BoundKindMismatches">Elements where one bound is infinite and the other not, or one 0 and the other not.</param>
/// <param name="TensorFlowOutside">Elements where TF's recorded number is outside the reference's bound (finite bounds only).</param>
/// <param name="BoundRatios">The reference bound over the recorded one, where both are finite and positive.</param>
/// <param name="FirstProblem">The first mismatch or TF outside, described; null if none.</param>
public sealed record ReferenceNumberComparison(
    string Name,
    int Elements,
    int ExactMismatches,
    int BranchResidues,
    int BoundKindMismatches,
    int TensorFlowOutside,
    IReadOnlyList<double> BoundRatios,
    string? FirstProblem);

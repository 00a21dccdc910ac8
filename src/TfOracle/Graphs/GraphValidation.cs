using System.Collections.Generic;

namespace CosineParity.Oracle.Graphs;

/// <summary>How one graph stood against TF on the validation inputs (a graph entry's <c>validation</c>).</summary>
/// <param name="Inputs">Inputs run.</param>
/// <param name="Measure">The unit of <paramref name="MaxDifference"/>: <c>bound</c> or <c>relative</c>.</param>
/// <param name="Identical">Inputs where ONNX Runtime gave TF's bits.</param>
/// <param name="TfErrors">Inputs TF raised for.</param>
/// <param name="MaxDifference">The largest difference over all finite elements, in <paramref name="Measure"/>.</param>
/// <param name="MaxUlp">The same in ULPs of the output dtype.</param>
/// <param name="UnboundedElements">Elements whose bound was infinite (not measured).</param>
/// <param name="ZeroBoundElements">Differences where the bound was 0.</param>
/// <param name="Passed">No failing class with the cause <c>unexplained</c>, and at least one agreeing input.</param>
/// <param name="Agreeing">Inputs where TF answered and no failing difference class was met.</param>
/// <param name="KnownDifferences">Each difference class met.</param>
public sealed record GraphValidation(
    int Inputs,
    string Measure,
    int Identical,
    int TfErrors,
    double MaxDifference,
    long MaxUlp,
    int UnboundedElements,
    int ZeroBoundElements,
    bool Passed,
    int Agreeing,
    IReadOnlyList<KnownDifference> KnownDifferences);

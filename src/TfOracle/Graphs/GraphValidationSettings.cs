using System.Collections.Generic;

namespace CosineParity.Oracle.Graphs;

/// <summary>The manifest's <c>validation</c>: how every graph was checked against TF before it was written.</summary>
/// <param name="InputsPerGraph">Seeded random inputs per graph.</param>
/// <param name="MaxElements">The element cap per input.</param>
/// <param name="Seed">The seed the inputs were drawn with.</param>
/// <param name="ValueClasses">The value classes the inputs were drawn from (<c>normal</c>, <c>subnormal</c>, ...).</param>
/// <param name="RelativeToleranceEps">The <c>relative</c> measure's tolerance, in epsilons of the output dtype.</param>
/// <param name="BoundTolerance">The <c>bound</c> measure's tolerance, in bounds (2: each side one bound off).</param>
/// <param name="FailingClasses">The difference classes that fail a graph unless their cause is known.</param>
public sealed record GraphValidationSettings(
    int InputsPerGraph,
    int MaxElements,
    long Seed,
    IReadOnlyList<string> ValueClasses,
    double RelativeToleranceEps,
    double BoundTolerance,
    IReadOnlyList<string> FailingClasses);

using System;
using System.Collections.Generic;

namespace CosineParity.Oracle.Fuzzing;

/// <summary>What a fuzz run found.</summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Outcomes">Every case's outcome, in order.</param>
/// <param name="Failures">The failing cases (shrunk), at most the run's limit of them.</param>
/// <param name="Elapsed">The time spent generating and judging (shrinking not included).</param>
public sealed record FuzzRun(long Seed, IReadOnlyList<FuzzOutcome> Outcomes, IReadOnlyList<FuzzFailure> Failures, TimeSpan Elapsed)
{
    /// <summary>Cases judged per second.</summary>
    public double CasesPerSecond => Outcomes.Count / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

namespace CosineParity.Oracle.Fuzzing;

/// <summary>A failing fuzz case and the smallest failing case CsCheck shrank it to.</summary>
/// <param name="CaseSeed">The CsCheck seed that regenerates the original case (<see cref="FuzzRunner.Regenerate"/>).</param>
/// <param name="Original">The case as first found.</param>
/// <param name="Minimal">The shrunk case (the original when nothing smaller failed).</param>
/// <param name="ReproLine">A ready-to-paste request line for <c>python -m tforacle serve</c> (exact and gradients wanted).</param>
public sealed record FuzzFailure(string CaseSeed, FuzzOutcome Original, FuzzOutcome Minimal, string ReproLine);

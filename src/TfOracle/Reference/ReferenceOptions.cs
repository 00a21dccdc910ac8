namespace CosineParity.Oracle.Reference;

/// <summary>How <see cref="ExactReference"/> evaluates (validation switches; the defaults are the reference).</summary>
/// <param name="Gradients">Whether to compute the gradients too.</param>
/// <param name="RecorderRsqrtFactor">Evaluate <c>(1 - e/m)^(-1/2) (1 + 4u) - 1</c> in float64 as the recorder does
/// (exact.py), instead of without cancellation: only to show that this is where float64 bounds differ.</param>
internal sealed record ReferenceOptions(bool Gradients = true, bool RecorderRsqrtFactor = false)
{
    public static ReferenceOptions Default { get; } = new();
}

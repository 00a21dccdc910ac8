namespace CosineParity.Oracle.Reference;

/// <summary>How a loss call weighs and reduces its per-sample losses: the sample weight as the reduction multiplies
/// it (cast to the compute dtype, the Keras mask folded in), the reduction as spelled, the replica count.</summary>
/// <param name="Weight">The sample weight (mask included), or null when there is neither.</param>
/// <param name="Reduction">The reduction (null: Keras 3's <c>None</c>).</param>
/// <param name="Replicas">The replica count (1 outside a strategy).</param>
internal sealed record LossWeighting(NdArray<Bounded>? Weight, string? Reduction, int Replicas);

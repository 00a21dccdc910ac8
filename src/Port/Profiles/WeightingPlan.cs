namespace CosineParity;

/// <summary>How a Keras mask becomes a weight (before any sample weight multiplies it).</summary>
internal enum MaskFolding
{
    /// <summary>No mask.</summary>
    None,

    /// <summary>The mask as 0/1.</summary>
    Plain,

    /// <summary>Keras 2's mean-like reductions: <c>m * fl(fl(N) / fl(V))</c> with a plain division (all masked: NaN).</summary>
    ScaledByDivision,

    /// <summary>Keras 3's mean-like reductions: <c>where(m, fl(divide_no_nan(fl(N), fl(V))), 0)</c> (all masked: 0).</summary>
    ScaledNoNan,
}

/// <summary>How the reduced value is formed from the weighted losses.</summary>
internal enum ReductionStep
{
    /// <summary>The weighted losses themselves.</summary>
    Unreduced,

    /// <summary>Their sum.</summary>
    Sum,

    /// <summary><c>divide_no_nan(sum, fl(count))</c> with the element count of the weighted losses.</summary>
    DivideByCount,

    /// <summary><c>divide_no_nan(sum, sum(weight))</c>.</summary>
    DivideByWeightSum,
}

/// <summary>
/// The shape-level decisions of a profile's weighting and reduction for one call: each step and the shape it gives.
/// Built once per combination of shapes; the data then flows through it unchanged.
/// </summary>
internal sealed class WeightingPlan
{
    public required MaskFolding MaskFolding { get; init; }

    /// <summary>The sample weight times the folded mask, where both are present.</summary>
    public BroadcastPlan? WeightTimesMask { get; init; }

    /// <summary>The losses times the (combined) weight, where there is one.</summary>
    public BroadcastPlan? LossTimesWeight { get; init; }

    public required int[] WeightedDims { get; init; }

    public required ReductionStep Reduction { get; init; }

    /// <summary>The factor <c>1 / replicas</c> (as a double; rounded to the compute dtype, as Keras casts it) that
    /// multiplies the reduced value, or null.</summary>
    public double? ReplicaScale { get; init; }

    /// <summary>The result's dimensions: the weighted losses' when unreduced, else <c>[]</c>.</summary>
    public int[] ResultDims => Reduction == ReductionStep.Unreduced ? WeightedDims : [];
}

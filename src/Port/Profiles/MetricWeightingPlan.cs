namespace CosineParity;

/// <summary>
/// The shape-level decisions of one metric <c>update_state</c>: how the per-sample cosines (in the metric dtype) and
/// the sample weight become what the update adds to <c>total</c> and <c>count</c>. Each step may be absent; the data
/// then flows through the present ones in this order:
/// <list type="number">
/// <item>the cosines averaged over their dimensions from <see cref="ValuesMeanFrom"/> on (down to the weight's rank);</item>
/// <item>the weight multiplied by ones of the values' shape (<see cref="WeightToValues"/>: TF's <c>broadcast_weights</c>, Keras 3's <c>broadcast_to</c>);</item>
/// <item>the values times the weight (<see cref="ValuesTimesWeight"/>);</item>
/// <item>the weighted values and the weight each averaged per sample, over the dimensions from <see cref="SampleMeanFrom"/> on;</item>
/// <item><c>total += sum(values)</c>; <c>count += sum(weight)</c>, or without a weight the number of values.</item>
/// </list>
/// </summary>
internal sealed class MetricWeightingPlan
{
    /// <summary>The cosines' dimensions.</summary>
    public required int[] ValueDims { get; init; }

    /// <summary>The first dimension the cosines are averaged over before weighing, or null.</summary>
    public int? ValuesMeanFrom { get; init; }

    /// <summary>The weight's dimensions after the rank rule (a squeeze or expand of a trailing 1 changes no data), or null without a weight.</summary>
    public int[]? WeightDims { get; init; }

    /// <summary><c>weight * ones_like(values)</c>, or null when the weight is used as aligned.</summary>
    public BroadcastPlan? WeightToValues { get; init; }

    /// <summary>The values times the weight, where there is one.</summary>
    public BroadcastPlan? ValuesTimesWeight { get; init; }

    /// <summary>The first dimension of the per-sample averages of the weighted values and the weight, or null.</summary>
    public int? SampleMeanFrom { get; init; }
}

namespace CosineParity;

/// <summary>
/// How the weighted per-sample losses are reduced. Each Keras generation accepts its own subset
/// (<see cref="KerasProfile.Reductions"/>); <see cref="KerasProfile.ParseReduction"/> reads Keras's spelling.
/// </summary>
public enum LossReduction
{
    /// <summary>Keras 2's default <c>"auto"</c>: <see cref="SumOverBatchSize"/> outside a distribution strategy.</summary>
    Auto,

    /// <summary><c>"sum_over_batch_size"</c>: the sum divided by the number of weighted losses (not the weight sum); Keras 3's default.</summary>
    SumOverBatchSize,

    /// <summary><c>"sum"</c>: the sum of the weighted losses.</summary>
    Sum,

    /// <summary><c>"none"</c>: the weighted losses, unreduced.</summary>
    None,

    /// <summary>Keras 3 only: Python's <c>None</c>, no reduction, as <see cref="None"/> (kept apart because the config writes <c>null</c>).</summary>
    Unreduced,

    /// <summary>Keras 3 only: <c>"mean"</c>, as <see cref="SumOverBatchSize"/>.</summary>
    Mean,

    /// <summary>Keras 3 only: <c>"mean_with_sample_weight"</c>: the sum divided by the sum of the sample weights.</summary>
    MeanWithSampleWeight,
}

namespace CosineParity;

/// <summary>
/// How the weighted per-sample losses are reduced. Each Keras generation accepts its own subset
/// (<see cref="KerasProfile.Reductions"/>); <see cref="KerasProfile.ParseReduction"/> reads Keras's spelling.
/// Keras 2: <c>losses_utils.ReductionV2</c> and <c>reduce_weighted_loss</c> (<c>tf_keras/utils/losses_utils.py</c>);
/// Keras 3: <c>standardize_reduction</c> and <c>reduce_values</c> (<c>keras/src/losses/loss.py</c>).
/// </summary>
public enum LossReduction
{
    /// <summary>Keras 2 only, its default <c>"auto"</c>: <see cref="SumOverBatchSize"/> outside a distribution strategy
    /// (<c>Loss._get_reduction</c>); Keras 3 rejects it.</summary>
    Auto,

    /// <summary>Both generations, Keras 3's default: <c>"sum_over_batch_size"</c>, the sum divided by the number of
    /// weighted losses (not the weight sum), with <c>divide_no_nan</c> (an empty batch gives 0).</summary>
    SumOverBatchSize,

    /// <summary>Both generations: <c>"sum"</c>, the sum of the weighted losses.</summary>
    Sum,

    /// <summary>Both generations: <c>"none"</c>, the weighted losses, unreduced.</summary>
    None,

    /// <summary>Keras 3 only: Python's <c>None</c>, no reduction, as <see cref="None"/> (kept apart because the config writes <c>null</c>).</summary>
    Unreduced,

    /// <summary>Keras 3 only (since 3.7.0): <c>"mean"</c>, as <see cref="SumOverBatchSize"/>.</summary>
    Mean,

    /// <summary>Keras 3 only (since 3.7.0): <c>"mean_with_sample_weight"</c>, the sum divided by the sum of the sample
    /// weights as given (a scalar weight w gives <c>sum(w * l) / w</c>), with <c>divide_no_nan</c>.</summary>
    MeanWithSampleWeight,
}

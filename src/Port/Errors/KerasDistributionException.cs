using System;

namespace CosineParity;

/// <summary>
/// Keras 2 refuses <c>"auto"</c> and <c>"sum_over_batch_size"</c> inside a <c>tf.distribute.Strategy</c> outside
/// <c>Model.fit</c> (TF: <c>ValueError</c>, "Please use tf.keras.losses.Reduction.SUM or NONE ..."): the per-replica
/// mean would be averaged again. Use <see cref="LossReduction.Sum"/> or <see cref="LossReduction.None"/> and divide by
/// the global batch size. Keras 2 only (<c>Loss._get_reduction</c> in <c>tf_keras/losses.py</c>); Keras 3 has no such
/// check and scales the mean-like reductions by <c>1 / num_replicas_in_sync</c> instead.
/// </summary>
public sealed class KerasDistributionException : InvalidOperationException, IKerasError
{
    /// <summary>Creates the exception.</summary>
    public KerasDistributionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public KerasDistributionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public KerasDistributionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public TensorFlowErrorType TensorFlowError => TensorFlowErrorType.ValueError;
}

using System;

namespace CosineParity;

/// <summary>
/// Where a loss is called from, for the rules that depend on it: whether the inputs stand for TF tensors or numpy
/// arrays (Keras 2 reconciles ranks only for tensors), and whether the call runs in the replica context of a
/// <c>tf.distribute.Strategy</c> with N replicas (<c>strategy.run</c>): there Keras 2 refuses the mean-like
/// reductions outside <c>fit</c>, and Keras 3 divides them by N.
/// </summary>
/// <remarks>
/// Keras 2: <c>LossFunctionWrapper.call</c> (<c>tf_keras/losses.py</c>) runs <c>squeeze_or_expand_dimensions</c> only
/// <c>if tf.is_tensor(y_pred) and tf.is_tensor(y_true)</c>, and <c>Loss._get_reduction</c> raises <c>ValueError</c> for
/// <c>"auto"</c>/<c>"sum_over_batch_size"</c> under <c>tf.distribute.has_strategy()</c>. Keras 3:
/// <c>scale_loss_for_distribution</c> (<c>keras/src/losses/loss.py</c>, since 3.8.0) multiplies the mean-like
/// reductions by <c>1 / num_replicas_in_sync</c>.
/// </remarks>
public readonly record struct LossContext
{
    /// <summary>A plain call on TF tensors, outside any strategy.</summary>
    public static LossContext Default => default;

    /// <summary>A plain call on numpy arrays.</summary>
    public static LossContext NumPy => new() { InputKind = InputKind.NumPy };

    /// <summary>Whether the inputs stand for TF tensors or numpy arrays.</summary>
    public InputKind InputKind { get; init; }

    /// <summary>The replica count of the strategy the call runs under, or <see langword="null"/> outside any strategy.</summary>
    public int? Replicas { get; init; }

    /// <summary>A call inside <c>strategy.run</c> of a strategy with <paramref name="replicas"/> replicas in sync.</summary>
    /// <param name="replicas">At least 1.</param>
    /// <returns>The context.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="replicas"/> is below 1.</exception>
    public static LossContext InReplicaContext(int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        return new() { Replicas = replicas };
    }
}

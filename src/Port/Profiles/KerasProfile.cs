using System;
using System.Collections.Generic;

namespace CosineParity;

/// <summary>
/// One Keras generation: <see cref="Keras2"/> (<c>tf.keras</c> up to TF 2.15, the <c>tf_keras</c> package) or
/// <see cref="Keras3"/> (<c>tf.keras</c> since TF 2.16). A profile holds everything the two generations do
/// differently: the normalisation clamp, the dtype the loss computes in and what it casts, the rank rules for
/// <c>y_true</c>/<c>y_pred</c>, weights and masks, the reduction names and how each divides, how the metric weighs and
/// counts, and which keys <c>get_config()</c> writes. Nothing outside a profile asks which generation it is.
/// </summary>
/// <remarks>
/// Keras 2 follows <c>tf_keras</c> 2.21 (<c>tf_keras/losses.py</c>, <c>tf_keras/utils/losses_utils.py</c>,
/// <c>tf_keras/metrics/regression_metrics.py</c>), which is <c>tf.keras</c> of TF 2.0-2.15 for everything the port
/// computes. Keras 3 follows Keras 3.15.1 (<c>keras/src/losses/losses.py</c>, <c>keras/src/losses/loss.py</c>,
/// <c>keras/src/ops/nn.py</c>, <c>keras/src/metrics/</c>). Every recorded case of each profile was answered by that
/// release on TF 2.21.
/// </remarks>
public abstract class KerasProfile
{
    private protected KerasProfile()
    {
    }

    /// <summary>Keras 2: <c>tf_keras</c> 2.x, identical to <c>tf.keras</c> of TF 2.0-2.15.</summary>
    public static KerasProfile Keras2 { get; } = new Keras2Profile();

    /// <summary>Keras 3: what <c>tf.keras</c> is since TF 2.16 (recorded with Keras 3.15.1).</summary>
    public static KerasProfile Keras3 { get; } = new Keras3Profile();

    /// <summary>The profile's name, as the fixtures name it: <c>"keras2"</c> (Keras 2) or <c>"keras3"</c> (Keras 3).</summary>
    public abstract string Name { get; }

    /// <summary>The reductions this generation accepts; the first is its default. Keras 2: <c>ReductionV2.all()</c>,
    /// <c>"auto"</c> first. Keras 3: <c>standardize_reduction</c>'s set, <c>"sum_over_batch_size"</c> first.</summary>
    public abstract IReadOnlyList<LossReduction> Reductions { get; }

    /// <summary>The default reduction: Keras 2 <c>"auto"</c>, Keras 3 <c>"sum_over_batch_size"</c>.</summary>
    public LossReduction DefaultReduction => Reductions[0];

    /// <summary>The profile of that name.</summary>
    /// <param name="name"><c>"keras2"</c> or <c>"keras3"</c>.</param>
    /// <exception cref="ArgumentException">Neither.</exception>
    public static KerasProfile Parse(string name) => name switch
    {
        "keras2" => Keras2,
        "keras3" => Keras3,
        _ => throw new ArgumentException($"unknown profile '{name}'; expected keras2 or keras3", nameof(name)),
    };

    /// <summary>Reads a reduction as this generation spells it (Keras 3 also takes Python's <c>None</c> as <see langword="null"/>),
    /// failing as Keras 2's <c>ReductionV2.validate</c> or Keras 3's <c>standardize_reduction</c> fails.</summary>
    /// <param name="keras">The reduction string, or <see langword="null"/> for Python's <c>None</c>.</param>
    /// <exception cref="KerasArgumentException">This generation has no such reduction (Keras: <c>ValueError</c>).</exception>
    public abstract LossReduction ParseReduction(string? keras);

    /// <summary>This generation's spelling of a reduction, as <c>get_config()</c> writes it (<see langword="null"/>
    /// for Keras 3's Python <c>None</c>).</summary>
    /// <param name="reduction">A reduction this generation accepts.</param>
    public abstract string? ReductionName(LossReduction reduction);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Throws what Keras raises when the loss is built with a reduction it lacks.</summary>
    internal void ValidateReduction(LossReduction reduction)
    {
        if (!((IList<LossReduction>)Reductions).Contains(reduction))
        {
            throw InvalidReduction(reduction.ToString());
        }
    }

    internal abstract KerasArgumentException InvalidReduction(string spelling);

    /// <summary>The dtype the loss class computes in and returns (Keras 3's <c>dtype</c> argument; Keras 2 has none).</summary>
    internal abstract KerasDType LossDType<TTrue, TPred>(KerasDType? dtypeArgument);

    /// <summary>Whether the loss constructor takes a <c>dtype</c> argument (Keras 3 does, Keras 2 does not).</summary>
    internal abstract bool TakesDTypeArgument { get; }

    /// <summary>Rejects a <c>dtype</c> constructor argument where Keras does (Keras 2: <c>TypeError</c>).</summary>
    internal abstract void ValidateDTypeArgument(KerasDType? dtypeArgument);

    /// <summary>The dtype the bare function computes in and returns.</summary>
    internal abstract KerasDType FunctionDType<TTrue, TPred>();

    /// <summary>Reconciles the ranks of <c>y_true</c> and <c>y_pred</c> before the cosine (squeeze or expand a trailing 1).</summary>
    internal abstract void AlignInputs(ref Operand yTrue, ref Operand yPred, bool forLoss, InputKind kind);

    /// <summary>Whether a 0-d input is normalised as a vector of one (Keras 3's <c>ops.normalize</c> expands it).</summary>
    internal abstract bool NormalizesScalarsAsVectors { get; }

    /// <summary>The clamped inverse norm <c>1/||x||</c> from the sum of squares, in the compute precision.</summary>
    internal abstract double InverseNorm(double squareSum, Precision precision);

    /// <summary>
    /// Whether TF's gradient reaches the sum of squares through the clamp: Keras 2's <c>maximum(s, eps)</c> sends it to
    /// <c>s</c> where <c>s &gt;= eps</c>, Keras 3's <c>minimum(rsqrt(s), cap)</c> to <c>rsqrt(s)</c> where
    /// <c>rsqrt(s) &lt;= cap</c> (TF's <c>_MaximumMinimumGrad</c>: ties go through; a NaN does not). Elsewhere the
    /// gradient through the norm is a select's exact 0. <paramref name="inverseNorm"/> is
    /// <see cref="InverseNorm"/> of <paramref name="squareSum"/>, which the caller has: it decides most rows
    /// without a second square root.
    /// </summary>
    internal abstract bool ClampPassesGradient(double squareSum, double inverseNorm, Precision precision);

    /// <summary>A Python number passed as <c>sample_weight</c>, converted as this generation converts it.</summary>
    internal abstract double ScalarWeight(double value, bool isInteger, Precision precision);

    /// <summary>How weights, a mask and the reduction turn per-sample losses into the result, from shapes alone.</summary>
    internal abstract WeightingPlan PlanWeighting(int[] lossDims, int[]? weightDims, int[]? maskDims, LossReduction reduction, int? replicas);

    /// <summary>The dtype the metric's cosine is computed in, given the metric's own dtype.</summary>
    internal abstract KerasDType MetricCosineDType<TTrue, TPred>(KerasDType metricDType);

    /// <summary>How one metric update weighs the cosines and what it counts, from shapes alone.</summary>
    /// <param name="valueDims">The per-sample cosines' dimensions.</param>
    /// <param name="weightDims">The sample weight's dimensions (<c>[]</c> for a Python number), or null without one.</param>
    internal abstract MetricWeightingPlan PlanMetricUpdate(int[] valueDims, int[]? weightDims);

    /// <summary>What Keras raises for a dtype name it does not know (the metric's <c>dtype</c> argument).</summary>
    internal abstract KerasArgumentException InvalidDTypeName(string name);

    /// <summary>The keys the loss's <c>get_config()</c> holds, in the recorded order (the recorder sorts them).</summary>
    internal abstract IReadOnlyList<ConfigKey> LossConfigKeys { get; }

    /// <summary>The keys the metric's <c>get_config()</c> holds, in the recorded order.</summary>
    internal abstract IReadOnlyList<ConfigKey> MetricConfigKeys { get; }
}

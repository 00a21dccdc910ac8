using System;

namespace CosineParity;

/// <summary>
/// TensorFlow's <c>tf.nn.compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None)</c> (TF 2.21,
/// the same under both Keras generations): <c>div_no_nan(sum(losses * weight), global_batch_size)</c> in the losses'
/// dtype. The weighing happens in float32 whatever that dtype (<c>scale_losses_by_sample_weight</c> casts losses and
/// weight to float32, applies TF's weight rank rule, multiplies, and the product is cast back), and the default
/// <c>global_batch_size</c> is the first dimension times the replicas in sync. The divisor is that batch size, not the
/// element count, so for <c>[B, T]</c> losses it differs from <c>sum_over_batch_size</c>.
/// </summary>
/// <remarks>
/// TensorFlow's, not Keras's, so both generations share it: <c>tensorflow/python/ops/nn_impl_distribute.py</c> (TF 2.13
/// and later; <c>nn_impl.py</c> before), with the weighing of <c>tensorflow/python/ops/losses/util.py</c>. TF 2.13 and
/// later assert a non-negative integer <c>global_batch_size</c> and divide with <c>div_no_nan</c>.
/// </remarks>
public static class AverageLoss
{
    /// <summary><c>tf.nn.compute_average_loss</c>.</summary>
    /// <typeparam name="T">The losses' element type (Half, BFloat16, float or double), also the result's.</typeparam>
    /// <param name="perExampleLoss">The per-example losses, rank 1 or more (e.g. a loss's <c>reduction="none"</c> output).</param>
    /// <param name="sampleWeight">None, a Python number, or a float32 tensor (TF casts any weight to float32 first; cast
    /// yours the same way) of the losses' shape, one rank lower (a trailing dimension is added) or higher (its trailing 1
    /// is squeezed), or 0-d.</param>
    /// <param name="globalBatchSize">The divisor, non-negative (0 gives 0); default the first dimension times <paramref name="replicas"/>.</param>
    /// <param name="replicas">The replicas in sync of the distribution strategy the call stands in (default 1: none).
    /// Each replica computes its own average over the global batch; only the default divisor depends on it.</param>
    /// <returns>The average, in <typeparamref name="T"/>.</returns>
    /// <exception cref="KerasShapeException">A 0-d loss (<c>ValueError</c>), or a weight that does not broadcast against the losses or squeeze (<c>InvalidArgumentError</c>).</exception>
    /// <exception cref="KerasArgumentException">A negative <paramref name="globalBatchSize"/> (<c>InvalidArgumentError</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="replicas"/> is below 1.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a floating-point element type.</exception>
    public static T Compute<T>(ShapedSpan<T> perExampleLoss, SampleWeight<float> sampleWeight = default, long? globalBatchSize = null, int replicas = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        var precision = Precision.Of(KerasDTypes.Of<T>());
        int[] lossDims = Views.Operand(perExampleLoss).Dims;
        if (lossDims.Length == 0)
        {
            throw new KerasShapeException(
                "Invalid value passed for `per_example_loss`. Expected a tensor with at least rank 1, received a 0-d tensor",
                TensorFlowErrorType.ValueError);
        }

        var losses = new double[checked((int)perExampleLoss.ElementCount)];
        Views.CopyDense(perExampleLoss, losses);
        double[] weighted = sampleWeight.Kind == WeightKind.None ? losses : Weigh(losses, lossDims, sampleWeight, precision);
        if (globalBatchSize < 0)   // TF asserts this after weighing, so a weight that does not fit fails first
        {
            throw new KerasArgumentException(
                $"global_batch_size must be non-negative, not {globalBatchSize}", TensorFlowErrorType.InvalidArgumentError);
        }

        long batch = globalBatchSize ?? (long)lossDims[0] * replicas;
        return Element.FromDouble<T>(precision.DivideNoNan(precision.Sum(weighted), precision.Count(batch)));
    }

    /// <summary><c>scale_losses_by_sample_weight</c>: both in float32, the weight aligned and multiplied, the product
    /// cast back to the losses' dtype.</summary>
    private static double[] Weigh(double[] losses, int[] lossDims, in SampleWeight<float> sampleWeight, Precision precision)
    {
        var float32 = Precision.Of(KerasDType.Float32);
        double[] weight;
        int[] weightDims;
        if (sampleWeight.Kind == WeightKind.Tensor)
        {
            weightDims = Views.Operand(sampleWeight.TensorValue).Dims;
            weight = new double[checked((int)sampleWeight.TensorValue.ElementCount)];
            Views.CopyDense(sampleWeight.TensorValue, weight);
        }
        else
        {
            weightDims = [];
            weight = [float32.Round(sampleWeight.ScalarValue)];   // a Python number becomes a float32 tensor
        }

        var product = BroadcastPlan.Create(lossDims, Shape.AlignWeight(lossDims, weightDims));
        var lossesInFloat32 = Array.ConvertAll(losses, float32.Round);
        var weighted = new double[product.Length];
        product.Multiply(lossesInFloat32, weight, weighted, float32);
        for (int i = 0; i < weighted.Length; i++)
        {
            weighted[i] = precision.Round(weighted[i]);
        }

        return weighted;
    }
}

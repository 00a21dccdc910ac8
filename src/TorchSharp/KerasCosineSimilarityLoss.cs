using System;
using TorchSharp;
using static TorchSharp.torch;

namespace CosineParity.TorchSharp;

/// <summary>
/// Keras's loss class <c>keras.losses.CosineSimilarity(axis=-1, reduction=..., name="cosine_similarity")</c> as a
/// TorchSharp module: <c>loss = -sum(l2_norm(y_true) * l2_norm(y_pred), axis)</c>, weighted and reduced as the chosen
/// generation does, on CPU tensors of float16, bfloat16, float32 or float64. Forward is the port's
/// <see cref="CosineSimilarityLoss"/>, so the value is what TensorFlow computes; backward is the port's analytic
/// gradient (<see cref="CosineSimilarityLoss.ComputeWithGradients{TTrue, TPred, TResult}(ShapedSpan{TTrue}, ShapedSpan{TPred}, SampleWeight{TResult}, KerasMask, Span{TResult}, Span{TTrue}, Span{TPred}, ReadOnlySpan{TResult}, LossContext)"/>),
/// TF's gradient graph op by op, through a custom autograd function.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="KerasProfile.Keras2"/> (<c>tf.keras</c> up to TF 2.15, <c>tf_keras</c>): <c>l2_normalize</c> clamps the
/// squared norm, <c>x * rsqrt(max(sum(x*x), 1e-12))</c>; both inputs must share one dtype, which the loss computes in;
/// reductions <c>"auto"</c> (the default), <c>"sum_over_batch_size"</c>, <c>"sum"</c>, <c>"none"</c>.
/// <see cref="KerasProfile.Keras3"/> (<c>tf.keras</c> since TF 2.16, Keras 3.15.1): <c>ops.normalize</c> clamps the
/// inverse norm, <c>x * min(rsqrt(sum(x*x)), 1/1e-7)</c>; the loss casts both inputs to its <c>dtype</c> (float32
/// unless given); reductions add <c>"mean"</c>, <c>"mean_with_sample_weight"</c> and Python's <c>None</c>
/// (<see cref="LossReduction.Unreduced"/>).
/// </para>
/// <para>
/// This is not TorchSharp's <c>torch.nn.functional.cosine_similarity</c>, which follows PyTorch: each norm is clamped at
/// <c>eps = 1e-8</c> separately, no sample weights, masks or Keras reductions. The two part ways for norms below 1e-6
/// (Keras 2) or 1e-7 (Keras 3); see the package README.
/// </para>
/// <para>
/// Reading the inputs copies nothing for contiguous CPU tensors (the port reads their storage in place; others are
/// made contiguous first) and the value is written straight into the result tensor. Sample weights and masks are
/// constants, as in the port: no gradient reaches them.
/// </para>
/// </remarks>
public sealed class KerasCosineSimilarityLoss : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Builds the module as <c>keras.losses.CosineSimilarity(axis=..., reduction=..., name=..., dtype=...)</c> would.</summary>
    /// <param name="profile">The Keras generation (default <see cref="KerasProfile.Keras3"/>, what <c>tf.keras</c> is today).</param>
    /// <param name="axis">The axis or axes of the cosine (default <c>-1</c>; <c>Axes.List(1, 2)</c> for several).</param>
    /// <param name="reduction">The reduction (default: the generation's, Keras 2 <c>"auto"</c>, Keras 3 <c>"sum_over_batch_size"</c>).</param>
    /// <param name="dtype">Keras 3's <c>dtype</c>, the dtype the loss computes in and returns (default float32). Keras 2 takes none.</param>
    /// <param name="name">The loss's name (default <c>"cosine_similarity"</c>), also the module's.</param>
    /// <exception cref="KerasArgumentException">The generation has no such reduction (Keras: <c>ValueError</c>), or Keras 2 was given a dtype (<c>TypeError</c>).</exception>
    public KerasCosineSimilarityLoss(
        KerasProfile? profile = null, Axes? axis = null, LossReduction? reduction = null, KerasDType? dtype = null,
        string name = "cosine_similarity")
        : this(new CosineSimilarityLoss(profile, axis, reduction, dtype, name))
    {
    }

    /// <summary>The module of a port loss built any way the port offers (<see cref="CosineSimilarityLoss.FromConfig"/>,
    /// <see cref="CosineSimilarityLoss.FromKerasArguments"/>, its constructor).</summary>
    /// <param name="loss">The loss.</param>
    public KerasCosineSimilarityLoss(CosineSimilarityLoss loss)
        : base((loss ?? throw new ArgumentNullException(nameof(loss))).Name)
    {
        Loss = loss;
    }

    /// <summary>The port's loss this module computes with: its profile, axis, reduction, dtype and name.</summary>
    public CosineSimilarityLoss Loss { get; }

    /// <summary><c>loss(y_true, y_pred)</c>: the loss of unweighted samples.</summary>
    /// <param name="input1"><c>y_true</c>, the targets: a CPU tensor of float16, bfloat16, float32 or float64.</param>
    /// <param name="input2"><c>y_pred</c>, the predictions, likewise (Keras 2: of <c>y_true</c>'s dtype).</param>
    /// <returns>The reduced loss (a 0-d tensor) or, for <c>"none"</c> and Python's <c>None</c>, the per-sample losses; in the compute dtype.</returns>
    /// <exception cref="ArgumentException">A tensor not on the CPU, or of another dtype; and what the port throws (<see cref="KerasShapeException"/>, <see cref="KerasAxisException"/>, <see cref="KerasDTypeException"/>).</exception>
    public override Tensor forward(Tensor input1, Tensor input2) => Apply(input1, input2, WeightArgument.None, null);

    /// <summary><c>loss(y_true, y_pred, sample_weight)</c> with a weight tensor and, optionally, a Keras mask.</summary>
    /// <param name="yTrue">The targets: a CPU tensor of float16, bfloat16, float32 or float64.</param>
    /// <param name="yPred">The predictions, likewise.</param>
    /// <param name="sampleWeight">The sample weight (any of the four dtypes; cast to the compute dtype with one correct
    /// rounding, as Keras's cast does), shaped by the generation's rank rules against the losses; or null for none.</param>
    /// <param name="mask">Keras's <c>y_pred._keras_mask</c>, a Bool tensor of the loss shape, true where a loss counts;
    /// or null. Keras 2 folds it into the weight with a plain division (all masked: NaN), Keras 3 with
    /// <c>divide_no_nan</c> (all masked: 0).</param>
    /// <returns>The loss, as <see cref="forward(Tensor, Tensor)"/>.</returns>
    /// <exception cref="ArgumentException">As <see cref="forward(Tensor, Tensor)"/>; a weight or mask not on the CPU or of the wrong dtype.</exception>
    public Tensor forward(Tensor yTrue, Tensor yPred, Tensor? sampleWeight, Tensor? mask = null) =>
        Apply(yTrue, yPred, new WeightArgument(null, sampleWeight), mask);

    /// <summary><c>loss(y_true, y_pred, sample_weight=2.5)</c>: a Python float weighing every loss (Keras 2 rounds it to
    /// float32 first), with an optional Keras mask.</summary>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="sampleWeight">The weight, as Python holds it.</param>
    /// <param name="mask">A Keras mask (see <see cref="forward(Tensor, Tensor, Tensor?, Tensor?)"/>), or null.</param>
    /// <returns>The loss, as <see cref="forward(Tensor, Tensor)"/>.</returns>
    /// <exception cref="ArgumentException">As <see cref="forward(Tensor, Tensor, Tensor?, Tensor?)"/>.</exception>
    public Tensor forward(Tensor yTrue, Tensor yPred, double sampleWeight, Tensor? mask = null) =>
        Apply(yTrue, yPred, new WeightArgument(sampleWeight, null), mask);

    private Tensor Apply(Tensor yTrue, Tensor yPred, WeightArgument weight, Tensor? mask)
    {
        TorchElements.Require(yTrue, nameof(yTrue));
        TorchElements.Require(yPred, nameof(yPred));
        if (weight.Tensor is { } weightTensor)
        {
            TorchElements.Require(weightTensor, "sampleWeight");
        }

        if (mask is not null)
        {
            TorchElements.Require(mask, nameof(mask), isMask: true);
        }

        LossCall call = LossCall.Create(Loss, yTrue, yPred, weight, mask);
        return CosineSimilarityFunction.apply(yTrue, yPred, call);
    }
}

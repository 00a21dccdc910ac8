using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Threading;

namespace CosineParity;

/// <summary>
/// Keras's loss class <c>keras.losses.CosineSimilarity(axis=-1, reduction=..., name="cosine_similarity")</c> (and
/// Keras 3's <c>dtype</c> argument), called as <c>loss(y_true, y_pred, sample_weight)</c>: the per-sample
/// <c>-cosine</c> of <c>y_true</c> and <c>y_pred</c> along <see cref="Axis"/>, weighted and reduced exactly as the
/// chosen <see cref="KerasProfile"/> does, in its compute dtype. Keras 3 computes in <see cref="DType"/> (float32 by
/// default) whatever the inputs are; Keras 2 in the inputs' dtype, which both must share.
/// </summary>
/// <remarks>
/// <para>Keras 2 (<c>tf_keras/losses.py</c>, <c>CosineSimilarity(axis=-1, reduction="auto",
/// name="cosine_similarity")</c>): <c>Loss.__call__</c> squeezes or expands <c>y_true</c>/<c>y_pred</c> (TF tensors
/// only), takes <c>cosine_similarity</c>, folds a Keras mask into the weight (<c>apply_valid_mask</c>) and reduces with
/// <c>compute_weighted_loss</c> (<c>tf_keras/utils/losses_utils.py</c>).</para>
/// <para>Keras 3 (<c>keras/src/losses/losses.py</c>, <c>CosineSimilarity(axis=-1,
/// reduction="sum_over_batch_size", name="cosine_similarity", dtype=None)</c>): <c>Loss.__call__</c>
/// (<c>keras/src/losses/loss.py</c>) converts both inputs to the loss dtype, takes <c>cosine_similarity</c>, folds the
/// mask in (<c>apply_mask</c>) and reduces with <c>reduce_weighted_values</c>.</para>
/// <para>Thread-safe: a loss object holds only its arguments and an immutable plan of the last call's shapes, swapped
/// atomically. Calls with unchanged shapes reuse that plan; the destination overloads then allocate nothing.</para>
/// </remarks>
public sealed class CosineSimilarityLoss
{
    private CallPlan? _lastPlan;

    /// <summary>Builds the loss as <c>CosineSimilarity(axis=..., reduction=..., name=..., dtype=...)</c> would.</summary>
    /// <param name="profile">The Keras generation to imitate (default <see cref="KerasProfile.Keras3"/>, what <c>tf.keras</c> is today).</param>
    /// <param name="axis">The axis or axes of the cosine (default <c>-1</c>).</param>
    /// <param name="reduction">The reduction (default: the profile's, <c>"auto"</c> or <c>"sum_over_batch_size"</c>).</param>
    /// <param name="dtype">Keras 3's <c>dtype</c>: the dtype the loss computes in (default float32, <c>floatx()</c>). Keras 2 takes none.</param>
    /// <param name="name">The loss's name (default <c>"cosine_similarity"</c>).</param>
    /// <exception cref="KerasArgumentException">The profile has no such reduction (Keras: <c>ValueError</c>), or Keras 2 was given a dtype (<c>TypeError</c>).</exception>
    public CosineSimilarityLoss(
        KerasProfile? profile = null, Axes? axis = null, LossReduction? reduction = null, KerasDType? dtype = null,
        string name = "cosine_similarity")
    {
        ArgumentNullException.ThrowIfNull(name);
        Profile = profile ?? KerasProfile.Keras3;
        Axis = axis ?? Axes.Last;
        Reduction = reduction ?? Profile.DefaultReduction;
        Profile.ValidateReduction(Reduction);
        Profile.ValidateDTypeArgument(dtype);
        DType = dtype;
        Name = name;
    }

    /// <summary>
    /// Builds the loss from Keras's keyword arguments, as <c>CosineSimilarity(**arguments)</c>: <c>axis</c> (an int or a
    /// list of ints), <c>reduction</c> (Keras's spelling; <see langword="null"/> is Python's <c>None</c>), <c>name</c>,
    /// and for Keras 3 <c>dtype</c> (a dtype name). Any other keyword fails as it fails in Python.
    /// </summary>
    /// <param name="profile">The Keras generation.</param>
    /// <param name="arguments">The keyword arguments by name.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="KerasArgumentException">A keyword the generation does not take (<c>TypeError</c>) or a reduction it lacks (<c>ValueError</c>).</exception>
    /// <exception cref="ArgumentException">A known keyword with a value of the wrong type.</exception>
    public static CosineSimilarityLoss FromKerasArguments(KerasProfile profile, IReadOnlyDictionary<string, object?> arguments)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(arguments);
        Axes? axis = null;
        LossReduction? reduction = null;
        KerasDType? dtype = null;
        string name = "cosine_similarity";
        foreach ((string key, object? value) in arguments)
        {
            switch (key)
            {
                case "axis":
                    axis = KerasArguments.Axis(value, nameof(arguments));
                    break;
                case "reduction" when value is null or string:
                    reduction = profile.ParseReduction((string?)value);
                    break;
                case "name" when value is string text:
                    name = text;
                    break;
                case "dtype" when profile.TakesDTypeArgument:
                    // None is Keras 3's own default (the backend's floatx, float32).
                    dtype = value is null ? null
                        : value is string dtypeName ? KerasDTypes.Parse(dtypeName)
                        : throw new ArgumentException($"dtype must be a dtype name, not {value}", nameof(arguments));
                    break;
                case "reduction" or "name":
                    throw new ArgumentException($"{key} must be a string, not {value ?? "None"}", nameof(arguments));
                default:
                    throw KerasArguments.Unexpected(key);
            }
        }

        return new CosineSimilarityLoss(profile, axis, reduction, dtype, name);
    }

    /// <summary>
    /// <c>CosineSimilarity.from_config(config)</c>: the loss a <c>get_config()</c> dictionary describes, as
    /// <c>cls(**config)</c> builds it (Keras 2's <c>fn</c>, which must name <c>cosine_similarity</c>, is dropped
    /// first). Keras 3.15.1 writes only <c>name</c> and <c>reduction</c>, so its round trip resets the axis to
    /// <c>-1</c> and the dtype to float32, as Keras's own does.
    /// </summary>
    /// <param name="profile">The Keras generation that wrote the config.</param>
    /// <param name="config">The config as a JSON object, e.g. <see cref="GetConfig"/>'s.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="KerasArgumentException">A key the constructor does not take (<c>TypeError</c>), or a reduction the generation lacks.</exception>
    /// <exception cref="ArgumentException">Not a JSON object, a value of the wrong type, or another loss's config.</exception>
    public static CosineSimilarityLoss FromConfig(KerasProfile profile, string config)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Dictionary<string, object?> arguments = KerasConfig.Read(config);
        if (((IList<ConfigKey>)profile.LossConfigKeys).Contains(ConfigKey.Fn))
        {
            KerasConfig.RemoveFunctionName(arguments);
        }

        return FromKerasArguments(profile, arguments);
    }

    /// <summary>
    /// <c>get_config()</c> as compact JSON, exactly as the generation's dictionary is recorded (keys sorted): Keras 2
    /// <c>{"axis":-1,"fn":"cosine_similarity","name":"cosine_similarity","reduction":"auto"}</c>, Keras 3
    /// <c>{"name":"cosine_similarity","reduction":"sum_over_batch_size"}</c> (no axis, no dtype: Keras 3.15.1 drops them).
    /// </summary>
    /// <returns>The JSON object.</returns>
    public string GetConfig() =>
        KerasConfig.Write(Profile.LossConfigKeys, new ConfigValues(Axis, Name, Profile.ReductionName(Reduction), null));

    /// <summary>The Keras generation imitated: <see cref="KerasProfile.Keras2"/> or <see cref="KerasProfile.Keras3"/>.</summary>
    public KerasProfile Profile { get; }

    /// <summary>The <c>axis</c> argument, one axis or a list (both generations; default <c>-1</c>).</summary>
    public Axes Axis { get; }

    /// <summary>The <c>reduction</c> argument: one of <see cref="KerasProfile.Reductions"/> (default Keras 2
    /// <c>"auto"</c>, Keras 3 <c>"sum_over_batch_size"</c>).</summary>
    public LossReduction Reduction { get; }

    /// <summary>Keras 3's <c>dtype</c> argument as given (<see langword="null"/>: float32, <c>floatx()</c>, not the
    /// global mixed-precision policy); always null for Keras 2, which takes none.</summary>
    public KerasDType? DType { get; }

    /// <summary>The <c>name</c> argument (both generations; default <c>"cosine_similarity"</c>).</summary>
    public string Name { get; }

    /// <summary>
    /// <c>loss(y_true, y_pred, sample_weight)</c> into a caller's buffer; allocation-free while shapes repeat.
    /// </summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>: Half, BFloat16, float, double, or long.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>: as <typeparamref name="TTrue"/>.</typeparam>
    /// <typeparam name="TResult">The element type of the compute dtype, which is the result's (see <see cref="ResultDType{TTrue, TPred}"/>).</typeparam>
    /// <param name="yTrue">The targets (a <see cref="Tensor{T}"/>, <see cref="ReadOnlyTensorSpan{T}"/> or <see cref="ShapedSpan{T}"/>).</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="sampleWeight">The sample weight, or <see cref="SampleWeight{T}.None"/>.</param>
    /// <param name="mask">A Keras mask on <paramref name="yPred"/>, or <see cref="KerasMask.None"/>.</param>
    /// <param name="destination">Receives the result in row-major order: one element when reduced, else the weighted losses (see <see cref="GetResultShape{TTrue, TPred, TResult}"/>).</param>
    /// <param name="context">Tensors or numpy arrays, and the replica context of a distribution strategy (see <see cref="LossContext"/>).</param>
    /// <exception cref="KerasShapeException">Shapes that do not broadcast or squeeze (TF: <c>InvalidArgumentError</c>).</exception>
    /// <exception cref="KerasAxisException">An axis outside an input's rank (TF: <c>InvalidArgumentError</c>).</exception>
    /// <exception cref="KerasDTypeException">Element types Keras 2 cannot combine (TF: <c>InvalidArgumentError</c> or <c>TypeError</c>).</exception>
    /// <exception cref="KerasDistributionException">Keras 2's mean-like reduction in a replica context (TF: <c>ValueError</c>).</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TResult"/> is not the compute dtype, or <paramref name="destination"/> has the wrong length.</exception>
    public void Compute<TTrue, TPred, TResult>(
        ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred, SampleWeight<TResult> sampleWeight, KerasMask mask,
        Span<TResult> destination, LossContext context = default)
    {
        CallPlan plan = PlanFor(yTrue, yPred, sampleWeight, mask, context);
        RequireLength(destination.Length, plan.ResultLength, plan.ResultDims, nameof(destination));

        Evaluation.Loss(plan, Profile, yTrue, yPred, sampleWeight, mask, destination);
    }

    /// <summary><c>loss(y_true, y_pred, sample_weight)</c> with dense row-major inputs and their shapes.</summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>.</typeparam>
    /// <typeparam name="TResult">The compute dtype's element type.</typeparam>
    /// <param name="yTrue">The targets, row-major.</param>
    /// <param name="yTrueShape">Their shape (empty for 0-d).</param>
    /// <param name="yPred">The predictions, row-major.</param>
    /// <param name="yPredShape">Their shape.</param>
    /// <param name="destination">Receives the result.</param>
    /// <param name="sampleWeight">The sample weight, or none.</param>
    /// <exception cref="ArgumentException">A span's length does not fill its shape; and as the <see cref="ShapedSpan{T}"/> overload.</exception>
    public void Compute<TTrue, TPred, TResult>(
        ReadOnlySpan<TTrue> yTrue, ReadOnlySpan<nint> yTrueShape, ReadOnlySpan<TPred> yPred, ReadOnlySpan<nint> yPredShape,
        Span<TResult> destination, SampleWeight<TResult> sampleWeight = default) =>
        Compute(new ShapedSpan<TTrue>(yTrue, yTrueShape), new ShapedSpan<TPred>(yPred, yPredShape), sampleWeight, KerasMask.None, destination);

    /// <summary><c>loss(y_true, y_pred, sample_weight)</c> as a new array of the result's shape and dtype.</summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>.</typeparam>
    /// <typeparam name="TResult">The compute dtype's element type.</typeparam>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="sampleWeight">The sample weight, or none.</param>
    /// <param name="mask">A Keras mask on <paramref name="yPred"/>, or none.</param>
    /// <param name="context">Tensors or numpy arrays, and the replica context (see <see cref="LossContext"/>).</param>
    /// <returns>The reduced value (shape <c>[]</c>) or the weighted losses.</returns>
    public ShapedArray<TResult> Compute<TTrue, TPred, TResult>(
        ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred, SampleWeight<TResult> sampleWeight = default,
        KerasMask mask = default, LossContext context = default)
    {
        CallPlan plan = PlanFor(yTrue, yPred, sampleWeight, mask, context);
        var values = new TResult[plan.ResultLength];
        Evaluation.Loss(plan, Profile, yTrue, yPred, sampleWeight, mask, values);
        return new ShapedArray<TResult>(values, plan.ResultDims);
    }

    /// <summary><c>loss(y_true, y_pred, sample_weight)</c> for tensors of the compute dtype (a Keras 3 loss of float32
    /// over float32 tensors, a Keras 2 loss over any one dtype).</summary>
    /// <typeparam name="T">The element type of both inputs and of the result.</typeparam>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="sampleWeight">The sample weight, or none.</param>
    /// <param name="mask">A Keras mask on <paramref name="yPred"/>, or none.</param>
    /// <returns>The reduced value (shape <c>[]</c>, read it with <see cref="ShapedArray{T}.Scalar"/>) or the weighted losses.</returns>
    /// <exception cref="ArgumentException">The loss computes in another dtype than <typeparamref name="T"/>.</exception>
    public ShapedArray<T> Compute<T>(Tensor<T> yTrue, Tensor<T> yPred, SampleWeight<T> sampleWeight = default, KerasMask mask = default)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        return Compute<T, T, T>(yTrue, yPred, sampleWeight, mask);
    }

    /// <summary>
    /// The value and its gradients by both inputs from one call: <c>d sum(upstream * value) / d y_true</c> and
    /// <c>/ d y_pred</c>, computed in the compute dtype the way TF's gradient graph computes them (the clamp as a
    /// select, <c>RsqrtGrad</c>, the weights and reductions backwards) and cast to each input's dtype.
    /// Allocation-free while shapes repeat.
    /// </summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>.</typeparam>
    /// <typeparam name="TResult">The compute dtype's element type.</typeparam>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="sampleWeight">The sample weight (a constant: no gradient reaches it), or none.</param>
    /// <param name="mask">A Keras mask on <paramref name="yPred"/>, or none.</param>
    /// <param name="value">Receives the value, as <see cref="Compute{TTrue, TPred, TResult}(ShapedSpan{TTrue}, ShapedSpan{TPred}, SampleWeight{TResult}, KerasMask, Span{TResult}, LossContext)"/> writes it.</param>
    /// <param name="yTrueGradient">Receives the gradient by <paramref name="yTrue"/>, row-major in its shape; empty to skip it.</param>
    /// <param name="yPredGradient">Receives the gradient by <paramref name="yPred"/>; empty to skip it.</param>
    /// <param name="upstream">The gradient arriving at the value, of its shape; empty for ones (the gradient of the value's sum).</param>
    /// <param name="context">Tensors or numpy arrays, and the replica context.</param>
    /// <exception cref="ArgumentException">A buffer of the wrong length, or a gradient asked of an integer input; and as <c>Compute</c>.</exception>
    public void ComputeWithGradients<TTrue, TPred, TResult>(
        ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred, SampleWeight<TResult> sampleWeight, KerasMask mask, Span<TResult> value,
        Span<TTrue> yTrueGradient, Span<TPred> yPredGradient, ReadOnlySpan<TResult> upstream = default, LossContext context = default)
    {
        CallPlan plan = PlanFor(yTrue, yPred, sampleWeight, mask, context);
        RequireLength(value.Length, plan.ResultLength, plan.ResultDims, nameof(value));
        RequireLength(upstream.Length, upstream.IsEmpty ? 0 : plan.ResultLength, plan.ResultDims, nameof(upstream));
        RequireGradient(yTrueGradient.Length, yTrue, nameof(yTrueGradient));
        RequireGradient(yPredGradient.Length, yPred, nameof(yPredGradient));
        Evaluation.LossWithGradients(plan, Profile, yTrue, yPred, sampleWeight, mask, upstream, value, yTrueGradient, yPredGradient);
    }

    /// <summary>The value and the gradients of its sum by both inputs, as new arrays (see the span overload).</summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>.</typeparam>
    /// <typeparam name="TResult">The compute dtype's element type.</typeparam>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="sampleWeight">The sample weight, or none.</param>
    /// <param name="mask">A Keras mask on <paramref name="yPred"/>, or none.</param>
    /// <param name="context">Tensors or numpy arrays, and the replica context.</param>
    /// <returns>The value and the gradients (null for integer inputs).</returns>
    public LossGradients<TTrue, TPred, TResult> ComputeWithGradients<TTrue, TPred, TResult>(
        ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred, SampleWeight<TResult> sampleWeight = default, KerasMask mask = default,
        LossContext context = default)
    {
        CallPlan plan = PlanFor(yTrue, yPred, sampleWeight, mask, context);
        var value = new TResult[plan.ResultLength];
        TTrue[] trueGradient = Element.IsFloating<TTrue>() ? new TTrue[yTrue.ElementCount] : [];
        TPred[] predGradient = Element.IsFloating<TPred>() ? new TPred[yPred.ElementCount] : [];
        Evaluation.LossWithGradients<TTrue, TPred, TResult>(plan, Profile, yTrue, yPred, sampleWeight, mask, default, value, trueGradient, predGradient);
        return new LossGradients<TTrue, TPred, TResult>(
            new ShapedArray<TResult>(value, plan.ResultDims),
            Element.IsFloating<TTrue>() ? new ShapedArray<TTrue>(trueGradient, Views.Operand(yTrue).Dims) : null,
            Element.IsFloating<TPred>() ? new ShapedArray<TPred>(predGradient, Views.Operand(yPred).Dims) : null);
    }

    internal static void RequireLength(int length, int expected, int[] dims, string name)
    {
        if (length != expected)
        {
            throw new ArgumentException($"{name} holds {length} elements; the result has shape {Shape.Format(dims)} ({expected} elements)", name);
        }
    }

    internal static void RequireGradient<T>(int length, in ShapedSpan<T> input, string name)
    {
        if (length == 0)
        {
            return;
        }

        if (!Element.IsFloating<T>())
        {
            throw new ArgumentException($"{name}: no gradient reaches an integer input ({Element.Name<T>()}); pass an empty span", name);
        }

        if (length != input.ElementCount)
        {
            throw new ArgumentException($"{name} holds {length} elements; the input has {input.ElementCount}", name);
        }
    }

    /// <summary>The shape of the result for these inputs (their data is not read).</summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>.</typeparam>
    /// <typeparam name="TResult">The compute dtype's element type.</typeparam>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="sampleWeight">The sample weight, or none.</param>
    /// <param name="mask">A Keras mask, or none.</param>
    /// <param name="context">Tensors or numpy arrays, and the replica context.</param>
    /// <returns>The dimensions of the result (<c>[]</c> when reduced).</returns>
    public int[] GetResultShape<TTrue, TPred, TResult>(
        ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred, SampleWeight<TResult> sampleWeight = default,
        KerasMask mask = default, LossContext context = default) =>
        (int[])PlanFor(yTrue, yPred, sampleWeight, mask, context).ResultDims.Clone();

    /// <summary>The dtype this loss computes in and returns for inputs of these element types: Keras 3 its
    /// <see cref="DType"/> (float32 by default), Keras 2 the inputs' shared dtype.</summary>
    /// <typeparam name="TTrue">Element type of <c>y_true</c>.</typeparam>
    /// <typeparam name="TPred">Element type of <c>y_pred</c>.</typeparam>
    /// <exception cref="KerasDTypeException">Keras 2 cannot combine these types.</exception>
    public KerasDType ResultDType<TTrue, TPred>() => Profile.LossDType<TTrue, TPred>(DType);

    private CallPlan PlanFor<TTrue, TPred, TResult>(
        in ShapedSpan<TTrue> yTrue, in ShapedSpan<TPred> yPred, in SampleWeight<TResult> sampleWeight,
        in KerasMask mask, LossContext context)
    {
        CallPlan? last = Volatile.Read(ref _lastPlan);
        if (last is not null && last.Fits(yTrue, yPred, sampleWeight, mask, context))
        {
            return last;
        }

        CallPlan plan = CallPlan.ForLoss(Profile, Axis, Reduction, DType, yTrue, yPred, sampleWeight, mask, context);
        Volatile.Write(ref _lastPlan, plan);
        return plan;
    }
}

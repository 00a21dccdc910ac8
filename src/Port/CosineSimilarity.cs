using System;
using System.Numerics.Tensors;

namespace CosineParity;

/// <summary>
/// Keras's function <c>keras.losses.cosine_similarity(y_true, y_pred, axis=-1)</c>: the per-sample <c>-cosine</c>
/// along the axis, with no weights and no reduction. Keras 2 computes in the inputs' shared dtype and reconciles no
/// ranks; Keras 3 casts <c>y_true</c> to <c>y_pred</c>'s dtype and brings both to the same rank.
/// </summary>
/// <remarks>
/// Keras 2 (<c>tf_keras/losses.py</c>): <c>-reduce_sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis),
/// axis)</c>, where <c>tf.linalg.l2_normalize</c> is <c>x * rsqrt(maximum(sum(x * x), 1e-12))</c>. Keras 3
/// (<c>keras/src/losses/losses.py</c>): <c>y_true</c> converted to <c>y_pred</c>'s dtype,
/// <c>squeeze_or_expand_to_same_rank</c>, then <c>-sum(normalize(y_true) * normalize(y_pred), axis)</c>, where
/// <c>ops.normalize</c> is <c>x * minimum(rsqrt(sum(x * x)), 1 / 1e-7)</c> (Keras 3.6 to 3.15.1).
/// </remarks>
public static class CosineSimilarity
{
    /// <summary>The last call's plan on this thread, reused while profile, axis, shapes and types repeat, so that the
    /// destination overloads allocate nothing in a loop.</summary>
    [ThreadStatic]
    private static (KerasProfile Profile, Axes Axis, CallPlan Plan)? t_last;

    /// <summary>The per-sample <c>-cosine</c> into a caller's buffer.</summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>: Half, BFloat16, float, double, or long.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>: the compute dtype and the result's.</typeparam>
    /// <param name="profile">The Keras generation.</param>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="axis">The axis or axes.</param>
    /// <param name="destination">Receives the losses, row-major, of the broadcast input shape without the axes.</param>
    /// <exception cref="KerasShapeException">The inputs do not broadcast.</exception>
    /// <exception cref="KerasAxisException">An axis outside an input's rank.</exception>
    /// <exception cref="KerasDTypeException">Element types the generation cannot combine.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public static void Compute<TTrue, TPred>(
        KerasProfile profile, ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred, Axes axis, Span<TPred> destination)
    {
        ArgumentNullException.ThrowIfNull(profile);
        CallPlan plan = PlanFor(profile, axis, yTrue, yPred);
        CosineSimilarityLoss.RequireLength(destination.Length, plan.ResultLength, plan.ResultDims, nameof(destination));

        Evaluation.Function(plan, profile, yTrue, yPred, destination);
    }

    /// <summary>The per-sample <c>-cosine</c> as a new array.</summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/> and of the result.</typeparam>
    /// <param name="profile">The Keras generation.</param>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="axis">The axis or axes (default <c>-1</c>).</param>
    /// <returns>The losses: the input shape without the axes, in <typeparamref name="TPred"/>.</returns>
    public static ShapedArray<TPred> Compute<TTrue, TPred>(
        KerasProfile profile, ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred, Axes? axis = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        CallPlan plan = PlanFor(profile, axis ?? Axes.Last, yTrue, yPred);
        var values = new TPred[plan.ResultLength];
        Evaluation.Function(plan, profile, yTrue, yPred, values);
        return new ShapedArray<TPred>(values, plan.ResultDims);
    }

    /// <summary>The per-sample <c>-cosine</c> of two tensors of one element type.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="profile">The Keras generation.</param>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="axis">The axis or axes (default <c>-1</c>).</param>
    /// <returns>The losses.</returns>
    public static ShapedArray<T> Compute<T>(KerasProfile profile, Tensor<T> yTrue, Tensor<T> yPred, Axes? axis = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        return Compute<T, T>(profile, yTrue, yPred, axis);
    }

    /// <summary>The per-sample <c>-cosine</c> and its gradients <c>d sum(upstream * losses) / d input</c> from one call.</summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>, the compute dtype.</typeparam>
    /// <param name="profile">The Keras generation.</param>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="axis">The axis or axes.</param>
    /// <param name="value">Receives the losses.</param>
    /// <param name="yTrueGradient">Receives the gradient by <paramref name="yTrue"/>; empty to skip it.</param>
    /// <param name="yPredGradient">Receives the gradient by <paramref name="yPred"/>; empty to skip it.</param>
    /// <param name="upstream">The gradient arriving at the losses, of their shape; empty for ones.</param>
    /// <exception cref="ArgumentException">A buffer of the wrong length, or a gradient asked of an integer input; and as <c>Compute</c>.</exception>
    public static void ComputeWithGradients<TTrue, TPred>(
        KerasProfile profile, ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred, Axes axis, Span<TPred> value,
        Span<TTrue> yTrueGradient, Span<TPred> yPredGradient, ReadOnlySpan<TPred> upstream = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        CallPlan plan = PlanFor(profile, axis, yTrue, yPred);
        CosineSimilarityLoss.RequireLength(value.Length, plan.ResultLength, plan.ResultDims, nameof(value));
        CosineSimilarityLoss.RequireLength(upstream.Length, upstream.IsEmpty ? 0 : plan.ResultLength, plan.ResultDims, nameof(upstream));
        CosineSimilarityLoss.RequireGradient(yTrueGradient.Length, yTrue, nameof(yTrueGradient));
        CosineSimilarityLoss.RequireGradient(yPredGradient.Length, yPred, nameof(yPredGradient));
        Evaluation.FunctionWithGradients(plan, profile, yTrue, yPred, upstream, value, yTrueGradient, yPredGradient);
    }

    /// <summary>The per-sample <c>-cosine</c> and the gradients of their sum by both inputs, as new arrays.</summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>.</typeparam>
    /// <param name="profile">The Keras generation.</param>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="axis">The axis or axes (default <c>-1</c>).</param>
    /// <returns>The losses and the gradients (null for integer inputs).</returns>
    public static LossGradients<TTrue, TPred, TPred> ComputeWithGradients<TTrue, TPred>(
        KerasProfile profile, ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred, Axes? axis = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        CallPlan plan = PlanFor(profile, axis ?? Axes.Last, yTrue, yPred);
        var value = new TPred[plan.ResultLength];
        TTrue[] trueGradient = Element.IsFloating<TTrue>() ? new TTrue[yTrue.ElementCount] : [];
        TPred[] predGradient = Element.IsFloating<TPred>() ? new TPred[yPred.ElementCount] : [];
        Evaluation.FunctionWithGradients<TTrue, TPred>(plan, profile, yTrue, yPred, default, value, trueGradient, predGradient);
        return new LossGradients<TTrue, TPred, TPred>(
            new ShapedArray<TPred>(value, plan.ResultDims),
            Element.IsFloating<TTrue>() ? new ShapedArray<TTrue>(trueGradient, Views.Operand(yTrue).Dims) : null,
            Element.IsFloating<TPred>() ? new ShapedArray<TPred>(predGradient, Views.Operand(yPred).Dims) : null);
    }

    private static CallPlan PlanFor<TTrue, TPred>(KerasProfile profile, Axes axis, in ShapedSpan<TTrue> yTrue, in ShapedSpan<TPred> yPred)
    {
        if (t_last is { } last && last.Profile == profile && last.Axis == axis
            && last.Plan.Fits(yTrue, yPred, SampleWeight<TPred>.None, KerasMask.None, default))
        {
            return last.Plan;
        }

        CallPlan plan = CallPlan.ForFunction<TTrue, TPred, TPred>(profile, axis, yTrue, yPred);
        t_last = (profile, axis, plan);
        return plan;
    }
}

using System;
using System.Numerics.Tensors;

namespace CosineParity;

/// <summary>
/// Keras's function <c>keras.losses.cosine_similarity(y_true, y_pred, axis=-1)</c>: the per-sample <c>-cosine</c>
/// along the axis, with no weights and no reduction. Keras 2 computes in the inputs' shared dtype and reconciles no
/// ranks; Keras 3 casts <c>y_true</c> to <c>y_pred</c>'s dtype and brings both to the same rank.
/// </summary>
public static class CosineSimilarity
{
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
        CallPlan plan = CallPlan.ForFunction<TTrue, TPred, TPred>(profile, axis, yTrue, yPred);
        if (destination.Length != plan.ResultLength)
        {
            throw new ArgumentException(
                $"destination holds {destination.Length} elements; the losses have shape {Shape.Format(plan.ResultDims)} ({plan.ResultLength} elements)",
                nameof(destination));
        }

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
        CallPlan plan = CallPlan.ForFunction<TTrue, TPred, TPred>(profile, axis ?? Axes.Last, yTrue, yPred);
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
}

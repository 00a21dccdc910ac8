namespace CosineParity;

/// <summary>A loss's (or the function's) value and its gradients <c>d sum(upstream * value) / d input</c>, each in
/// its input's dtype and shape as TF's <c>GradientTape</c> returns them: <c>tape.gradient(loss(y_true, y_pred),
/// [y_true, y_pred])</c> for either Keras generation, the generation deciding the forward graph the gradient runs
/// back through (Keras 2's <c>maximum</c> clamp, Keras 3's <c>minimum</c> cap).</summary>
/// <typeparam name="TTrue">The element type of <c>y_true</c>.</typeparam>
/// <typeparam name="TPred">The element type of <c>y_pred</c>.</typeparam>
/// <typeparam name="TResult">The compute dtype's element type.</typeparam>
/// <param name="Value">The value, as <c>Compute</c> returns it.</param>
/// <param name="YTrue">The gradient by <c>y_true</c>; null for an integer <c>y_true</c>, which no gradient reaches.</param>
/// <param name="YPred">The gradient by <c>y_pred</c>; null for an integer <c>y_pred</c>.</param>
public sealed record LossGradients<TTrue, TPred, TResult>(ShapedArray<TResult> Value, ShapedArray<TTrue>? YTrue, ShapedArray<TPred>? YPred);

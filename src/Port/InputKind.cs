namespace CosineParity;

/// <summary>What the inputs were in Python. Keras 2's loss reconciles the ranks of <c>y_true</c> and <c>y_pred</c>
/// only when both are TF tensors (<c>LossFunctionWrapper.call</c> in <c>tf_keras/losses.py</c> checks
/// <c>tf.is_tensor</c>); Keras 3 converts both with <c>ops.convert_to_tensor</c> first and treats both kinds
/// alike.</summary>
public enum InputKind
{
    /// <summary><c>tf.constant</c> tensors (the usual case).</summary>
    Tensor,

    /// <summary>numpy arrays: Keras 2 skips its squeeze/expand of <c>y_true</c>/<c>y_pred</c>.</summary>
    NumPy,
}

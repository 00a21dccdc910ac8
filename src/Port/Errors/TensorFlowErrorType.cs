namespace CosineParity;

/// <summary>The Python exception TensorFlow/Keras raises for the same bad input (the fixtures' <c>expected.error.type</c>),
/// for either Keras generation.</summary>
public enum TensorFlowErrorType
{
    /// <summary><c>tf.errors.InvalidArgumentError</c>: an op rejected its tensors (shapes, axis, dtypes).</summary>
    InvalidArgumentError,

    /// <summary>Python's <c>ValueError</c>: Keras rejected an argument value (a reduction name, both generations; a
    /// mean-like reduction under a strategy, Keras 2).</summary>
    ValueError,

    /// <summary>Python's <c>TypeError</c>: an argument the generation does not take (Keras 2's <c>dtype</c>), or an integer
    /// tensor Keras 2 cannot normalize.</summary>
    TypeError,
}

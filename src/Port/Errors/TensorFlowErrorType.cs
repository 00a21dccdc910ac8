namespace CosineParity;

/// <summary>The Python exception TensorFlow/Keras raises for the same bad input (the fixtures' <c>expected.error.type</c>).</summary>
public enum TensorFlowErrorType
{
    /// <summary><c>tf.errors.InvalidArgumentError</c>: an op rejected its tensors (shapes, axis, dtypes).</summary>
    InvalidArgumentError,

    /// <summary>Python's <c>ValueError</c>: Keras rejected an argument value (a reduction name, a reduction under a strategy).</summary>
    ValueError,

    /// <summary>Python's <c>TypeError</c>: an argument Keras does not take, or an integer tensor Keras 2 cannot normalize.</summary>
    TypeError,
}

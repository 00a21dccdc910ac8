using System;

namespace CosineParity;

/// <summary>
/// A constructor argument the chosen Keras generation rejects when the object is built: a reduction it does not
/// name (<c>ValueError</c>: <c>Invalid Reduction Key: mean</c>) or an argument it does not take, such as a Keras 2
/// <c>dtype</c> (<c>TypeError</c>: <c>__init__() got an unexpected keyword argument 'dtype'</c>); or a function argument
/// TF's checks reject (<c>compute_average_loss</c>'s negative <c>global_batch_size</c>: <c>InvalidArgumentError</c>).
/// Keras 2 names its reductions in <c>ReductionV2.validate</c> (<c>tf_keras/utils/losses_utils.py</c>), Keras 3 in
/// <c>standardize_reduction</c> (<c>keras/src/losses/loss.py</c>: <c>Invalid value for argument `reduction`</c>).
/// </summary>
public sealed class KerasArgumentException : ArgumentException, IKerasError
{
    /// <summary>Creates the exception.</summary>
    public KerasArgumentException()
    {
    }

    /// <summary>Creates the exception with a message naming the argument.</summary>
    /// <param name="message">What is wrong.</param>
    public KerasArgumentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public KerasArgumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal KerasArgumentException(string message, TensorFlowErrorType error)
        : base(message) => TensorFlowError = error;

    /// <inheritdoc/>
    public TensorFlowErrorType TensorFlowError { get; } = TensorFlowErrorType.ValueError;
}

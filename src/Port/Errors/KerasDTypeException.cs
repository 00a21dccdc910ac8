using System;

namespace CosineParity;

/// <summary>
/// Element types Keras cannot combine: Keras 2 multiplies <c>y_true</c> and <c>y_pred</c> without casting (TF:
/// <c>cannot compute Mul as input #1(zero-based) was expected to be a double tensor but is a float tensor</c>,
/// <c>InvalidArgumentError</c>) and cannot normalize integers (<c>TypeError</c>); Keras 3's function computes in
/// <c>y_pred</c>'s dtype, which must be floating (<c>InvalidArgumentError</c>).
/// </summary>
public sealed class KerasDTypeException : ArgumentException, IKerasError
{
    /// <summary>Creates the exception.</summary>
    public KerasDTypeException()
    {
    }

    /// <summary>Creates the exception with a message naming the dtypes.</summary>
    /// <param name="message">What is wrong.</param>
    public KerasDTypeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public KerasDTypeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal KerasDTypeException(string message, TensorFlowErrorType error)
        : base(message) => TensorFlowError = error;

    /// <inheritdoc/>
    public TensorFlowErrorType TensorFlowError { get; } = TensorFlowErrorType.InvalidArgumentError;
}

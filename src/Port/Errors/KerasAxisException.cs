using System;

namespace CosineParity;

/// <summary>
/// An axis outside the rank of the tensor it reduces, or listed twice (TF: <c>Invalid reduction dimension (2 for
/// input with 2 dimension(s)</c>), raised when the loss is called, as TF raises <c>InvalidArgumentError</c> then.
/// Both generations: neither checks the axis when the loss is built.
/// </summary>
public sealed class KerasAxisException : ArgumentOutOfRangeException, IKerasError
{
    /// <summary>Creates the exception.</summary>
    public KerasAxisException()
    {
    }

    /// <summary>Creates the exception with a message naming the axis and the rank.</summary>
    /// <param name="message">What is wrong.</param>
    public KerasAxisException(string message)
        : base("axis", message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public KerasAxisException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc/>
    public TensorFlowErrorType TensorFlowError => TensorFlowErrorType.InvalidArgumentError;
}

using System;

namespace CosineParity;

/// <summary>
/// Shapes that do not fit: they do not broadcast (TF: <c>Incompatible shapes: [2,3] vs. [2,4]</c>), or a rank rule
/// squeezes a dimension that is not 1 (TF: <c>Can not squeeze dim[1], expected a dimension of 1, got 8</c>). TF raises
/// <c>InvalidArgumentError</c>, or <c>ValueError</c> for a rank Python checks (<c>compute_average_loss</c> of a 0-d loss).
/// Both generations: the shapes that fail differ, since Keras 2 aligns weights with <c>squeeze_or_expand_dimensions</c>
/// and Keras 3 with <c>squeeze_or_expand_to_same_rank</c>.
/// </summary>
public sealed class KerasShapeException : ArgumentException, IKerasError
{
    /// <summary>Creates the exception.</summary>
    public KerasShapeException()
    {
    }

    /// <summary>Creates the exception with a message naming the shapes.</summary>
    /// <param name="message">What does not fit.</param>
    public KerasShapeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">What does not fit.</param>
    /// <param name="innerException">The cause.</param>
    public KerasShapeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal KerasShapeException(string message, string parameterName)
        : base(message, parameterName)
    {
    }

    internal KerasShapeException(string message, TensorFlowErrorType error)
        : base(message) => TensorFlowError = error;

    /// <inheritdoc/>
    public TensorFlowErrorType TensorFlowError { get; } = TensorFlowErrorType.InvalidArgumentError;
}

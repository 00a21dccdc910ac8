using System;

namespace CosineParity.Oracle.Reference;

/// <summary>The profile's rules cannot apply to the question (shapes that do not broadcast, an axis out of range, a
/// dtype or reduction the generation refuses): TF raises there, and <see cref="ExactReference"/> answers "rejected".</summary>
public sealed class ReferenceRejectedException : Exception
{
    /// <summary>A rejection without a reason.</summary>
    public ReferenceRejectedException()
    {
    }

    /// <summary>A rejection.</summary>
    /// <param name="message">Why the rules cannot apply.</param>
    public ReferenceRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>A rejection caused by another exception.</summary>
    /// <param name="message">Why the rules cannot apply.</param>
    /// <param name="innerException">The cause.</param>
    public ReferenceRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

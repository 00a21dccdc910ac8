using System;

namespace CosineParity.Oracle.Live;

/// <summary>A wire line is not what the protocol says; the message says why. Internal to the readers, which turn it
/// into their <c>problem</c>.</summary>
internal sealed class WireProblem : Exception
{
    public WireProblem()
    {
    }

    public WireProblem(string message)
        : base(message)
    {
    }

    public WireProblem(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

using System;

namespace CosineParity.Oracle.Live;

/// <summary>The live oracle could not be started (<see cref="LiveOracle.ConnectAsync"/>); the message says what the
/// client saw on the last attempt.</summary>
public sealed class LiveOracleException : Exception
{
    /// <summary>The oracle could not be started.</summary>
    public LiveOracleException()
        : this("the live oracle could not be started")
    {
    }

    /// <summary>The oracle could not be started, as the message says.</summary>
    /// <param name="message">What happened.</param>
    public LiveOracleException(string message)
        : base(message)
    {
    }

    /// <summary>The oracle could not be started, as the message says, found through another exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public LiveOracleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

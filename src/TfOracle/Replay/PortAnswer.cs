using System;
using System.Collections.Generic;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Replay;

/// <summary>What the port answered to a case: a value (in the dtype and shape it returned) with the gradients asked
/// for, or the exception it threw.</summary>
/// <param name="Value">The result, or null when the port threw.</param>
/// <param name="Error">The exception, or null when the port answered.</param>
public sealed record PortAnswer(TensorData? Value, Exception? Error)
{
    /// <summary>The gradients by input name (those the case records), empty when none were asked.</summary>
    public IReadOnlyDictionary<string, TensorData> Gradients { get; init; } = new Dictionary<string, TensorData>();

    /// <summary>The TF exception type the port's exception stands for (<see cref="IKerasError"/>), or null.</summary>
    public string? TensorFlowErrorType => (Error as IKerasError)?.TensorFlowError.ToString();
}

using System;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Graphs;

/// <summary>What running one graph gave: its <c>value</c> output, or ONNX Runtime's failure (a result, never a
/// crash: a failure is an answer to compare with TF's error).</summary>
public sealed record GraphRun
{
    private GraphRun(TensorData? value, GraphRunError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The output, in the element type and shape ONNX Runtime returned; null when the run failed.</summary>
    public TensorData? Value { get; }

    /// <summary>Why there is no value; null when the run succeeded.</summary>
    public GraphRunError? Error { get; }

    /// <summary>Whether the graph gave a value.</summary>
    public bool Succeeded => Error is null;

    /// <summary>A value.</summary>
    /// <param name="value">The output.</param>
    public static GraphRun FromValue(TensorData value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>A failure.</summary>
    /// <param name="error">Why.</param>
    public static GraphRun FromError(GraphRunError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>The value's dtype and shape, or the error.</summary>
    public override string ToString() => Value?.ToString() ?? Error!.ToString();
}

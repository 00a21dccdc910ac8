using System;

namespace CosineParity.Oracle.Graphs;

/// <summary>Why a graph gave no value: ONNX Runtime's own words, and where it failed.</summary>
/// <param name="Stage">Loading the graph, running it, or reading its output.</param>
/// <param name="Message">ONNX Runtime's message (or the output's problem).</param>
public sealed record GraphRunError(GraphRunStage Stage, string Message)
{
    /// <summary>ONNX Runtime's message.</summary>
    public string Message { get; } = Message ?? throw new ArgumentNullException(nameof(Message));

    /// <summary>The stage and the message, e.g. <c>Run: [ErrorCode:Fail] Non-zero status code ...</c>.</summary>
    public override string ToString() => $"{Stage}: {Message}";
}

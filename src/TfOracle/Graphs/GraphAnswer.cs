using System.Collections.Generic;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Graphs;

/// <summary>TF's forward graph's answer to a question: which graph, the inputs it was given, and its value or ONNX
/// Runtime's failure. Compare a value with another implementation's by
/// <c>abs(port - graph) &lt;= bound(port) + bound(graph)</c> (fixtures/README.md, "How to compare"); where TF raises,
/// a graph either fails too or broadcasts (<c>tf-error</c>).</summary>
/// <param name="Graph">The manifest entry that answered.</param>
/// <param name="Inputs">What the graph was given, by input name (weights converted as Keras converts them).</param>
/// <param name="Value">The graph's <c>value</c> output in the dtype and shape ONNX Runtime returned, or null.</param>
/// <param name="Error">ONNX Runtime's failure, or null.</param>
/// <param name="Causes">The manifest's known causes of differences between graphs and TF, by key (text).</param>
public sealed record GraphAnswer(
    GraphEntry Graph,
    IReadOnlyDictionary<string, TensorData> Inputs,
    TensorData? Value,
    GraphRunError? Error,
    IReadOnlyDictionary<string, string> Causes)
{
    /// <summary>The id of the graph that answered.</summary>
    public string GraphId => Graph.Id;

    /// <summary>Whether the graph gave a value.</summary>
    public bool Succeeded => Error is null;
}

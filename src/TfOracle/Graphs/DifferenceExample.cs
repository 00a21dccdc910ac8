using System.Collections.Generic;

namespace CosineParity.Oracle.Graphs;

/// <summary>One input on which a known difference was met during validation.</summary>
/// <param name="ValueClass">The value class of the input.</param>
/// <param name="TfVsOrt">TF's answer and ONNX Runtime's, as text (<c>"-0.0 vs 0.0"</c>, or an error's first words).</param>
/// <param name="Shapes">The input shapes by graph input name.</param>
public sealed record DifferenceExample(string ValueClass, string TfVsOrt, IReadOnlyDictionary<string, IReadOnlyList<int>> Shapes);

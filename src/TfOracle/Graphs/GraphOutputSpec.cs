using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Graphs;

/// <summary>What a graph returns: its one output, by name, with the dtype and rank of what the Keras call returned
/// (the same as <c>expected.value</c> of a case with these inputs).</summary>
/// <param name="Name">The output's name (the manifest's <c>output</c>, <c>value</c>).</param>
/// <param name="DType">The element type.</param>
/// <param name="Rank">The number of dimensions (0 for a reduced loss).</param>
public sealed record GraphOutputSpec(string Name, TensorDType DType, int Rank);

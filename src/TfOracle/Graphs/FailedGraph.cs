using System.Collections.Generic;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Graphs;

/// <summary>A grid point that did not trace, convert or load (the manifest's <c>failed</c>): nothing is dropped
/// silently.</summary>
/// <param name="Id">The grid point's id, as a graph entry's.</param>
/// <param name="Profile"><c>keras2</c> or <c>keras3</c>.</param>
/// <param name="Family">The grid family.</param>
/// <param name="Api"><c>loss</c> or <c>function</c>.</param>
/// <param name="DType">The inputs' dtype.</param>
/// <param name="Args">What Keras was given.</param>
/// <param name="Inputs">The inputs the graph would have had.</param>
/// <param name="DimsNotOne">Dynamic dims that must not be 1.</param>
/// <param name="Stage"><c>trace</c>, <c>convert</c> or <c>load</c>.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record FailedGraph(
    string Id,
    string Profile,
    string Family,
    string Api,
    TensorDType DType,
    CaseArgs Args,
    IReadOnlyList<GraphInputSpec> Inputs,
    IReadOnlyList<string> DimsNotOne,
    string Stage,
    string Reason);

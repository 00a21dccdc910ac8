using System.Collections.Generic;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Graphs;

/// <summary>One input of a graph, as its manifest entry declares it: the ONNX input's name, element type, rank and
/// shape template.</summary>
/// <param name="Name"><c>y_true</c>, <c>y_pred</c>, <c>sample_weight</c> or <c>mask</c>.</param>
/// <param name="DType">The element type: the entry's dtype, <see cref="TensorDType.Bool"/> for a mask.</param>
/// <param name="Shape">One <see cref="GraphDim"/> per dimension (the rank is its length).</param>
public sealed record GraphInputSpec(string Name, TensorDType DType, IReadOnlyList<GraphDim> Shape)
{
    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Count;

    /// <summary>As the graph ids spell it, e.g. <c>y_true[d0,1]</c>.</summary>
    public override string ToString() => $"{Name}[{string.Join(",", Shape)}]";
}

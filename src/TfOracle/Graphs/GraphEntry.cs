using System.Collections.Generic;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Graphs;

/// <summary>
/// One exported grid point of the graph manifest: a Keras call (profile, api, input dtype, arguments) on inputs of
/// given ranks and shape templates, the ONNX file that computes it, and how it stood against TF. See
/// fixtures/README.md, "Graphs (ONNX)".
/// </summary>
/// <param name="Id">Unique: <c>&lt;profile&gt;/&lt;family&gt;/&lt;api&gt;/&lt;dtype&gt;/&lt;shapes&gt;/&lt;args&gt;</c>.</param>
/// <param name="Profile"><c>keras2</c> or <c>keras3</c>.</param>
/// <param name="Family"><c>axis</c>, <c>reduction</c>, <c>rank</c>, <c>loss-dtype</c> or <c>mask</c>.</param>
/// <param name="Api"><c>loss</c> or <c>function</c>.</param>
/// <param name="DType">The dtype of every input but a mask.</param>
/// <param name="Args">Exactly what Keras was given, spelled as in cases.</param>
/// <param name="Inputs">The graph's inputs in order: <c>y_true</c>, <c>y_pred</c>, then <c>sample_weight</c> and
/// <c>mask</c> where the call took them.</param>
/// <param name="DimsNotOne">Dynamic dims that must not be 1 at run time.</param>
/// <param name="File">The graph file's name in the graphs folder.</param>
/// <param name="Sha256">Its lowercase hex SHA-256.</param>
/// <param name="Output">What it returns.</param>
/// <param name="Opset">The ONNX opset.</param>
/// <param name="Validation">How it stood against TF.</param>
public sealed record GraphEntry(
    string Id,
    string Profile,
    string Family,
    string Api,
    TensorDType DType,
    CaseArgs Args,
    IReadOnlyList<GraphInputSpec> Inputs,
    IReadOnlyList<string> DimsNotOne,
    string File,
    string Sha256,
    GraphOutputSpec Output,
    int Opset,
    GraphValidation Validation)
{
    /// <summary>The id.</summary>
    public override string ToString() => Id;
}

using System;
using System.Collections.Generic;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Graphs;

/// <summary>What picks a graph: the call (profile, api, the dtype of <c>y_pred</c>, the arguments as spelled in
/// cases) and the shapes of its inputs.</summary>
/// <param name="Profile"><c>keras2</c> or <c>keras3</c>.</param>
/// <param name="Api"><c>loss</c> or <c>function</c>.</param>
/// <param name="DType">The dtype of <c>y_pred</c> (every graph input but a mask has it).</param>
/// <param name="Args">The arguments: <c>axis</c>, <c>reduction</c> and <c>dtype</c> are matched as spelled
/// (<c>axis=-1</c>, <c>axis=[-1]</c> and an absent axis are three questions); <c>name</c> is not matched.</param>
/// <param name="YTrue">The shape of <c>y_true</c>.</param>
/// <param name="YPred">The shape of <c>y_pred</c>.</param>
/// <param name="SampleWeight">The shape of <c>sample_weight</c> (<c>[]</c> for a Python number), or null when absent.</param>
/// <param name="Mask">The shape of the Keras mask, or null when <c>y_pred</c> carries none.</param>
public sealed record GraphQuestion(
    string Profile,
    string Api,
    TensorDType DType,
    CaseArgs Args,
    IReadOnlyList<int> YTrue,
    IReadOnlyList<int> YPred,
    IReadOnlyList<int>? SampleWeight = null,
    IReadOnlyList<int>? Mask = null)
{
    /// <summary>The inputs' names and shapes in graph order: y_true, y_pred, then sample_weight and mask where given.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<int> Shape)> Shapes
    {
        get
        {
            var shapes = new List<(string, IReadOnlyList<int>)>(4)
            {
                ("y_true", YTrue ?? throw new InvalidOperationException("no y_true shape")),
                ("y_pred", YPred ?? throw new InvalidOperationException("no y_pred shape")),
            };
            if (SampleWeight is not null)
            {
                shapes.Add(("sample_weight", SampleWeight));
            }

            if (Mask is not null)
            {
                shapes.Add(("mask", Mask));
            }

            return shapes;
        }
    }
}

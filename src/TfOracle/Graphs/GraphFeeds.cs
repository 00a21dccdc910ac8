using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Graphs;

/// <summary>
/// Turns a case's question into a graph's question and inputs, or says why no graph can answer it
/// (fixtures/README.md, "What the graphs cannot express"). Every graph input but a mask has the dtype of
/// <c>y_pred</c>; where the case hands TF another dtype (a <c>float32</c> weight with <c>float64</c> inputs, a Python
/// number), the input is given as the value Keras computes with after its cast, if the graph's input dtype holds that
/// value exactly; otherwise there is no graph for the question.
/// </summary>
internal static class GraphFeeds
{
    /// <summary>The shapes and call of a case, or why no graph computes it (the api, numpy inputs, replicas, bfloat16,
    /// arguments outside the grid, a keras2 <c>y_true</c> of another dtype).</summary>
    public static bool TryQuestion(ParityCase question, [NotNullWhen(true)] out GraphQuestion? graphQuestion,
        [NotNullWhen(false)] out string? noGraph)
    {
        ArgumentNullException.ThrowIfNull(question);
        graphQuestion = null;
        noGraph = Unanswerable(question);
        if (noGraph is not null)
        {
            return false;
        }

        TensorData yTrue = ((TensorInput)question.Inputs["y_true"]).Tensor;
        TensorData yPred = ((TensorInput)question.Inputs["y_pred"]).Tensor;
        IReadOnlyList<int>? weight = question.Inputs.GetValueOrDefault("sample_weight") switch
        {
            null => null,
            TensorInput tensor => tensor.Tensor.Shape,
            _ => [],   // a Python number: a 0-d graph input
        };
        IReadOnlyList<int>? mask = question.Inputs.GetValueOrDefault("mask") is TensorInput m ? m.Tensor.Shape : null;
        graphQuestion = new GraphQuestion(question.Profile, question.Api, yPred.DType, question.Args, yTrue.Shape, yPred.Shape, weight, mask);
        return true;
    }

    /// <summary>The graph's inputs for a case, converted as Keras converts them, or why the graph cannot take them
    /// exactly.</summary>
    public static bool TryInputs(ParityCase question, GraphEntry graph, [NotNullWhen(true)] out IReadOnlyDictionary<string, TensorData>? inputs,
        [NotNullWhen(false)] out string? noGraph)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(graph);
        inputs = null;
        TensorDType compute = ComputeDType(question, graph.DType);
        var feeds = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (GraphInputSpec input in graph.Inputs)
        {
            TensorData? feed = question.Inputs.GetValueOrDefault(input.Name) switch
            {
                TensorInput tensor when input.Name == "mask" => tensor.Tensor.DType == TensorDType.Bool ? tensor.Tensor : null,
                TensorInput tensor => Cast(tensor.Tensor, compute, input.DType),
                ScalarInput number when input.Name == "sample_weight" => PythonNumber(question.Profile, number, compute, input.DType),
                _ => null,
            };
            if (feed is null)
            {
                noGraph = $"the graph's {input} cannot take the case's {Describe(question.Inputs.GetValueOrDefault(input.Name))} " +
                    $"exactly as Keras computes with it ({compute.CaseName()})";
                return false;
            }

            feeds.Add(input.Name, feed);
        }

        inputs = feeds.AsReadOnly();
        noGraph = null;
        return true;
    }

    private static string? Unanswerable(ParityCase question)
    {
        if (question.Api is not (Apis.Loss or Apis.Function))
        {
            return $"api {question.Api}: the graphs are the loss and the function only";
        }

        CaseArgs args = question.Args;
        if (args.IsNumpyInput)
        {
            return "numpy inputs (args.input_kind): Keras 2 applies other rank rules to them; the graphs take tensors";
        }

        if (args.Replicas is not null)
        {
            return "a replica context (args.replicas) is not in the grid";
        }

        if (args.UnknownKeys.Count > 0 || args.GlobalBatchSize is not null || args.Target is not null)
        {
            return $"args {args}: not arguments of the grid";
        }

        if (!question.Inputs.TryGetValue("y_true", out CaseInput? t) || t is not TensorInput yTrue
            || !question.Inputs.TryGetValue("y_pred", out CaseInput? p) || p is not TensorInput yPred)
        {
            return "y_true and y_pred are not both tensors";
        }

        foreach (string name in question.Inputs.Keys)
        {
            if (name is not ("y_true" or "y_pred" or "sample_weight" or "mask"))
            {
                return $"input {name}: no graph takes it";
            }
        }

        if (question.Api == Apis.Function && question.Inputs.Count != 2)
        {
            return "the function takes y_true and y_pred only";
        }

        TensorDType dtype = yPred.Tensor.DType;
        if (dtype == TensorDType.BFloat16)
        {
            return "bfloat16: ONNX Runtime's CPU provider has no Min/Max kernel for it (use the recorded cases)";
        }

        if (dtype is not (TensorDType.Float16 or TensorDType.Float32 or TensorDType.Float64))
        {
            return $"{dtype.CaseName()} inputs: the graphs take float16, float32 and float64";
        }

        if (question.Profile == Profiles.Keras2 && yTrue.Tensor.DType != dtype)
        {
            return $"keras2 with a {yTrue.Tensor.DType.CaseName()} y_true and a {dtype.CaseName()} y_pred: TF's dtype error, which a graph of one dtype cannot express";
        }

        if (args.DType is { } lossDType && !TensorDTypes.TryParseCaseName(lossDType, out _))
        {
            return $"loss dtype '{lossDType}' is not a dtype";
        }

        return null;
    }

    /// <summary>The dtype Keras computes in: keras2 the inputs'; the keras3 loss its <c>dtype</c> argument (default
    /// <c>float32</c>); the keras3 function <c>y_pred</c>'s.</summary>
    private static TensorDType ComputeDType(ParityCase question, TensorDType graphDType) =>
        question.Profile == Profiles.Keras3 && question.Api == Apis.Loss
            ? question.Args.DType is { } name ? TensorDTypes.ParseCaseName(name) : TensorDType.Float32
            : graphDType;

    /// <summary>A tensor as the graph input takes it: as it is when it has the input's dtype (the graph casts as
    /// Keras does); otherwise Keras's cast of it to the compute dtype, if the input's dtype holds every value exactly.</summary>
    private static TensorData? Cast(TensorData tensor, TensorDType compute, TensorDType input)
    {
        if (tensor.DType == input)
        {
            return tensor;
        }

        if (!tensor.DType.IsFloatingPoint() && tensor.DType != TensorDType.Int64)
        {
            return null;
        }

        double[] values;
        try
        {
            values = tensor.ToDoubles();
        }
        catch (InvalidOperationException)
        {
            return null;   // an int64 beyond 2^53: not worth a second rounding path
        }

        for (int i = 0; i < values.Length; i++)
        {
            double kept = Round(compute, values[i]);
            if (!Holds(input, kept))
            {
                return null;
            }

            values[i] = kept;
        }

        return Create(input, values, [.. tensor.Shape]);
    }

    /// <summary>A Python-number weight as Keras converts it: keras2 makes a float32 of a float first
    /// (<c>tf.convert_to_tensor</c>) and then casts to the compute dtype, keras3 converts straight to it; as a 0-d
    /// tensor of the input's dtype when that holds the value exactly.</summary>
    private static TensorData? PythonNumber(string profile, ScalarInput number, TensorDType compute, TensorDType input)
    {
        double value = profile == Profiles.Keras2 && !number.IsInteger ? (float)number.Value : number.Value;
        double kept = Round(compute, value);
        return Holds(input, kept) ? Create(input, [kept], []) : null;
    }

    private static double Round(TensorDType dtype, double value) => dtype switch
    {
        TensorDType.Float16 => (double)(Half)value,
        TensorDType.BFloat16 => (double)(BFloat16)value,
        TensorDType.Float32 => (float)value,
        TensorDType.Float64 => value,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a floating dtype"),
    };

    private static bool Holds(TensorDType dtype, double value) => double.IsNaN(value) || Round(dtype, value).Equals(value);

    private static TensorData Create(TensorDType dtype, double[] values, int[] shape) => dtype switch
    {
        TensorDType.Float16 => TensorData.Create<Half>(Array.ConvertAll(values, v => (Half)v), shape),
        TensorDType.Float32 => TensorData.Create<float>(Array.ConvertAll(values, v => (float)v), shape),
        TensorDType.Float64 => TensorData.Create<double>(values, shape),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no graph input has this dtype"),
    };

    private static string Describe(CaseInput? input) => input switch
    {
        TensorInput tensor => tensor.Tensor.ToString(),
        ScalarInput number => $"Python number {number}",
        _ => "absent input",
    };
}

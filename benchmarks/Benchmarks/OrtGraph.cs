using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Graphs;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CosineParity.Benchmarks;

/// <summary>
/// TensorFlow's own graph of a Keras call (fixtures/graphs, exported to ONNX), in an ONNX Runtime session as the
/// manifest says to run it (CPU provider, its optimization level, one intra-op thread; one inter-op thread,
/// sequential), with both inputs and the output bound once (<see cref="OrtIoBinding"/> over pinned arrays), so that
/// <see cref="Run"/> measures the run only.
/// </summary>
internal sealed class OrtGraph : IDisposable
{
    private static readonly Lazy<GraphOracle> Oracle = new(() => GraphOracle.Open(Paths.Graphs));

    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly List<OrtValue> _values = [];
    private readonly OrtValue _output;
    private readonly TensorElementType _outputType;

    private OrtGraph(GraphEntry graph, Array yTrue, Array yPred, int[] shape)
    {
        Graph = graph;
        GraphSessionSettings settings = Oracle.Value.Manifest.Session;
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = settings.OptimizationLevel,
            IntraOpNumThreads = settings.IntraOpNumThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // GraphOracle.Open checked every file's SHA-256 against the manifest.
        _session = new InferenceSession(Path.Combine(Oracle.Value.Manifest.Directory, graph.File), options);
        _binding = _session.CreateIoBinding();
        long[] dims = shape.Select(d => (long)d).ToArray();
        Bind("y_true", yTrue, dims);
        Bind("y_pred", yPred, dims);
        if (graph.Output.Rank != 0)
        {
            throw new InvalidOperationException($"{graph.Id}: a reduced loss has rank 0, not {graph.Output.Rank}");
        }

        (_output, _outputType) = graph.Output.DType switch
        {
            TensorDType.Float32 => (OrtValue.CreateTensorValueFromMemory(new float[1], []), TensorElementType.Float),
            TensorDType.Float64 => (OrtValue.CreateTensorValueFromMemory(new double[1], []), TensorElementType.Double),
            TensorDType.Float16 => (OrtValue.CreateTensorValueFromMemory(new Float16[1], []), TensorElementType.Float16),
            _ => throw new InvalidOperationException($"{graph.Id}: output dtype {graph.Output.DType}"),
        };
        _binding.BindOutput(graph.Output.Name, _output);
    }

    /// <summary>The graph's manifest entry.</summary>
    public GraphEntry Graph { get; }

    /// <summary>The Keras 3 loss graph of this call for inputs of this dtype and shape, inputs bound.</summary>
    /// <param name="dtype">The inputs' dtype.</param>
    /// <param name="args">The loss's arguments as the manifest spells them, e.g. <c>{"axis": 0}</c>.</param>
    /// <param name="yTrue">float[], double[] or Half[] (converted once to ONNX Runtime's Float16).</param>
    /// <param name="yPred">As <paramref name="yTrue"/>.</param>
    /// <param name="shape">Both inputs' shape.</param>
    public static OrtGraph Open(TensorDType dtype, string args, Array yTrue, Array yPred, int[] shape)
    {
        var question = new GraphQuestion("keras3", "loss", dtype, CaseArgs.Parse(args), shape, shape);
        GraphEntry graph = Oracle.Value.Pick(question)
            ?? throw new InvalidOperationException($"fixtures/graphs has no keras3 loss graph for {dtype} {args} [{string.Join(",", shape)}]");
        return new OrtGraph(graph, yTrue, yPred, shape);
    }

    /// <summary>One run; the scalar loss it wrote into the bound output.</summary>
    public double Run()
    {
        _session.RunWithBinding(_runOptions, _binding);
        return _outputType switch
        {
            TensorElementType.Float => _output.GetTensorDataAsSpan<float>()[0],
            TensorElementType.Double => _output.GetTensorDataAsSpan<double>()[0],
            _ => (double)BitConverter.UInt16BitsToHalf(_output.GetTensorDataAsSpan<Float16>()[0].value),
        };
    }

    public void Dispose()
    {
        _binding.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
        _output.Dispose();
        foreach (OrtValue value in _values)
        {
            value.Dispose();
        }
    }

    private void Bind(string name, Array data, long[] dims)
    {
        OrtValue value = data switch
        {
            float[] f => OrtValue.CreateTensorValueFromMemory(f, dims),
            double[] d => OrtValue.CreateTensorValueFromMemory(d, dims),
            Half[] h => OrtValue.CreateTensorValueFromMemory(h.Select(x => new Float16(BitConverter.HalfToUInt16Bits(x))).ToArray(), dims),
            _ => throw new ArgumentException($"no graph input of {data.GetType().Name}", nameof(data)),
        };
        _values.Add(value);
        _binding.BindInput(name, value);
    }
}

/// <summary>Where the repository's files are, found from the binaries (the nearest folder above holding Parity.sln).</summary>
internal static class Paths
{
    public static string Root { get; } = FindRoot();

    public static string Graphs => Path.Combine(Root, "fixtures", "graphs");

    private static string FindRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Parity.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds Parity.sln");
    }
}

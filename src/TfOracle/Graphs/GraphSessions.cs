using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CosineParity.Oracle.Cases;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CosineParity.Oracle.Graphs;

/// <summary>
/// Runs graphs in process with ONNX Runtime, as the manifest's <c>session</c> says (CPU provider, its optimization
/// level, its intra-op thread count; ONNX Runtime's defaults otherwise), one session per graph file, made on first use
/// from the file's checked bytes and kept. Thread-safe: sessions are made once however many threads ask, and ONNX
/// Runtime sessions run concurrently. Dispose once no run is in progress.
/// </summary>
internal sealed class GraphSessions : IDisposable
{
    private readonly GraphManifest _manifest;
    private readonly ConcurrentDictionary<string, Lazy<Loaded>> _sessions = new(StringComparer.Ordinal);
    private int _disposed;

    public GraphSessions(GraphManifest manifest) => _manifest = manifest;

    /// <summary>How many sessions have been made (or failed to be).</summary>
    public int Count => _sessions.Count;

    /// <summary>Runs <paramref name="graph"/> on <paramref name="inputs"/> (one tensor per graph input, by name, of
    /// the input's dtype and rank; 0-d tensors have shape <c>[]</c>, zero-size dims are fine).</summary>
    /// <exception cref="ArgumentException">The graph's file is not this manifest's, or an input is missing, extra, or
    /// not of the graph input's dtype or rank.</exception>
    /// <exception cref="ObjectDisposedException">The sessions were disposed.</exception>
    public GraphRun Run(GraphEntry graph, IReadOnlyDictionary<string, TensorData> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_manifest.Files.TryGetValue(graph.File, out string? digest) || digest != graph.Sha256)
        {
            throw new ArgumentException($"{graph.Id}: its file {graph.File} is not one of this manifest's", nameof(graph));
        }

        CheckInputs(graph, inputs);
        Loaded loaded = _sessions.GetOrAdd(graph.File, file => new Lazy<Loaded>(() => Load(file), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        if (loaded.Session is null)
        {
            return GraphRun.FromError(new GraphRunError(GraphRunStage.Load, loaded.Error!));
        }

        var values = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        try
        {
            foreach (GraphInputSpec input in graph.Inputs)
            {
                values.Add(input.Name, ToOrtValue(inputs[input.Name]));
            }

            using var runOptions = new RunOptions();
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = loaded.Session.Run(runOptions, values, [graph.Output.Name]);
            }
            catch (OnnxRuntimeException e)
            {
                return GraphRun.FromError(new GraphRunError(GraphRunStage.Run, e.Message));
            }

            using (outputs)
            {
                return FromOrtValue(outputs[0]);
            }
        }
        finally
        {
            foreach (OrtValue value in values.Values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (Lazy<Loaded> loaded in _sessions.Values)
        {
            if (loaded.IsValueCreated)
            {
                loaded.Value.Session?.Dispose();
            }
        }

        _sessions.Clear();
    }

    private Loaded Load(string file)
    {
        GraphSessionSettings settings = _manifest.Session;
        try
        {
            // The options are copied into the session, so they can go right away.
            using var options = new SessionOptions
            {
                GraphOptimizationLevel = settings.OptimizationLevel,
                IntraOpNumThreads = settings.IntraOpNumThreads,
                // A graph failing on inputs TF rejects is an answer, not a log line.
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
            };
            return new Loaded(new InferenceSession(_manifest.FileBytes(file), options), null);
        }
        catch (OnnxRuntimeException e)
        {
            return new Loaded(null, e.Message);
        }
    }

    private static void CheckInputs(GraphEntry graph, IReadOnlyDictionary<string, TensorData> inputs)
    {
        foreach (string name in inputs.Keys)
        {
            if (!graph.Inputs.Any(input => input.Name == name))
            {
                throw new ArgumentException($"{graph.Id} has no input '{name}' (it takes {string.Join(", ", graph.Inputs)})", nameof(inputs));
            }
        }

        foreach (GraphInputSpec input in graph.Inputs)
        {
            if (!inputs.TryGetValue(input.Name, out TensorData? tensor))
            {
                throw new ArgumentException($"{graph.Id} takes {input}, which is missing", nameof(inputs));
            }

            if (tensor.DType != input.DType || tensor.Rank != input.Rank)
            {
                throw new ArgumentException($"{graph.Id} takes {input} of {input.DType.CaseName()}, not {tensor}", nameof(inputs));
            }
        }
    }

    private static OrtValue ToOrtValue(TensorData tensor)
    {
        long[] shape = tensor.Shape.Select(d => (long)d).ToArray();
        return tensor.DType switch
        {
            TensorDType.Float16 => OrtValue.CreateTensorValueFromMemory(ToFloat16(tensor.AsSpan<Half>()), shape),
            TensorDType.Float32 => OrtValue.CreateTensorValueFromMemory(tensor.ToArray<float>(), shape),
            TensorDType.Float64 => OrtValue.CreateTensorValueFromMemory(tensor.ToArray<double>(), shape),
            TensorDType.Bool => OrtValue.CreateTensorValueFromMemory(tensor.ToArray<bool>(), shape),
            _ => throw new ArgumentException($"no graph takes {tensor.DType.CaseName()}", nameof(tensor)),
        };
    }

    private static Float16[] ToFloat16(ReadOnlySpan<Half> values)
    {
        var result = new Float16[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = new Float16(BitConverter.HalfToUInt16Bits(values[i]));
        }

        return result;
    }

    private static GraphRun FromOrtValue(OrtValue value)
    {
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            return GraphRun.FromError(new GraphRunError(GraphRunStage.Output, $"the output is a {value.OnnxType}, not a tensor"));
        }

        OrtTensorTypeAndShapeInfo info = value.GetTensorTypeAndShape();
        int[] shape = info.Shape.Select(d => checked((int)d)).ToArray();
        switch (info.ElementDataType)
        {
            case TensorElementType.Float16:
                ReadOnlySpan<Float16> halves = value.GetTensorDataAsSpan<Float16>();
                var result = new Half[halves.Length];
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BitConverter.UInt16BitsToHalf(halves[i].value);
                }

                return GraphRun.FromValue(TensorData.Create<Half>(result, shape));
            case TensorElementType.Float:
                return GraphRun.FromValue(TensorData.Create(value.GetTensorDataAsSpan<float>(), shape));
            case TensorElementType.Double:
                return GraphRun.FromValue(TensorData.Create(value.GetTensorDataAsSpan<double>(), shape));
            case TensorElementType.Bool:
                return GraphRun.FromValue(TensorData.Create(value.GetTensorDataAsSpan<bool>(), shape));
            default:
                return GraphRun.FromError(new GraphRunError(GraphRunStage.Output, $"the output's element type {info.ElementDataType} is no dtype of a case"));
        }
    }

    /// <summary>A session, or why ONNX Runtime could not make one.</summary>
    private sealed record Loaded(InferenceSession? Session, string? Error);
}

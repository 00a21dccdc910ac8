using Microsoft.ML.OnnxRuntime;

namespace CosineParity.Oracle.Graphs;

/// <summary>How validation ran ONNX Runtime (the manifest's <c>session</c>), and so how this oracle runs it.</summary>
/// <param name="Provider">The execution provider, as spelled (<c>CPUExecutionProvider</c>, the only one accepted).</param>
/// <param name="GraphOptimizationLevelText">The optimization level as spelled, e.g. <c>ORT_ENABLE_ALL (the default)</c>.</param>
/// <param name="OptimizationLevel">The level it names.</param>
/// <param name="IntraOpNumThreads">Threads per operator (1: sums in one order, on the calling thread).</param>
public sealed record GraphSessionSettings(
    string Provider,
    string GraphOptimizationLevelText,
    GraphOptimizationLevel OptimizationLevel,
    int IntraOpNumThreads);

using System.Collections.Generic;

namespace CosineParity.Oracle.Cases;

/// <summary>The values of <see cref="ParityCase.Api"/>: what a case called.</summary>
public static class Apis
{
    /// <summary><c>CosineSimilarity(**args)(y_true, y_pred, sample_weight=...)</c>: the loss class, called.</summary>
    public const string Loss = "loss";

    /// <summary><c>cosine_similarity(y_true, y_pred, axis=...)</c>: the bare function.</summary>
    public const string Function = "function";

    /// <summary><c>metrics.CosineSimilarity(**args)</c>, fed step by step (<see cref="ParityCase.Steps"/>).</summary>
    public const string Metric = "metric";

    /// <summary><c>tf.nn.compute_average_loss(per_example_loss, sample_weight=..., global_batch_size=...)</c>.</summary>
    public const string ComputeAverageLoss = "compute_average_loss";

    /// <summary><c>get_config()</c> of the loss or metric built with the case's args.</summary>
    public const string Config = "config";

    /// <summary>Every api of <c>cosine-parity/1</c>.</summary>
    public static IReadOnlyList<string> All { get; } = [Loss, Function, Metric, ComputeAverageLoss, Config];

    /// <summary>Whether <paramref name="api"/> is one of <see cref="All"/> (exact spelling).</summary>
    /// <param name="api">The api name.</param>
    public static bool IsKnown(string? api) => api is Loss or Function or Metric or ComputeAverageLoss or Config;
}

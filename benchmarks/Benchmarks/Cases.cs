using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;

namespace CosineParity.Benchmarks;

/// <summary>One benchmarked call: Keras 3's loss (reduction <c>sum_over_batch_size</c>, the default: the mean over the
/// batch) on inputs of one dtype and shape, over some axes.</summary>
/// <param name="Name">As the tables show it.</param>
/// <param name="DType">The inputs' dtype.</param>
/// <param name="Shape">Both inputs' shape.</param>
/// <param name="Axis">The loss's axis argument.</param>
/// <param name="LossDType">Keras 3's <c>dtype</c> argument (null: float32, the default).</param>
/// <param name="GraphArgs">The arguments as fixtures/graphs spells them, to pick TF's graph of the call.</param>
internal sealed record CaseSpec(string Name, TensorDType DType, int[] Shape, Axes Axis, KerasDType? LossDType, string GraphArgs)
{
    /// <summary>The cosine is over the leading axis: one pass must keep a sum per column.</summary>
    public bool Columns => Axis == Axes.One(0);

    /// <summary>Number of cosines (the batch the mean is over).</summary>
    public int Rows => Columns ? Shape[^1] : Shape[0];

    /// <summary>Elements per cosine.</summary>
    public int Length => Columns ? Shape[0] : Shape.Skip(1).Aggregate(1, (a, b) => a * b);

    public long Elements => (long)Rows * Length;

    public override string ToString() => Name;
}

/// <summary>Every case, by the name the benchmark parameters use.</summary>
internal static class Cases
{
    /// <summary>The default reduction spelled out: the manifest's <c>reduction=sum_over_batch_size</c> entry (the same
    /// graph file as <c>axis=-1</c> and the defaults).</summary>
    private const string Default = """{"reduction": "sum_over_batch_size"}""";

    public static readonly string[] Float32Sizes = ["32x128", "256x512", "4096x1024", "16384x1024"];

    public static readonly string[] Variants = ["float16 256x512", "float64 256x512", "axis0 256x512", "axes[1,2] 256x16x32"];

    public static IEnumerable<string> All => Float32Sizes.Concat(Variants);

    public static CaseSpec Get(string name) => name switch
    {
        "32x128" => Float32(name, 32, 128),
        "256x512" => Float32(name, 256, 512),
        "4096x1024" => Float32(name, 4096, 1024),
        "16384x1024" => Float32(name, 16384, 1024),
        // Keras 3's default loss dtype is float32: it casts float16 inputs up and computes in float32.
        "float16 256x512" => new(name, TensorDType.Float16, [256, 512], Axes.Last, null, Default),
        // dtype="float64": everything in double.
        "float64 256x512" => new(name, TensorDType.Float64, [256, 512], Axes.Last, KerasDType.Float64,
            """{"dtype": "float64", "reduction": "sum_over_batch_size"}"""),
        "axis0 256x512" => new(name, TensorDType.Float32, [256, 512], Axes.One(0), null, """{"axis": 0}"""),
        "axes[1,2] 256x16x32" => new(name, TensorDType.Float32, [256, 16, 32], Axes.List(1, 2), null, """{"axis": [1, 2]}"""),
        _ => throw new ArgumentException($"no case '{name}' (cases: {string.Join(", ", All)})", nameof(name)),
    };

    private static CaseSpec Float32(string name, int rows, int length) =>
        new(name, TensorDType.Float32, [rows, length], Axes.Last, null, Default);
}

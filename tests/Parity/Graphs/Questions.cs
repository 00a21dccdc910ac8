using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;

namespace CosineParity.Tests.Graphs;

/// <summary>Questions made by hand, as a fuzzer makes them: a <see cref="ParityCase"/> whose expected answer the
/// graph oracle does not look at.</summary>
internal static class Questions
{
    private static readonly CaseExpected Unknown = CaseExpected.FromError(new CaseError("Unknown", "a question, not a recording"));

    public static ParityCase Ask(string profile, string api, string args, TensorData yTrue, TensorData yPred,
        CaseInput? sampleWeight = null, TensorData? mask = null)
    {
        var inputs = new Dictionary<string, CaseInput>(StringComparer.Ordinal)
        {
            ["y_true"] = new TensorInput(yTrue),
            ["y_pred"] = new TensorInput(yPred),
        };
        if (sampleWeight is not null)
        {
            inputs["sample_weight"] = sampleWeight;
        }

        if (mask is not null)
        {
            inputs["mask"] = new TensorInput(mask);
        }

        return new ParityCase($"{profile}/question/000000", profile, "question", api, yPred.DType.CaseName(), CaseArgs.Parse(args),
            inputs, Unknown, new Dictionary<string, TensorData>(), [], []);
    }

    public static TensorData Floats(int[] shape, params float[] values) => TensorData.Create<float>(values, shape);

    public static TensorData Doubles(int[] shape, params double[] values) => TensorData.Create<double>(values, shape);

    public static TensorData Halves(int[] shape, params double[] values) => TensorData.Create<Half>(values.Select(v => (Half)v).ToArray(), shape);

    public static TensorData Bools(int[] shape, params bool[] values) => TensorData.Create<bool>(values, shape);

    /// <summary>A tensor of <paramref name="dtype"/> holding 1, 2, 3, ... (row-major).</summary>
    public static TensorData Counting(TensorDType dtype, params int[] shape)
    {
        double[] values = Enumerable.Range(1, shape.Aggregate(1, (a, b) => a * b)).Select(i => (double)i).ToArray();
        return dtype switch
        {
            TensorDType.Float16 => Halves(shape, values),
            TensorDType.Float32 => Floats(shape, values.Select(v => (float)v).ToArray()),
            _ => Doubles(shape, values),
        };
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Live;
using CsCheck;

namespace CosineParity.Oracle.Fuzzing;

/// <summary>
/// CsCheck generators of <c>loss</c> and <c>function</c> questions as <see cref="ParityCase"/>s (their
/// <see cref="ParityCase.Expected"/> is <see cref="LiveRequest.Unanswered"/>): every dtype, ranks 1 to 5, dims 0 to
/// 64 (at most <see cref="MaxElements"/> per input), every axis form, the value classes of <see cref="ValueClass"/>,
/// every reduction and weight form of the profile, masks and Keras 3's <c>dtype</c>. Shrinking works on the generated
/// numbers, the shape first (CsCheck weighs the first draws most).
/// </summary>
public static class FuzzGenerators
{
    /// <summary>The most elements an input may have.</summary>
    public const int MaxElements = 4096;

    private static readonly string?[] Keras2Reductions = [Absent, "auto", "sum_over_batch_size", "sum", "none"];

    private static readonly string?[] Keras3Reductions = [Absent, "sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight", null];

    private static readonly ValueClass[] Classes = Enum.GetValues<ValueClass>();

    // Stands for "reduction not passed"; null is Python's None, a Keras 3 reduction of its own.
    private const string Absent = "<absent>";

    private static readonly Gen<int> Dim = Gen.Frequency(
        (2, Gen.Const(1)), (8, Gen.Int[2, 8]), (3, Gen.Int[9, 64]), (1, Gen.Const(0)));

    /// <summary>Questions of one profile.</summary>
    /// <param name="profile"><c>keras2</c> or <c>keras3</c>.</param>
    public static Gen<ParityCase> Case(string profile) =>
        from shape in Shape
        from axes in Axes(shape.Length)
        from api in Gen.Frequency((4, Gen.Const(Apis.Loss)), (1, Gen.Const(Apis.Function)))
        from dtype in Gen.OneOf(FuzzTensors.FloatDTypes)
        from otherTrue in Gen.Int[0, 9]
        from trueDType in Gen.OneOf(FuzzTensors.FloatDTypes)
        from trailingOne in Gen.Int[0, 19]
        from valueClass in Gen.OneOf(Classes)
        from pick in Gen.Double.Unit
        from u in Gen.Double.Unit.Array[Count(shape)]
        from v in Gen.Double.Unit.Array[Count(shape)]
        from reduction in Gen.OneOf(profile == Profiles.Keras2 ? Keras2Reductions : Keras3Reductions)
        from lossDType in Gen.Frequency((3, Gen.Const((string?)null)), (1, Gen.OneOf<string?>(FuzzTensors.FloatDTypes)))
        from weightForm in Gen.OneOf(Enum.GetValues<WeightForm>())
        from weightUnits in Gen.Double.Unit.Array[Count(LossShape(shape, axes)) + 1]
        from masked in Gen.Int[0, 6]
        from maskUnits in Gen.Double.Unit.Array[Count(LossShape(shape, axes))]
        from family in Gen.Int[0, 5]
        select Build(GraphShaped(family, new FuzzDraw(profile, api, dtype, otherTrue == 0 ? trueDType : dtype, shape, axes, trailingOne == 0, valueClass,
            pick, u, v, reduction, profile == Profiles.Keras3 ? lossDType : null, weightForm, weightUnits, masked == 0 ? maskUnits : null)));

    /// <summary>Questions of both profiles, half each.</summary>
    public static Gen<ParityCase> Case() => Gen.OneOf(Case(Profiles.Keras2), Case(Profiles.Keras3));

    private static Gen<int[]> Shape =>
        from rank in Gen.Int[1, 5]
        from dims in Dim.Array[rank]
        select Cap(dims);

    /// <summary>The axis argument: null (not passed), one axis (either sign) or a list of 2 or 3 in any order.</summary>
    private static Gen<int[]?> Axes(int rank)
    {
        Gen<int[]?> one = Gen.Int[-rank, rank - 1].Select(a => (int[]?)[a]);
        if (rank < 2)
        {
            return Gen.Frequency((1, Gen.Const((int[]?)null)), (4, one));
        }

        Gen<int[]?> list =
            from count in Gen.Int[2, Math.Min(3, rank)]
            from keys in Gen.Int[0, 1000].Array[rank]
            from signs in Gen.Bool.Array[3]
            select (int[]?)Enumerable.Range(0, rank).OrderBy(a => keys[a]).Take(count).Select((a, i) => signs[i] ? a - rank : a).ToArray();
        return Gen.Frequency((1, Gen.Const((int[]?)null)), (4, one), (3, list));
    }

    private static int Count(IReadOnlyList<int> shape) => shape.Aggregate(1, (n, d) => n * d);

    /// <summary>Halves the largest dims until the input has at most <see cref="MaxElements"/> elements.</summary>
    private static int[] Cap(int[] dims)
    {
        while (Count(dims) > MaxElements)
        {
            int largest = Array.IndexOf(dims, dims.Max());
            dims[largest] /= 2;
        }

        return dims;
    }

    private static bool[] Reduced(int rank, int[]? axes)
    {
        var reduced = new bool[rank];
        foreach (int a in axes ?? [-1])
        {
            reduced[a < 0 ? a + rank : a] = true;
        }

        return reduced;
    }

    /// <summary>The shape of the per-sample losses: <c>y_pred</c>'s with the reduced axes removed.</summary>
    private static int[] LossShape(int[] shape, int[]? axes)
    {
        bool[] reduced = Reduced(shape.Length, axes);
        return shape.Where((_, a) => !reduced[a]).ToArray();
    }

    /// <summary>A third of the cases vary one thing at a time, as the graphs' grid does (its axis and reduction
    /// families), so that a graph fits them; the rest combine everything.</summary>
    private static FuzzDraw GraphShaped(int family, FuzzDraw d) => family switch
    {
        0 => d with { TrueDType = d.DType, TrailingOne = false, Reduction = Absent, LossDType = null, WeightForm = WeightForm.Absent, MaskUnits = null },
        1 => d with { TrueDType = d.DType, TrailingOne = false, Axes = null, LossDType = null, MaskUnits = null },
        _ => d,
    };

    private static ParityCase Build(FuzzDraw d)
    {
        bool[] reduced = Reduced(d.Shape.Length, d.Axes);
        (double[] yTrue, double[] yPred) = FuzzValues.Make(d.Class, d.DType, FuzzTensors.RowIds(d.Shape, reduced), d.U, d.V, d.Pick);
        int[] trueShape = d.TrailingOne ? [.. d.Shape, 1] : d.Shape;
        var inputs = new Dictionary<string, CaseInput>(StringComparer.Ordinal)
        {
            ["y_true"] = new TensorInput(FuzzTensors.Create(d.TrueDType, yTrue, trueShape)),
            ["y_pred"] = new TensorInput(FuzzTensors.Create(d.DType, yPred, d.Shape)),
        };
        var args = new JsonObject();
        if (d.Axes is { } axes)
        {
            args["axis"] = axes.Length == 1 && d.Pick < 0.5 ? JsonValue.Create(axes[0]) : new JsonArray([.. axes.Select(a => (JsonNode)JsonValue.Create(a))]);
        }

        var tags = new List<string> { $"class:{d.Class}" };
        if (d.Api == Apis.Loss)
        {
            if (d.Reduction != Absent)
            {
                args["reduction"] = d.Reduction is null ? null : JsonValue.Create(d.Reduction);
            }

            if (d.LossDType is not null)
            {
                args["dtype"] = d.LossDType;
            }

            int[] lossShape = LossShape(d.Shape, d.Axes);
            string weightDType = d.LossDType ?? (d.Profile == Profiles.Keras3 ? "float32" : d.DType);
            if (Weight(d.WeightForm, lossShape, d.WeightUnits, weightDType) is { } weight)
            {
                inputs["sample_weight"] = weight;
                tags.Add($"weight:{d.WeightForm}");
            }

            if (d.MaskUnits is { } maskUnits)
            {
                inputs["mask"] = new TensorInput(TensorData.Create<bool>(maskUnits.Select(m => m < 0.7).ToArray(), lossShape));
                tags.Add("mask");
            }
        }

        if (d.TrailingOne)
        {
            tags.Add("y-true-trailing-1");
        }

        return new ParityCase($"{d.Profile}/fuzz", d.Profile, "fuzz", d.Api, d.DType, CaseArgs.Create(args), inputs,
            LiveRequest.Unanswered, new Dictionary<string, TensorData>(), [], tags);
    }

    /// <summary>The weight of a form, or null for none (or a form the loss shape cannot take).</summary>
    private static CaseInput? Weight(WeightForm form, int[] lossShape, double[] units, string dtype)
    {
        // Mostly in [0, 2), sometimes 0 or negative: weights that cancel reach divide_no_nan's zero divisor.
        // (A per-sample weight may outnumber an empty loss shape's units: they repeat.)
        double At(int i)
        {
            double unit = units[i % units.Length];
            return unit < 0.1 ? 0 : unit < 0.15 ? -unit : 2 * unit;
        }

        int[]? shape = form switch
        {
            WeightForm.Scalar0D => [],
            WeightForm.PerSample when lossShape.Length >= 1 => [lossShape[0]],
            WeightForm.PerSampleTrailing1 when lossShape.Length >= 1 => [lossShape[0], 1],
            WeightForm.LossShape => lossShape,
            WeightForm.LossShapeTrailing1 => [.. lossShape, 1],
            _ => null,
        };
        return form switch
        {
            WeightForm.PythonFloat => new ScalarInput(Math.Round(At(0), 3), false),
            WeightForm.PythonInt => new ScalarInput(Math.Round(At(0) * 2), true),
            _ when shape is not null => new TensorInput(FuzzTensors.Create(dtype, Enumerable.Range(0, Count(shape)).Select(At).ToArray(), shape)),
            _ => null,
        };
    }
}

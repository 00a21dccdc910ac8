using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Replay;

/// <summary>
/// Puts a <c>loss</c> or <c>function</c> case to the port exactly as the recorder put it to TF: the constructor
/// arguments as keyword arguments, each input in its recorded element type, a tensor weight cast to the compute
/// dtype, a Python-number weight as the number, the mask, numpy-ness. Returns the port's value, or the exception it
/// threw for the judge to compare with TF's error.
/// </summary>
public static class PortRunner
{
    /// <summary>Whether the port answers this case (through this runner, or the metric, average-loss or config runner
    /// <see cref="CaseReplay"/> dispatches to), and if not, why.</summary>
    /// <param name="parityCase">The case.</param>
    /// <returns>Null when it can; else the reason it is skipped.</returns>
    public static string? SkipReason(ParityCase parityCase)
    {
        ArgumentNullException.ThrowIfNull(parityCase);
        if (parityCase.Api is not (Apis.Loss or Apis.Function or Apis.Metric or Apis.ComputeAverageLoss or Apis.Config))
        {
            return $"api {parityCase.Api}: not ported yet";
        }

        return null;
    }

    /// <summary>The port's answer to a loss or function case.</summary>
    /// <param name="parityCase">The case.</param>
    /// <returns>The value, or the exception thrown.</returns>
    public static PortAnswer Run(ParityCase parityCase)
    {
        ArgumentNullException.ThrowIfNull(parityCase);
        KerasProfile profile = KerasProfile.Parse(parityCase.Profile);
        try
        {
            TensorData yTrue = Tensor(parityCase, "y_true"), yPred = Tensor(parityCase, "y_pred");
            var call = new Call(parityCase, profile, yTrue, yPred);
            return ElementTypes.Dispatch(yTrue.DType, new TrueTypeVisitor(call));
        }
        catch (Exception error) when (error is IKerasError)
        {
            return new PortAnswer(null, error);
        }
    }

    private static TensorData Tensor(ParityCase parityCase, string name) =>
        parityCase.Inputs.TryGetValue(name, out CaseInput? input) && input is TensorInput tensor
            ? tensor.Tensor
            : throw new InvalidOperationException($"{parityCase.Id}: input {name} is not a tensor");

    /// <summary>The keyword arguments the recorder handed the Keras constructor.</summary>
    internal static Dictionary<string, object?> KerasArguments(CaseArgs args)
    {
        var kwargs = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach ((string key, JsonNode? node) in args.Raw)
        {
            if (key is "input_kind" or "target" or "global_batch_size" or "replicas")
            {
                continue;   // steer the recorder, not the constructor
            }

            kwargs[key] = node switch
            {
                null => null,
                JsonArray list => list.Select(n => n!.GetValue<int>()).ToArray(),
                JsonValue value when value.TryGetValue(out int number) => number,
                JsonValue value when value.TryGetValue(out string? text) => text,
                JsonValue value => value.ToJsonString(),
                _ => node.ToJsonString(),
            };
        }

        return kwargs;
    }

    private sealed class Call(ParityCase parityCase, KerasProfile profile, TensorData yTrue, TensorData yPred)
    {
        public ParityCase Case { get; } = parityCase;

        public KerasProfile Profile { get; } = profile;

        public TensorData True { get; } = yTrue;

        public TensorData Pred { get; } = yPred;

        /// <summary>The case records TF's gradients, so the port is asked for its own.</summary>
        public bool WantsGradients => Case.Expected.Gradients.Count > 0;

        public Axes Axis => Case.Args.Axis is { } axes ? (Case.Args.AxisIsList ? Axes.List([.. axes]) : Axes.One(axes[0])) : Axes.Last;
    }

    private sealed class TrueTypeVisitor(Call call) : IElementTypeVisitor<PortAnswer>
    {
        public PortAnswer Visit<TT>()
            where TT : unmanaged => ElementTypes.Dispatch(call.Pred.DType, new PredTypeVisitor<TT>(call));
    }

    private sealed class PredTypeVisitor<TT>(Call call) : IElementTypeVisitor<PortAnswer>
        where TT : unmanaged
    {
        public PortAnswer Visit<TP>()
            where TP : unmanaged
        {
            if (call.Case.Api == Apis.Function)
            {
                return RunFunction<TP>();
            }

            CosineSimilarityLoss loss = CosineSimilarityLoss.FromKerasArguments(call.Profile, KerasArguments(call.Case.Args));
            return ElementTypes.Dispatch(ElementTypes.Of(loss.ResultDType<TT, TP>()), new LossVisitor<TT, TP>(call, loss));
        }

        private PortAnswer RunFunction<TP>()
            where TP : unmanaged
        {
            if (call.WantsGradients)
            {
                return Answer(CosineSimilarity.ComputeWithGradients<TT, TP>(call.Profile, Input<TT>(call.True), Input<TP>(call.Pred), call.Axis));
            }

            return new PortAnswer(Output(CosineSimilarity.Compute<TT, TP>(call.Profile, Input<TT>(call.True), Input<TP>(call.Pred), call.Axis)), null);
        }
    }

    private sealed class LossVisitor<TT, TP>(Call call, CosineSimilarityLoss loss) : IElementTypeVisitor<PortAnswer>
        where TT : unmanaged
        where TP : unmanaged
    {
        public PortAnswer Visit<TR>()
            where TR : unmanaged
        {
            IReadOnlyDictionary<string, CaseInput> inputs = call.Case.Inputs;
            var context = new LossContext
            {
                InputKind = call.Case.Args.InputKind == "numpy" ? InputKind.NumPy : InputKind.Tensor,
                Replicas = call.Case.Args.Replicas,
            };
            KerasMask kerasMask = inputs.TryGetValue("mask", out CaseInput? m) && m is TensorInput mask
                ? KerasMask.From(Input<bool>(mask.Tensor))
                : KerasMask.None;
            ShapedSpan<TT> yTrue = Input<TT>(call.True);
            ShapedSpan<TP> yPred = Input<TP>(call.Pred);
            SampleWeight<TR> weight = CaseWeights.Of<TR>(inputs.GetValueOrDefault("sample_weight"));
            return call.WantsGradients
                ? Answer(loss.ComputeWithGradients<TT, TP, TR>(yTrue, yPred, weight, kerasMask, context))
                : new PortAnswer(Output(loss.Compute<TT, TP, TR>(yTrue, yPred, weight, kerasMask, context)), null);
        }
    }

    private static PortAnswer Answer<TT, TP, TR>(LossGradients<TT, TP, TR> result)
        where TT : unmanaged
        where TP : unmanaged
        where TR : unmanaged
    {
        var gradients = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        if (result.YTrue is { } yTrue)
        {
            gradients["y_true"] = Output(yTrue);
        }

        if (result.YPred is { } yPred)
        {
            gradients["y_pred"] = Output(yPred);
        }

        return new PortAnswer(Output(result.Value), null) { Gradients = gradients };
    }

    internal static ShapedSpan<T> Input<T>(TensorData tensor)
        where T : unmanaged => new(ElementTypes.Values<T>(tensor), ElementTypes.Lengths(tensor));

    private static TensorData Output<T>(ShapedArray<T> result)
        where T : unmanaged => TensorData.Create(result.Values, [.. result.Shape]);
}

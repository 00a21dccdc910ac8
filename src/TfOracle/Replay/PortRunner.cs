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

        if (parityCase.Api is Apis.Loss or Apis.Function && parityCase.Args.Replicas is not null)
        {
            return "replica context (args.replicas): not ported yet (the training issue)";
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
            return new PortAnswer(ElementTypes.Dispatch(yTrue.DType, new TrueTypeVisitor(call)), null);
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

        public Axes Axis => Case.Args.Axis is { } axes ? (Case.Args.AxisIsList ? Axes.List([.. axes]) : Axes.One(axes[0])) : Axes.Last;
    }

    private sealed class TrueTypeVisitor(Call call) : IElementTypeVisitor<TensorData>
    {
        public TensorData Visit<TT>()
            where TT : unmanaged => ElementTypes.Dispatch(call.Pred.DType, new PredTypeVisitor<TT>(call));
    }

    private sealed class PredTypeVisitor<TT>(Call call) : IElementTypeVisitor<TensorData>
        where TT : unmanaged
    {
        public TensorData Visit<TP>()
            where TP : unmanaged
        {
            if (call.Case.Api == Apis.Function)
            {
                return RunFunction<TP>();
            }

            CosineSimilarityLoss loss = CosineSimilarityLoss.FromKerasArguments(call.Profile, KerasArguments(call.Case.Args));
            return ElementTypes.Dispatch(ElementTypes.Of(loss.ResultDType<TT, TP>()), new LossVisitor<TT, TP>(call, loss));
        }

        private TensorData RunFunction<TP>()
            where TP : unmanaged
        {
            return Output(CosineSimilarity.Compute<TT, TP>(call.Profile, Input<TT>(call.True), Input<TP>(call.Pred), call.Axis));
        }
    }

    private sealed class LossVisitor<TT, TP>(Call call, CosineSimilarityLoss loss) : IElementTypeVisitor<TensorData>
        where TT : unmanaged
        where TP : unmanaged
    {
        public TensorData Visit<TR>()
            where TR : unmanaged
        {
            IReadOnlyDictionary<string, CaseInput> inputs = call.Case.Inputs;
            InputKind kind = call.Case.Args.InputKind == "numpy" ? InputKind.NumPy : InputKind.Tensor;
            KerasMask kerasMask = inputs.TryGetValue("mask", out CaseInput? m) && m is TensorInput mask
                ? KerasMask.From(Input<bool>(mask.Tensor))
                : KerasMask.None;
            ShapedSpan<TT> yTrue = Input<TT>(call.True);
            ShapedSpan<TP> yPred = Input<TP>(call.Pred);
            ShapedArray<TR> result;
            switch (inputs.GetValueOrDefault("sample_weight"))
            {
                case ScalarInput { IsInteger: true } number:
                    result = loss.Compute<TT, TP, TR>(yTrue, yPred, SampleWeight<TR>.Scalar((long)number.Value), kerasMask, kind);
                    break;
                case ScalarInput number:
                    result = loss.Compute<TT, TP, TR>(yTrue, yPred, SampleWeight<TR>.Scalar(number.Value), kerasMask, kind);
                    break;
                case TensorInput weight:
                    result = loss.Compute<TT, TP, TR>(yTrue, yPred, SampleWeight<TR>.Tensor(Input<TR>(weight.Tensor)), kerasMask, kind);
                    break;
                default:
                    result = loss.Compute<TT, TP, TR>(yTrue, yPred, SampleWeight<TR>.None, kerasMask, kind);
                    break;
            }

            return Output(result);
        }
    }

    internal static ShapedSpan<T> Input<T>(TensorData tensor)
        where T : unmanaged => new(ElementTypes.Values<T>(tensor), ElementTypes.Lengths(tensor));

    private static TensorData Output<T>(ShapedArray<T> result)
        where T : unmanaged => TensorData.Create(result.Values, [.. result.Shape]);
}

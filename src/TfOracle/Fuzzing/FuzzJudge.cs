using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Graphs;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Reference;
using CosineParity.Oracle.Replay;

namespace CosineParity.Oracle.Fuzzing;

/// <summary>
/// Judges a fuzz question: the port (with gradients) against the exact reference's bound, or against TF's own
/// answer when one is given; and, where a graph fits, the graph against the reference, a graph outside the bound
/// classified by the manifest's known causes. Thread-safe when the port function is.
/// </summary>
public sealed class FuzzJudge
{
    private readonly GraphOracle? _graphs;
    private readonly Func<ParityCase, PortAnswer> _port;

    /// <summary>A judge.</summary>
    /// <param name="graphs">TF's graphs, or null to judge the port alone.</param>
    /// <param name="port">The implementation under test (default <see cref="PortRunner.Run"/>); a test plants bugs here.</param>
    public FuzzJudge(GraphOracle? graphs = null, Func<ParityCase, PortAnswer>? port = null)
    {
        _graphs = graphs;
        _port = port ?? PortRunner.Run;
    }

    /// <summary>Whether a rejection is one TF certainly raises on (not merely a question the reference does not cover).</summary>
    /// <param name="rejection">The reference's rejection.</param>
    public static bool IsCertain(string rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return rejection.Contains("broadcast", StringComparison.Ordinal)
            || rejection.Contains("out of range", StringComparison.Ordinal)
            || rejection.StartsWith("y_true is ", StringComparison.Ordinal);
    }

    /// <summary>Judges a question by the reference (and the graph).</summary>
    /// <param name="question">A loss or function question (its expected answer is not looked at).</param>
    public FuzzOutcome Judge(ParityCase question)
    {
        ArgumentNullException.ThrowIfNull(question);
        ReferenceAnswer reference = ExactReference.Evaluate(question);
        if (reference.IsRejected)
        {
            PortAnswer refused = Run(question);
            string? failure = refused.Error is null && IsCertain(reference.Rejection!)
                ? $"answered where TF raises ({reference.Rejection})"
                : null;
            return new FuzzOutcome(question, IsCertain(reference.Rejection!), failure, double.NaN, GraphResult.None, null, double.NaN);
        }

        // The port computes gradients when the case holds expected ones: the reference's.
        ParityCase asked = question with { Expected = CaseExpected.FromValue(new ExpectedNumber(reference.Exact!, reference.Exact, reference.Bound), reference.Gradients) };
        PortAnswer answer = Run(asked);
        Verdict verdict = answer.Error is not null ? Verdict.Fail(Threw(answer.Error)) : Verdict.Combine(Parts(reference, answer));
        (GraphResult graph, string? cause, double graphError) = JudgeGraph(question, reference);
        // A throw has no error in units of the bound (the verdict's infinity would hide every number's).
        double error = answer.Error is null ? verdict.MaxErrorOverBound : double.NaN;
        return new FuzzOutcome(question, true, verdict.Passed ? null : verdict.Failure, error, graph, cause, graphError);
    }

    /// <summary>Judges the port against TF's own answer (a live oracle's, with exact and gradients), and the graph
    /// against the reference.</summary>
    /// <param name="answered">The question completed with TF's answer.</param>
    public FuzzOutcome JudgeAnswered(ParityCase answered)
    {
        ArgumentNullException.ThrowIfNull(answered);
        Verdict verdict;
        try
        {
            verdict = CaseJudge.Judge(answered, Run(answered));
        }
        catch (ArgumentException missing)
        {
            verdict = Verdict.Unjudged(missing.Message, false);
        }

        ReferenceAnswer reference = ExactReference.Evaluate(answered);
        (GraphResult graph, string? cause, double graphError) = reference.IsRejected ? (GraphResult.None, null, double.NaN) : JudgeGraph(answered, reference);
        return new FuzzOutcome(answered, verdict.Judged, verdict.Passed ? null : verdict.Failure, verdict.MaxErrorOverBound, graph, cause, graphError);
    }

    private PortAnswer Run(ParityCase question)
    {
        try
        {
            return _port(question);
        }
#pragma warning disable CA1031 // a crash of the port is the case's failure, not the run's end
        catch (Exception crash)
#pragma warning restore CA1031
        {
            return new PortAnswer(null, crash);
        }
    }

    private static string Threw(Exception error) => $"threw {error.GetType().Name}: {error.Message}";

    private static List<VerdictPart> Parts(ReferenceAnswer reference, PortAnswer answer)
    {
        var parts = new List<VerdictPart> { new("value", VerdictPart.Value, reference.Judge(answer.Value!)) };
        foreach (string input in reference.Gradients.Keys)
        {
            Verdict judged = answer.Gradients.TryGetValue(input, out TensorData? gradient)
                ? reference.JudgeGradient(input, gradient)
                : Verdict.Fail("no gradient");
            parts.Add(new VerdictPart($"gradient by {input}", VerdictPart.Gradient, judged));
        }

        return parts;
    }

    private (GraphResult Result, string? Cause, double Error) JudgeGraph(ParityCase question, ReferenceAnswer reference)
    {
        if (_graphs is null || !_graphs.TryAnswer(question, out GraphAnswer? graph))
        {
            return (GraphResult.None, null, double.NaN);
        }

        bool keras2 = question.Profile == Profiles.Keras2;
        if (!graph.Succeeded)
        {
            // The graph squeezes a dynamic last dim of y_true that eager TF, seeing its size, leaves alone.
            return keras2 && graph.Error!.Message.Contains("Squeeze", StringComparison.OrdinalIgnoreCase)
                ? (GraphResult.Explained, "keras2-dynamic-squeeze", double.NaN)
                : (GraphResult.Unexplained, $"graph {graph.GraphId} failed: {graph.Error}", double.NaN);
        }

        Verdict verdict = JudgeValue(reference, graph.Value!);
        if (verdict.Passed)
        {
            return (GraphResult.Within, null, verdict.MaxErrorOverBound);
        }

        if (!keras2 && Tensor(question, "y_pred").Shape.Contains(0))
        {
            return (GraphResult.Explained, "keras3-empty-batch", verdict.MaxErrorOverBound);
        }

        if (WithoutSubnormals(question) is { } flushed
            && ExactReference.Evaluate(flushed) is { IsRejected: false } flushedReference
            && _graphs.TryAnswer(flushed, out GraphAnswer? again) && again.Succeeded
            && JudgeValue(flushedReference, again.Value!).Passed)
        {
            return (GraphResult.Explained, "tf-flushes-subnormals", verdict.MaxErrorOverBound);
        }

        return (GraphResult.Unexplained, $"graph {graph.GraphId}: {verdict.Failure}", verdict.MaxErrorOverBound);
    }

    /// <summary>The graph's value by the bound rule; ONNX Runtime may hand it back in another float dtype, which is
    /// not the question here (the port's dtype is judged), so it is judged as the reference's dtype.</summary>
    private static Verdict JudgeValue(ReferenceAnswer reference, TensorData value) =>
        value.DType == reference.ValueDType || reference.ValueDType is not { } dtype
            ? reference.Judge(value)
            : reference.Judge(FuzzTensors.Create(dtype.CaseName(), value.ToDoubles(), [.. value.Shape]));

    private static TensorData Tensor(ParityCase question, string name) => ((TensorInput)question.Inputs[name]).Tensor;

    /// <summary>The question with every float32/float64 subnormal input set to +-0 (as TF reads them), or null when it
    /// has none.</summary>
    private static ParityCase? WithoutSubnormals(ParityCase question)
    {
        var inputs = new Dictionary<string, CaseInput>(question.Inputs, StringComparer.Ordinal);
        bool changed = false;
        foreach ((string name, CaseInput input) in question.Inputs)
        {
            if (input is TensorInput { Tensor: { DType: TensorDType.Float32 or TensorDType.Float64 } tensor })
            {
                double[] values = tensor.ToDoubles();
                double low = FuzzTensors.MinNormal(tensor.DType.CaseName());
                bool any = false;
                for (int i = 0; i < values.Length; i++)
                {
                    if (values[i] != 0 && Math.Abs(values[i]) < low)
                    {
                        values[i] = Math.CopySign(0.0, values[i]);
                        any = true;
                    }
                }

                if (any)
                {
                    inputs[name] = new TensorInput(FuzzTensors.Create(tensor.DType.CaseName(), values, [.. tensor.Shape]));
                    changed = true;
                }
            }
        }

        return changed ? question with { Inputs = inputs } : null;
    }
}

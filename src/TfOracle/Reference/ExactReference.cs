using System;
using System.Collections.Generic;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// A second implementation of the recorder's exact reference (<c>exact.py</c>, <c>profiles.py</c>,
/// <c>gradient.py</c>) for <c>loss</c> and <c>function</c> questions: for any input, the profile's formula evaluated
/// exactly and rounded once to float64 (<c>expected.exact</c>), the per-element bound of fixtures/README "The error
/// bound" (<c>expected.bound</c>), and the same for the gradients <c>d(sum(value))/d(y_true)</c> and
/// <c>d/d(y_pred)</c>, so that a fuzzer can judge new inputs the way the fixtures judge recorded ones. It shares no
/// arithmetic with the port.
/// </summary>
/// <remarks>
/// <para>Arithmetic: every quantity is an exact value and an error term, both <see cref="XFloat"/>s
/// (double-double with a separate 32-bit exponent: ~106 bits, no overflow or underflow), sums that cancel below
/// 2^-90 of their terms redone exactly with <see cref="System.Numerics.BigInteger"/>. The value's own error,
/// about 2^-104 of the terms it comes from, is some 2^-50 of the smallest bound a rounding in float64 can have
/// (<c>u = 2^-53</c> of the same terms), so it cannot move a judgement; the stored bound's enlargement by a relative
/// 2^-30 covers it many times over.</para>
/// <para>Three things differ from the recorder, each where real TF showed the recorder wrong on new inputs (see the
/// Reference README): error terms and the values the rules read do not underflow (float64 below 1e-308 lost the
/// rule's <c>tiny</c> term), the clamp's gradient is TF's select (exactly 0 where the clamp holds, even times NaN),
/// and a bfloat16 subnormal may be read as 0 when cast to a wider dtype.</para>
/// </remarks>
public static class ExactReference
{
    /// <summary>The reference answer to a case's question (its recorded answer is not looked at).</summary>
    /// <param name="question">A <c>loss</c> or <c>function</c> case.</param>
    /// <returns>The exact answer and bounds, or a rejection.</returns>
    public static ReferenceAnswer Evaluate(ParityCase question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return Evaluate(question.Profile, question.Api, question.Args, question.Inputs);
    }

    /// <summary>The reference answer to a question given by its parts, as a fuzzer makes them.</summary>
    /// <param name="profile"><c>keras2</c> or <c>keras3</c>.</param>
    /// <param name="api"><c>loss</c> or <c>function</c>.</param>
    /// <param name="args">The call's arguments.</param>
    /// <param name="inputs"><c>y_true</c>, <c>y_pred</c> (tensors), optionally <c>sample_weight</c> and <c>mask</c>.</param>
    /// <returns>The exact answer and bounds, or a rejection.</returns>
    public static ReferenceAnswer Evaluate(string profile, string api, CaseArgs args, IReadOnlyDictionary<string, CaseInput> inputs) =>
        Evaluate(profile, api, args, inputs, ReferenceOptions.Default);

    internal static ReferenceAnswer Evaluate(string profile, string api, CaseArgs args, IReadOnlyDictionary<string, CaseInput> inputs,
        ReferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(inputs);
        try
        {
            return Compute(GenerationRules.For(profile), api, args, inputs, options);
        }
        catch (ReferenceRejectedException rejection)
        {
            return ReferenceAnswer.Rejected(rejection.Message);
        }
    }

    private static ReferenceAnswer Compute(GenerationRules rules, string api, CaseArgs args,
        IReadOnlyDictionary<string, CaseInput> inputs, ReferenceOptions options)
    {
        if (api is not (Apis.Loss or Apis.Function))
        {
            throw new ReferenceRejectedException($"api {api}: the reference covers loss and function");
        }

        if (args.UnknownKeys.Count > 0)
        {
            throw new ReferenceRejectedException($"unexpected argument {args.UnknownKeys[0]}");
        }

        TensorData yTrue = Tensor(inputs, "y_true"), yPred = Tensor(inputs, "y_pred");
        bool isLoss = api == Apis.Loss;
        FloatFormat format = isLoss ? rules.LossFormat(args, yTrue, yPred) : rules.FunctionFormat(yTrue, yPred);
        NormClamp clamp = rules.Clamp(format).Emulating(options.RecorderRsqrtFactor);
        NdArray<Bounded> trueIn = InputRule.Tensor(yTrue, format), predIn = InputRule.Tensor(yPred, format);
        (NdArray<Bounded> t, NdArray<Bounded> p) = isLoss ? rules.AlignForLoss(args, trueIn, predIn) : rules.AlignForFunction(trueIn, predIn);
        IReadOnlyList<int> axis = args.Axis ?? [-1];
        Normalized nt = Normalized.Of(rules.Normalizable(t), axis, clamp), np = Normalized.Of(rules.Normalizable(p), axis, clamp);
        NdArray<Bounded> product = NdArrays.Multiply(nt.Unit, np.Unit);
        NdArray<Bounded> cosine = SumRule.Total(product, Shapes.AxisTuple(axis, product.Rank), keepDims: false);
        NdArray<Bounded> losses = cosine.Map(static c => -c);
        LossWeighting? weighting = isLoss ? rules.Weighting(args, inputs, format) : null;
        NdArray<Bounded> value = weighting is null ? losses : rules.ReduceLosses(losses, weighting, format, ValueAlgebra.Instance);

        var gradients = new Dictionary<string, ExpectedGradient>(StringComparer.Ordinal);
        bool differentiable = options.Gradients && !args.IsNumpyInput
            && (yTrue.DType.IsFloatingPoint() || yPred.DType.IsFloatingPoint());
        if (differentiable)
        {
            NdArray<Bounded> dc = CosineDerivatives(rules, losses.Shape, weighting, format);
            (NdArray<Bounded> tbar, NdArray<Bounded> pbar) = CosineBackward.Gradients(nt, np, axis, clamp, dc);
            Add(gradients, "y_true", yTrue, tbar);
            Add(gradients, "y_pred", yPred, pbar);
        }

        return ReferenceAnswer.Answered(StoredExact(value), StoredBound(value), format.DType, gradients);
    }

    /// <summary><c>dc_j</c>: minus the coefficient of loss <c>j</c> in the reduced value (the losses are
    /// <c>-c</c>), run through the same weighting and reduction on unit linear forms.</summary>
    private static NdArray<Bounded> CosineDerivatives(GenerationRules rules, int[] shape, LossWeighting? weighting, FloatFormat format)
    {
        int count = Shapes.Count(shape);
        var units = new LinearForm[count];
        for (int j = 0; j < count; j++)
        {
            units[j] = LinearForm.Unit(j);
        }

        var algebra = new FormAlgebra(count);
        NdArray<LinearForm> forms = new(shape, units);
        if (weighting is not null)
        {
            forms = rules.ReduceLosses(forms, weighting, format, algebra);
        }

        var dc = new Bounded[count];
        Array.Fill(dc, Bounded.Exact(0));
        LinearForm target = algebra.Total(forms);
        for (int k = 0; k < target.Count; k++)
        {
            (int j, Bounded c) = target[k];
            dc[j] = -c;
        }

        return new(shape, dc);
    }

    /// <summary>A gradient, reshaped to its input and cast to the input's dtype.</summary>
    private static void Add(Dictionary<string, ExpectedGradient> gradients, string name, TensorData input, NdArray<Bounded> gradient)
    {
        if (FloatFormat.Of(input.DType) is not { } format)
        {
            return;   // TF does not differentiate an integer input
        }

        NdArray<Bounded> cast = gradient.Reshape([.. input.Shape]).Map(g => g.CastTo(format));
        gradients[name] = new ExpectedGradient(StoredExact(cast), StoredBound(cast));
    }

    private static TensorData Tensor(IReadOnlyDictionary<string, CaseInput> inputs, string name) =>
        inputs.TryGetValue(name, out CaseInput? input) && input is TensorInput { Tensor: { DType: not TensorDType.Bool } tensor }
            ? tensor
            : throw new ReferenceRejectedException($"{name} is not a numeric tensor");

    /// <summary>The exact values rounded once to float64.</summary>
    private static TensorData StoredExact(NdArray<Bounded> x)
    {
        var values = new double[x.Size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = x.Items[i].V.ToDouble();
        }

        return TensorData.Create<double>(values, x.Shape);
    }

    /// <summary>The bounds as stored beside the float64 exact: they also cover that rounding of the exact value, are
    /// enlarged by a relative 2^-30 and rounded up, so a float64 comparison <c>|v - exact| &lt;= bound</c> is safe.</summary>
    private static TensorData StoredBound(NdArray<Bounded> x)
    {
        var bounds = new double[x.Size];
        for (int i = 0; i < bounds.Length; i++)
        {
            bounds[i] = StoredBound(x.Items[i]);
        }

        return TensorData.Create<double>(bounds, x.Shape);
    }

    private static readonly XFloat Slack = XFloat.One + XFloat.PowerOfTwo(-30);

    internal static double StoredBound(Bounded b)
    {
        if (b.Format is null)
        {
            return 0;
        }

        if (!b.V.IsFinite)
        {
            return b.E.IsZero ? 0 : double.PositiveInfinity;
        }

        double stored = b.V.ToDouble();
        XFloat rounding = double.IsFinite(stored) ? (b.V - XFloat.FromDouble(stored)).Abs() : XFloat.PositiveInfinity;
        if (b.E.IsZero && rounding.IsZero)
        {
            return 0;
        }

        double enlarged = ((b.E + rounding) * Slack).ToDouble();
        return double.IsFinite(enlarged) ? Math.BitIncrement(enlarged) : double.PositiveInfinity;
    }
}

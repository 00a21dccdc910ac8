using System;

namespace CosineParity;

/// <summary>
/// Everything about one call that shapes and element types decide: the compute dtype, the cosine plan and (for the
/// loss class) the weighting plan. Built once and reused while the next call has the same shapes, strides and
/// types, so that repeated calls allocate nothing.
/// </summary>
internal sealed class CallPlan
{
    private readonly Type _trueType, _predType, _resultType;
    private readonly int[] _trueDims, _trueStrides, _predDims, _predStrides;
    private readonly WeightKind _weightKind;
    private readonly int[]? _weightDims, _weightStrides, _maskDims, _maskStrides;
    private readonly LossContext _context;

    private CallPlan(
        Type trueType, Operand yTrue, Type predType, Operand yPred, Type resultType, WeightKind weightKind, Operand? weight, Operand? mask,
        LossContext context, Precision precision, CosinePlan cosine, WeightingPlan? weighting)
    {
        _trueType = trueType;
        _predType = predType;
        _resultType = resultType;
        (_trueDims, _trueStrides) = (yTrue.Dims, yTrue.Strides);
        (_predDims, _predStrides) = (yPred.Dims, yPred.Strides);
        _weightKind = weightKind;
        (_weightDims, _weightStrides) = (weight?.Dims, weight?.Strides);
        (_maskDims, _maskStrides) = (mask?.Dims, mask?.Strides);
        _context = context;
        Precision = precision;
        Cosine = cosine;
        Weighting = weighting;
        ResultDims = weighting?.ResultDims ?? cosine.LossDims;
        // Stryker disable once Checked : equivalent: RowLayout or BroadcastPlan counted these dims (checked) before this line
        ResultLength = checked((int)Shape.Size(ResultDims));
        // Stryker disable once Checked,Conditional : equivalent: a tensor's count is its span's length; the None/scalar scratch is unread
        WeightLength = weight is { } w ? checked((int)Shape.Size(w.Dims)) : weightKind == WeightKind.None ? 0 : 1;
    }

    /// <summary>The compute dtype, which is also the result's.</summary>
    public Precision Precision { get; }

    public CosinePlan Cosine { get; }

    /// <summary>Null for the bare function (no weights, no reduction).</summary>
    public WeightingPlan? Weighting { get; }

    public int[] ResultDims { get; }

    public int ResultLength { get; }

    public int WeightLength { get; }

    public int[]? MaskDims => _maskDims;

    public static CallPlan ForLoss<TT, TP, TR>(
        KerasProfile profile, Axes axes, LossReduction reduction, KerasDType? dtype,
        in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred, in SampleWeight<TR> weight, in KerasMask mask, LossContext context)
    {
        Element.RequireInput<TT>("y_true");
        Element.RequireInput<TP>("y_pred");
        var precision = Precision.Of(profile.LossDType<TT, TP>(dtype));
        RequireResultType<TR>(precision, "the loss");
        Operand t = Views.Operand(yTrue), p = Views.Operand(yPred);
        // Stryker disable once Conditional : equivalent: only the scratch length changes, and no weight kind but a tensor reads it
        Operand? w = weight.Kind == WeightKind.Tensor ? Views.Operand(weight.TensorValue) : null;
        Operand? m = mask.IsPresent ? Views.Operand(mask.Values) : null;
        var cosine = CosinePlan.Create(profile, t, p, axes, forLoss: true, context.InputKind);
        int[]? weightDims = weight.Kind switch
        {
            WeightKind.None => null,
            WeightKind.Tensor => w!.Value.Dims,
            _ => [],
        };
        WeightingPlan weighting = profile.PlanWeighting(cosine.LossDims, weightDims, m?.Dims, reduction, context.Replicas);
        return new CallPlan(typeof(TT), t, typeof(TP), p, typeof(TR), weight.Kind, w, m, context, precision, cosine, weighting);
    }

    public static CallPlan ForFunction<TT, TP, TR>(KerasProfile profile, Axes axes, in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred)
    {
        Element.RequireInput<TT>("y_true");
        Element.RequireInput<TP>("y_pred");
        var precision = Precision.Of(profile.FunctionDType<TT, TP>());
        // Stryker disable once Statement,String : equivalent: the function's only caller passes TR = TP, its FunctionDType
        RequireResultType<TR>(precision, "the function");
        Operand t = Views.Operand(yTrue), p = Views.Operand(yPred);
        var cosine = CosinePlan.Create(profile, t, p, axes, forLoss: false, InputKind.Tensor);
        return new CallPlan(typeof(TT), t, typeof(TP), p, typeof(TR), WeightKind.None, null, null, default, precision, cosine, null);
    }

    /// <summary>Whether this plan was made for inputs of these shapes, strides and types (allocation-free).</summary>
    public bool Fits<TT, TP, TR>(in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred, in SampleWeight<TR> weight, in KerasMask mask, LossContext context) =>
        typeof(TT) == _trueType && typeof(TP) == _predType && typeof(TR) == _resultType && context == _context
        && Views.Matches(yTrue, _trueDims, _trueStrides) && Views.Matches(yPred, _predDims, _predStrides)
        && weight.Kind == _weightKind
        && (weight.Kind != WeightKind.Tensor || Views.Matches(weight.TensorValue, _weightDims!, _weightStrides!))
        && mask.IsPresent == _maskDims is not null
        && (!mask.IsPresent || Views.Matches(mask.Values, _maskDims!, _maskStrides!));

    private static void RequireResultType<TR>(Precision precision, string what)
    {
        if (!Element.IsFloating<TR>() || KerasDTypes.Of<TR>() != precision.DType)
        {
            throw new ArgumentException(
                $"{what} computes in and returns {KerasDTypes.Name(precision.DType)} here, but the result type is {typeof(TR).Name}; use the element type of {KerasDTypes.Name(precision.DType)}");
        }
    }
}

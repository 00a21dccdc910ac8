using System;
using TorchSharp;
using static TorchSharp.torch;

namespace CosineParity.TorchSharp;

/// <summary>
/// One call of the loss on TorchSharp tensors, fixed at forward time: the port's loss, the element types of both
/// inputs and of the result, the sample weight and mask (copied, so backward sees what forward saw) and which inputs
/// want a gradient. The forward and backward of <see cref="CosineSimilarityFunction"/> run through it.
/// </summary>
internal abstract class LossCall
{
    /// <summary>The loss value, computed by the port into a new tensor of the compute dtype.</summary>
    public abstract Tensor Value(Tensor yTrue, Tensor yPred);

    /// <summary><c>d sum(upstream * value) / d y_true</c> and <c>/ d y_pred</c> by the port's analytic gradient, each
    /// null where that input wants none.</summary>
    public abstract (Tensor? YTrue, Tensor? YPred) Gradients(Tensor yTrue, Tensor yPred, Tensor upstream);

    /// <summary>The call for these inputs, its element types dispatched from the tensors' dtypes.</summary>
    /// <exception cref="KerasDTypeException">Keras 2 given <paramref name="yTrue"/> and <paramref name="yPred"/> of two dtypes.</exception>
    public static LossCall Create(CosineSimilarityLoss loss, Tensor yTrue, Tensor yPred, WeightArgument weight, Tensor? mask) =>
        TorchElements.Dispatch(yTrue.dtype, new TrueTypeVisitor(new Arguments(loss, yTrue, yPred, weight, mask)));

    private sealed record Arguments(CosineSimilarityLoss Loss, Tensor YTrue, Tensor YPred, WeightArgument Weight, Tensor? Mask);

    private sealed class TrueTypeVisitor(Arguments arguments) : IElementTypeVisitor<LossCall>
    {
        public LossCall Visit<TT>()
            where TT : unmanaged => TorchElements.Dispatch(arguments.YPred.dtype, new PredTypeVisitor<TT>(arguments));
    }

    private sealed class PredTypeVisitor<TT>(Arguments arguments) : IElementTypeVisitor<LossCall>
        where TT : unmanaged
    {
        public LossCall Visit<TP>()
            where TP : unmanaged =>
            TorchElements.Dispatch(TorchElements.Of(arguments.Loss.ResultDType<TT, TP>()), new ResultTypeVisitor<TT, TP>(arguments));
    }

    private sealed class ResultTypeVisitor<TT, TP>(Arguments arguments) : IElementTypeVisitor<LossCall>
        where TT : unmanaged
        where TP : unmanaged
    {
        public LossCall Visit<TR>()
            where TR : unmanaged => new LossCall<TT, TP, TR>(arguments.Loss, arguments.YTrue, arguments.YPred, arguments.Weight, arguments.Mask);
    }
}

/// <summary>The call for inputs of <typeparamref name="TTrue"/> and <typeparamref name="TPred"/>, computing in <typeparamref name="TResult"/>.</summary>
internal sealed class LossCall<TTrue, TPred, TResult> : LossCall
    where TTrue : unmanaged
    where TPred : unmanaged
    where TResult : unmanaged
{
    private readonly CosineSimilarityLoss _loss;
    private readonly ScalarType _resultType;
    private readonly double? _scalarWeight;
    private readonly TResult[]? _weights;
    private readonly nint[] _weightShape = [];
    private readonly bool[]? _mask;
    private readonly nint[] _maskShape = [];
    private readonly bool _wantsTrueGradient;
    private readonly bool _wantsPredGradient;

    public LossCall(CosineSimilarityLoss loss, Tensor yTrue, Tensor yPred, WeightArgument weight, Tensor? mask)
    {
        _loss = loss;
        _resultType = TorchElements.Of(KerasDTypes.Of<TResult>());
        _scalarWeight = weight.Scalar;
        if (weight.Tensor is { } weightTensor)
        {
            _weights = TorchElements.RoundedTo<TResult>(weightTensor);
            _weightShape = TorchElements.Shape(weightTensor);
        }

        if (mask is not null)
        {
            using Tensor contiguous = mask.contiguous();
            _mask = TorchElements.Elements<bool>(contiguous).ToArray();
            _maskShape = TorchElements.Shape(mask);
        }

        _wantsTrueGradient = yTrue.requires_grad;
        _wantsPredGradient = yPred.requires_grad;
    }

    public override Tensor Value(Tensor yTrue, Tensor yPred)
    {
        using Tensor t = yTrue.contiguous(), p = yPred.contiguous();
        nint[] trueShape = TorchElements.Shape(t), predShape = TorchElements.Shape(p);
        var trueView = new ShapedSpan<TTrue>(TorchElements.Elements<TTrue>(t), trueShape);
        var predView = new ShapedSpan<TPred>(TorchElements.Elements<TPred>(p), predShape);
        int[] dims = _loss.GetResultShape<TTrue, TPred, TResult>(trueView, predView, Weight(), Mask());
        Tensor value = torch.empty(TorchElements.Shape(dims), _resultType);
        _loss.Compute(trueView, predView, Weight(), Mask(), TorchElements.Elements<TResult>(value));
        return value;
    }

    public override (Tensor? YTrue, Tensor? YPred) Gradients(Tensor yTrue, Tensor yPred, Tensor upstream)
    {
        using Tensor t = yTrue.contiguous(), p = yPred.contiguous(), arriving = upstream.to(_resultType).contiguous();
        nint[] trueShape = TorchElements.Shape(t), predShape = TorchElements.Shape(p);
        var trueView = new ShapedSpan<TTrue>(TorchElements.Elements<TTrue>(t), trueShape);
        var predView = new ShapedSpan<TPred>(TorchElements.Elements<TPred>(p), predShape);
        var value = new TResult[arriving.numel()];
        Tensor? trueGradient = _wantsTrueGradient ? torch.empty(t.shape, t.dtype) : null;
        Tensor? predGradient = _wantsPredGradient ? torch.empty(p.shape, p.dtype) : null;
        _loss.ComputeWithGradients(
            trueView, predView, Weight(), Mask(), value,
            trueGradient is null ? default : TorchElements.Elements<TTrue>(trueGradient),
            predGradient is null ? default : TorchElements.Elements<TPred>(predGradient),
            TorchElements.Elements<TResult>(arriving));
        return (trueGradient, predGradient);
    }

    private SampleWeight<TResult> Weight() =>
        _weights is not null ? SampleWeight<TResult>.Tensor(new ShapedSpan<TResult>(_weights, _weightShape))
        : _scalarWeight is { } scalar ? SampleWeight<TResult>.Scalar(scalar)
        : SampleWeight<TResult>.None;

    private KerasMask Mask() => _mask is null ? KerasMask.None : KerasMask.From(new ShapedSpan<bool>(_mask, _maskShape));
}

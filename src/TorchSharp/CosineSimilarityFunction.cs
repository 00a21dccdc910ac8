using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace CosineParity.TorchSharp;

/// <summary>
/// The custom autograd function behind <see cref="KerasCosineSimilarityLoss"/>: forward is the port's value, backward
/// the port's analytic gradient given the gradient arriving at the value. Its arguments are <c>y_true</c>,
/// <c>y_pred</c> and the <see cref="LossCall"/>; TorchSharp keeps one instance for all calls, so everything a call
/// needs travels in the context.
/// </summary>
internal sealed class CosineSimilarityFunction : SingleTensorFunction<CosineSimilarityFunction>
{
    private const string CallKey = "call";

    /// <summary>The name autograd shows for the backward node.</summary>
    public override string Name => "KerasCosineSimilarityBackward";

    /// <summary>The loss value; saves both inputs and the call for backward.</summary>
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var yTrue = (Tensor)vars[0];
        var yPred = (Tensor)vars[1];
        var call = (LossCall)vars[2];
        ctx.save_for_backward([yTrue, yPred]);
        ctx.save_data(CallKey, call);
        return call.Value(yTrue, yPred);
    }

    /// <summary>The gradients by <c>y_true</c> and <c>y_pred</c> (undefined where none is wanted) and none for the call.</summary>
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var call = (LossCall)ctx.get_data(CallKey);
        List<Tensor> saved = ctx.get_saved_variables();
        try
        {
            (Tensor? yTrue, Tensor? yPred) = call.Gradients(saved[0], saved[1], grad_output);
            return [yTrue!, yPred!, null!];
        }
        finally
        {
            saved.ForEach(tensor => tensor.Dispose());
        }
    }
}

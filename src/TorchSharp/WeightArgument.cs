using static TorchSharp.torch;

namespace CosineParity.TorchSharp;

/// <summary>Keras's <c>sample_weight</c> as the module was given it: none, a Python float, or a tensor.</summary>
/// <param name="Scalar">A Python float weighing every loss, or null.</param>
/// <param name="Tensor">A weight tensor of any floating-point dtype, or null.</param>
internal readonly record struct WeightArgument(double? Scalar, Tensor? Tensor)
{
    public static WeightArgument None => default;
}

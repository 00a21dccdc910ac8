using System;

namespace CosineParity.Oracle.Cases;

/// <summary>An input handed to TF as a tensor (<c>tf.constant</c>, or a numpy array under <c>args.input_kind</c>).</summary>
/// <param name="Tensor">The tensor.</param>
public sealed record TensorInput(TensorData Tensor) : CaseInput
{
    /// <summary>The tensor.</summary>
    public TensorData Tensor { get; } = Tensor ?? throw new ArgumentNullException(nameof(Tensor));
}

using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;

namespace CosineParity;

/// <summary>
/// Keras's <c>sample_weight</c>: absent (<see cref="None"/>), a Python number (<see cref="Scalar(double)"/>,
/// <see cref="Scalar(long)"/>: Keras 2 turns a Python float into float32 first, an int converts exactly), or a tensor
/// in the loss's compute dtype <typeparamref name="T"/> (<see cref="Tensor"/>; Keras casts a weight tensor of any
/// dtype to the compute dtype before using it, so convert yours the same way: a correctly rounded cast). A 0-d
/// tensor is a tensor, not a Python number. Any rank each generation's rank rules accept.
/// </summary>
/// <remarks>
/// Keras 2: <c>compute_weighted_loss</c> (<c>tf_keras/utils/losses_utils.py</c>) casts the weight to the losses'
/// dtype, squeezes a trailing 1 of a weight one rank higher or expands one a rank lower
/// (<c>squeeze_or_expand_dimensions</c>), and multiplies with broadcasting. Keras 3: <c>reduce_weighted_values</c>
/// (<c>keras/src/losses/loss.py</c>) converts it to the loss dtype and aligns it with
/// <c>squeeze_or_expand_to_same_rank</c>, which acts only around a trailing 1.
/// </remarks>
/// <typeparam name="T">The compute dtype's element type (the result's).</typeparam>
[SuppressMessage("Design", "CA1000:Do not declare static members on generic types",
    Justification = "The factories name the weight's form (SampleWeight<float>.Scalar(2.3)); T cannot be inferred from a number.")]
public readonly ref struct SampleWeight<T>
{
    private SampleWeight(WeightKind kind, double scalar, ShapedSpan<T> tensor)
    {
        Kind = kind;
        ScalarValue = scalar;
        TensorValue = tensor;
    }

    /// <summary>No sample weight.</summary>
    public static SampleWeight<T> None => default;

    internal WeightKind Kind { get; }

    internal double ScalarValue { get; }

    internal ShapedSpan<T> TensorValue { get; }

    /// <summary>A Python float weighing every loss.</summary>
    /// <param name="value">The number, as Python holds it (a double).</param>
    public static SampleWeight<T> Scalar(double value) => new(WeightKind.PythonFloat, value, default);

    /// <summary>A Python int weighing every loss.</summary>
    /// <param name="value">The number.</param>
    public static SampleWeight<T> Scalar(long value) => new(WeightKind.PythonInt, value, default);

    /// <summary>A weight tensor, already in the compute dtype.</summary>
    /// <param name="weights">The weights; their shape follows the generation's rank rules against the losses.</param>
    public static SampleWeight<T> Tensor(ShapedSpan<T> weights) => new(WeightKind.Tensor, 0, weights);

    /// <summary>A weight tensor (see <see cref="Tensor"/>).</summary>
    /// <param name="weights">The weights.</param>
    public static implicit operator SampleWeight<T>(ReadOnlyTensorSpan<T> weights) => Tensor(weights);

    /// <summary>A weight tensor (see <see cref="Tensor"/>).</summary>
    /// <param name="weights">The weights.</param>
    public static implicit operator SampleWeight<T>(Tensor<T> weights) => Tensor(weights);

    /// <summary>A weight tensor of any rank, 0-d included (see <see cref="Tensor"/>).</summary>
    /// <param name="weights">The weights.</param>
    public static implicit operator SampleWeight<T>(ShapedSpan<T> weights) => Tensor(weights);

    /// <summary>A weight tensor (the method behind the implicit conversion).</summary>
    /// <param name="weights">The weights.</param>
    public static SampleWeight<T> FromShapedSpan(ShapedSpan<T> weights) => Tensor(weights);
}

/// <summary>The forms of <see cref="SampleWeight{T}"/>.</summary>
internal enum WeightKind
{
    None,
    PythonFloat,
    PythonInt,
    Tensor,
}

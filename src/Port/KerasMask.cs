using System.Numerics.Tensors;

namespace CosineParity;

/// <summary>
/// A Keras mask carried by <c>y_pred</c> (<c>y_pred._keras_mask</c>, set by a <c>Masking</c> layer or
/// <c>Embedding(mask_zero=True)</c>): <see langword="true"/> where a loss counts. Normally of the loss shape
/// (<c>y_pred</c>'s shape without the reduced axes). Both generations fold it into the sample weight: Keras 2 with a
/// plain division for mean-like reductions (all masked: NaN), Keras 3 with <c>divide_no_nan</c> (all masked: 0).
/// The bare function ignores masks.
/// </summary>
/// <remarks>
/// Keras 2 (<c>tf_keras</c>): <c>losses_utils.apply_valid_mask</c> (<c>tf_keras/utils/losses_utils.py</c>) rescales the
/// mask by <c>size(mask) / sum(mask)</c> for <c>"auto"</c>/<c>"sum_over_batch_size"</c> and multiplies it into the
/// weight. Keras 3: <c>apply_mask</c> (<c>keras/src/losses/loss.py</c>) weighs by <c>where(mask, divide_no_nan(total,
/// valid), 0)</c> for <c>"sum_over_batch_size"</c>/<c>"mean"</c> (3.15), else by the mask cast to the dtype.
/// </remarks>
public readonly ref struct KerasMask
{
    private KerasMask(ShapedSpan<bool> values)
    {
        Values = values;
        IsPresent = true;
    }

    /// <summary>No mask.</summary>
    public static KerasMask None => default;

    internal bool IsPresent { get; }

    internal ShapedSpan<bool> Values { get; }

    /// <summary>A mask.</summary>
    /// <param name="mask">True where the loss counts.</param>
    public static KerasMask From(ShapedSpan<bool> mask) => new(mask);

    /// <summary>A mask (see <see cref="From"/>).</summary>
    /// <param name="mask">True where the loss counts.</param>
    public static implicit operator KerasMask(Tensor<bool> mask) => From(mask);

    /// <summary>A mask (see <see cref="From"/>).</summary>
    /// <param name="mask">True where the loss counts.</param>
    public static implicit operator KerasMask(ReadOnlyTensorSpan<bool> mask) => From(mask);

    /// <summary>A mask of any rank, 0-d included (see <see cref="From"/>).</summary>
    /// <param name="mask">True where the loss counts.</param>
    public static implicit operator KerasMask(ShapedSpan<bool> mask) => From(mask);

    /// <summary>A mask (the method behind the implicit conversion).</summary>
    /// <param name="mask">True where the loss counts.</param>
    public static KerasMask FromShapedSpan(ShapedSpan<bool> mask) => From(mask);
}

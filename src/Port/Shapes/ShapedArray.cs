using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;

namespace CosineParity;

/// <summary>
/// A result as TF returns it: its elements, row-major, and its shape, 0-d included (a reduced loss is 0-d, shape
/// <c>[]</c>, one element). <see cref="ToTensor"/> gives a <see cref="Tensor{T}"/> for results of rank 1 or more.
/// </summary>
/// <remarks>
/// Both generations return a 0-d tensor for <c>"sum"</c> and the mean-like reductions and the weighted losses'
/// shape for <c>"none"</c>; Keras 3 also returns empty or 0-d losses unreduced (<c>reduce_values</c>), so its shape
/// can be <c>[0]</c> where Keras 2's is <c>[]</c>.
/// </remarks>
/// <typeparam name="T">The element type, the result's dtype.</typeparam>
public sealed class ShapedArray<T>
{
    private readonly T[] _values;
    private readonly int[] _shape;

    internal ShapedArray(T[] values, int[] shape)
    {
        _values = values;
        _shape = shape;
    }

    /// <summary>The dimensions (empty for a 0-d result).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The rank.</summary>
    public int Rank => _shape.Length;

    /// <summary>The elements, row-major.</summary>
    public ReadOnlySpan<T> Values => _values;

    /// <summary>The value of a 0-d result (a reduced loss).</summary>
    /// <exception cref="InvalidOperationException">The result is not 0-d.</exception>
    public T Scalar => Rank == 0
        ? _values[0]
        : throw new InvalidOperationException($"the result has shape {CosineParity.Shape.Format(_shape)}, not [] (reduction none?)");

    /// <summary>The elements as a new <see cref="Tensor{T}"/> of this shape.</summary>
    /// <returns>The tensor.</returns>
    /// <exception cref="InvalidOperationException">The result is 0-d, which <see cref="Tensor{T}"/> cannot hold: use <see cref="Scalar"/>.</exception>
    [SuppressMessage("Design", "CA1024:Use properties where appropriate", Justification = "Copies the elements.")]
    public Tensor<T> ToTensor() => Rank > 0
        ? Tensor.Create((T[])_values.Clone(), Array.ConvertAll(_shape, d => (nint)d))
        : throw new InvalidOperationException("a 0-d result has no Tensor<T> form (Tensor<T> has no rank 0); use Scalar");

    /// <inheritdoc/>
    public override string ToString() => CosineParity.Shape.Format(_shape) + " " + string.Join(", ", _values);
}

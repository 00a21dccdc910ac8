using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CosineParity;

/// <summary>
/// A read-only view of tensor elements with a shape and strides, of any rank, 0-d included: the port's input type.
/// <see cref="Tensor{T}"/> and <see cref="ReadOnlyTensorSpan{T}"/> convert to it implicitly, but they cannot be 0-d (an
/// empty shape there means one dimension of 0), while TF's scalars are; build a 0-d input with
/// <see cref="ShapedSpan{T}(ReadOnlySpan{T}, ReadOnlySpan{nint})"/> and an empty shape.
/// </summary>
/// <remarks>
/// It stands for a <c>tf.constant</c> (or a numpy array, see <see cref="LossContext"/>) passed to either Keras
/// generation: its shape is what the generation's rank rules read (Keras 2 <c>squeeze_or_expand_dimensions</c>,
/// Keras 3 <c>squeeze_or_expand_to_same_rank</c>), and a 0-d one is a TF scalar.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
[SuppressMessage("Design", "CA1000:Do not declare static members on generic types",
    Justification = "Conversions from the System.Numerics.Tensors types belong on the type they convert to.")]
public readonly ref struct ShapedSpan<T>
{
    /// <summary>A dense, row-major view of <paramref name="data"/> with the given shape.</summary>
    /// <param name="data">The elements, row-major; one element for an empty (0-d) shape.</param>
    /// <param name="shape">The dimensions; empty for a 0-d tensor.</param>
    /// <exception cref="ArgumentException">A negative dimension, or a length that does not fill the shape.</exception>
    public ShapedSpan(ReadOnlySpan<T> data, ReadOnlySpan<nint> shape)
    {
        long size = 1;
        foreach (nint d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"shape [{string.Join(",", shape.ToArray())}] has a negative dimension", nameof(shape));
            }

            size *= d;
        }

        if (size != data.Length)
        {
            throw new ArgumentException(
                $"{data.Length} elements do not fill shape [{string.Join(",", shape.ToArray())}] ({size} elements)", nameof(data));
        }

        _data = data;
        _shape = shape;
        _tensor = default;
        _isTensor = false;
    }

    private ShapedSpan(ReadOnlyTensorSpan<T> tensor)
    {
        _tensor = tensor;
        _isTensor = true;
        _data = default;
        _shape = default;
    }

    private readonly ReadOnlyTensorSpan<T> _tensor;
    private readonly bool _isTensor;
    private readonly ReadOnlySpan<T> _data;
    private readonly ReadOnlySpan<nint> _shape;

    /// <summary>Every element the view can address, from its first to its last (strides included).</summary>
    public ReadOnlySpan<T> Data
    {
        get
        {
            if (!_isTensor)
            {
                return _data;
            }

            if (_tensor.FlattenedLength == 0)
            {
                return [];
            }

            long extent = 1;
            for (int i = 0; i < _tensor.Rank; i++)
            {
                extent += (_tensor.Lengths[i] - 1) * (long)_tensor.Strides[i];
            }

            return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in _tensor.GetPinnableReference()), checked((int)extent));
        }
    }

    /// <summary>The rank (0 for a 0-d tensor).</summary>
    public int Rank => _isTensor ? _tensor.Rank : _shape.Length;

    /// <summary>The number of elements (1 for a 0-d tensor).</summary>
    public long ElementCount
    {
        get
        {
            long size = 1;
            for (int i = 0; i < Rank; i++)
            {
                size *= Length(i);
            }

            return size;
        }
    }

    /// <summary>The size of a dimension.</summary>
    /// <param name="dimension">The dimension, 0 to <see cref="Rank"/> - 1.</param>
    public nint Length(int dimension) => _isTensor ? _tensor.Lengths[dimension] : _shape[dimension];

    /// <summary>The element stride of a dimension (row-major for a dense view).</summary>
    /// <param name="dimension">The dimension.</param>
    public nint Stride(int dimension)
    {
        if (_isTensor)
        {
            return _tensor.Strides[dimension];
        }

        nint stride = 1;
        for (int i = _shape.Length - 1; i > dimension; i--)
        {
            stride *= Math.Max(_shape[i], 1);
        }

        return stride;
    }

    /// <summary>The view of a tensor span (rank 1 or more), strides included.</summary>
    /// <param name="tensor">The tensor span.</param>
    public static implicit operator ShapedSpan<T>(ReadOnlyTensorSpan<T> tensor) => FromReadOnlyTensorSpan(tensor);

    /// <summary>The view of a tensor (rank 1 or more).</summary>
    /// <param name="tensor">The tensor.</param>
    public static implicit operator ShapedSpan<T>(Tensor<T> tensor) => FromReadOnlyTensorSpan(tensor);

    /// <summary>The view of a tensor span (the method behind the implicit conversion).</summary>
    /// <param name="tensor">The tensor span.</param>
    public static ShapedSpan<T> FromReadOnlyTensorSpan(ReadOnlyTensorSpan<T> tensor) => new(tensor);

    /// <summary>The view of a dense span as a vector (rank 1).</summary>
    /// <param name="data">The elements.</param>
    /// <param name="length">Its length: the shape's one dimension (kept by the caller, as the view borrows it).</param>
    public static ShapedSpan<T> Vector(ReadOnlySpan<T> data, ReadOnlySpan<nint> length) => new(data, length);
}

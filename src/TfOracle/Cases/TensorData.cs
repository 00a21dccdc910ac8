using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;

namespace CosineParity.Oracle.Cases;

/// <summary>
/// An immutable tensor: a dtype, a shape and the raw little-endian bytes of its elements in C (row-major) order, as
/// a safetensors file or the wire form stores them. The bytes are kept as they are, so NaN payloads, signed zeros and
/// subnormals survive bit for bit; the typed accessors reinterpret them. Tensors read from a file share that file's
/// buffer rather than copying it. Two tensors are equal when dtype, shape and every byte agree.
/// </summary>
public sealed class TensorData : IEquatable<TensorData>
{
    private readonly ReadOnlyCollection<int> _shape;

    private TensorData(TensorDType dtype, int[] shape, int elementCount, ReadOnlyMemory<byte> bytes)
    {
        DType = dtype;
        _shape = Array.AsReadOnly(shape);
        ElementCount = elementCount;
        Bytes = bytes;
    }

    /// <summary>The element type.</summary>
    public TensorDType DType { get; }

    /// <summary>The dimensions, outermost first; empty for a 0-d tensor (a scalar, one element).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _shape.Count;

    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar, 0 with a zero-size dimension).</summary>
    public int ElementCount { get; }

    /// <summary>The raw little-endian bytes, <see cref="ElementCount"/> times the element size. Do not write through
    /// <see cref="MemoryMarshal"/> into them: they may be shared with other tensors of the same file.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>A tensor holding a copy of <paramref name="values"/> (row-major) with the given shape; the dtype
    /// follows from <typeparamref name="T"/>.</summary>
    /// <typeparam name="T"><see cref="Half"/>, <see cref="BFloat16"/>, <see cref="float"/>, <see cref="double"/>,
    /// <see cref="long"/> or <see cref="bool"/>.</typeparam>
    /// <param name="values">The elements, row-major.</param>
    /// <param name="shape">The dimensions; empty for a scalar.</param>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not an element type.</exception>
    /// <exception cref="ArgumentException">A dimension is negative, or the shape does not hold exactly
    /// <paramref name="values"/>' length of elements.</exception>
    public static TensorData Create<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> shape) where T : unmanaged
    {
        TensorDType dtype = TensorDTypes.Of<T>();
        int count = CountElements(shape);
        if (values.Length != count)
        {
            throw new ArgumentException(
                $"shape {FormatShape(shape)} holds {count} elements but {values.Length} values were given", nameof(values));
        }

        byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
        ToLittleEndian(bytes, dtype.ElementSize());
        // A bool made through unsafe code may hold any byte; the format allows only 0 and 1.
        if (dtype == TensorDType.Bool && !OnlyZeroOrOne(bytes))
        {
            throw new ArgumentException("a bool value is neither 0 nor 1 in memory", nameof(values));
        }

        return new(dtype, shape.ToArray(), count, bytes);
    }

    /// <summary>A 0-d tensor (shape <c>[]</c>) holding one value.</summary>
    /// <typeparam name="T">An element type, as for <see cref="Create{T}"/>.</typeparam>
    /// <param name="value">The value.</param>
    public static TensorData CreateScalar<T>(T value) where T : unmanaged => Create<T>([value], []);

    /// <summary>A tensor over raw little-endian bytes (e.g. decoded from the wire form's base64), without copying them:
    /// the caller hands them over and must not change them afterwards.</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The dimensions; empty for a scalar.</param>
    /// <param name="bytes">Exactly the product of <paramref name="shape"/> times the element size bytes.</param>
    /// <exception cref="ArgumentException">A dimension is negative, the length is not the shape's, or a
    /// <see cref="TensorDType.Bool"/> byte is neither 0 nor 1.</exception>
    public static TensorData FromBytes(TensorDType dtype, ReadOnlySpan<int> shape, ReadOnlyMemory<byte> bytes)
    {
        int count = CountElements(shape);
        long size = (long)count * dtype.ElementSize();
        if (bytes.Length != size)
        {
            throw new ArgumentException(
                $"{dtype.CaseName()} of shape {FormatShape(shape)} takes {size} bytes, not {bytes.Length}", nameof(bytes));
        }

        if (dtype == TensorDType.Bool && !OnlyZeroOrOne(bytes.Span))
        {
            throw new ArgumentException("a bool byte is neither 0 nor 1", nameof(bytes));
        }

        return new(dtype, shape.ToArray(), count, bytes);
    }

    /// <summary>The fixture reader's way in: it has already checked the shape, the length and the bool bytes with
    /// messages that name the file, so nothing is checked twice on ~30,000 tensors.</summary>
    internal static TensorData FromCheckedBytes(TensorDType dtype, int[] shape, int elementCount, ReadOnlyMemory<byte> bytes) =>
        new(dtype, shape, elementCount, bytes);

    /// <summary>Every element widened exactly to <see cref="double"/> (row-major): float16, bfloat16 and float32 widen
    /// without rounding, bool gives 0 or 1, int64 values must be representable (|x| up to 2^53 or a multiple of a
    /// high enough power of 2). NaNs stay NaN; their payloads are only as preserved as the hardware's widening keeps
    /// them (read <see cref="Bytes"/> for the bits).</summary>
    /// <exception cref="InvalidOperationException">An int64 element has no exact double.</exception>
    public double[] ToDoubles()
    {
        var result = new double[ElementCount];
        switch (DType)
        {
            case TensorDType.Float16:
                ReadOnlySpan<Half> halves = AsSpan<Half>();
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (double)halves[i];
                }

                break;
            case TensorDType.BFloat16:
                ReadOnlySpan<BFloat16> brains = AsSpan<BFloat16>();
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (double)brains[i];
                }

                break;
            case TensorDType.Float32:
                ReadOnlySpan<float> singles = AsSpan<float>();
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = singles[i];
                }

                break;
            case TensorDType.Float64:
                AsSpan<double>().CopyTo(result);
                break;
            case TensorDType.Int64:
                ReadOnlySpan<long> longs = AsSpan<long>();
                for (int i = 0; i < result.Length; i++)
                {
                    double widened = longs[i];
                    // 2^63 itself is out of range: (long)2^63 saturates to long.MaxValue and would look exact.
                    if (widened >= 9.223372036854775808e18 || (long)widened != longs[i])
                    {
                        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                            $"int64 element {i} ({longs[i]}) has no exact double"));
                    }

                    result[i] = widened;
                }

                break;
            case TensorDType.Bool:
                ReadOnlySpan<byte> bools = Bytes.Span;
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = bools[i];
                }

                break;
            default:
                throw new InvalidOperationException($"undefined dtype {DType}");
        }

        return result;
    }

    /// <summary>A copy of the elements as <typeparamref name="T"/>, row-major, bit for bit.</summary>
    /// <typeparam name="T">The element type of <see cref="DType"/> (<see cref="TensorDTypes.ClrType"/>).</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the element type of
    /// <see cref="DType"/>; the message names both.</exception>
    public T[] ToArray<T>() where T : unmanaged
    {
        CheckElementType<T>();
        var result = new T[ElementCount];
        Span<byte> target = MemoryMarshal.AsBytes(result.AsSpan());
        Bytes.Span.CopyTo(target);
        ToLittleEndian(target, DType.ElementSize());   // the same swap turns little-endian into native
        return result;
    }

    /// <summary>The elements as <typeparamref name="T"/>, row-major, bit for bit: a view of <see cref="Bytes"/>
    /// without copying on little-endian machines (every machine .NET ships for), a copy elsewhere.</summary>
    /// <typeparam name="T">The element type of <see cref="DType"/> (<see cref="TensorDTypes.ClrType"/>).</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the element type of
    /// <see cref="DType"/>; the message names both.</exception>
    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged
    {
        CheckElementType<T>();
        // x64 and Arm64 read misaligned elements (a F32 after an odd-sized F16) without faults.
        return BitConverter.IsLittleEndian ? MemoryMarshal.Cast<byte, T>(Bytes.Span) : ToArray<T>();
    }

    /// <summary>Whether <paramref name="other"/> has the same dtype, shape and bytes (NaNs compare by their bits,
    /// +0 and -0 differ).</summary>
    /// <param name="other">The tensor to compare with.</param>
    public bool Equals(TensorData? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (DType == other.DType && _shape.SequenceEqual(other._shape) && Bytes.Span.SequenceEqual(other.Bytes.Span)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorData);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(DType);
        foreach (int dim in _shape)
        {
            hash.Add(dim);
        }

        hash.AddBytes(Bytes.Span);
        return hash.ToHashCode();
    }

    /// <summary>The dtype name and shape, e.g. <c>float32[2, 3]</c>.</summary>
    public override string ToString() => DType.CaseName() + FormatShape(_shape);

    /// <summary>The shape as the messages print it, e.g. <c>[2, 3]</c>.</summary>
    internal static string FormatShape(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";

    private static string FormatShape(ReadOnlySpan<int> shape) => FormatShape((IEnumerable<int>)shape.ToArray());

    private static int CountElements(ReadOnlySpan<int> shape)
    {
        long count = 1;
        bool empty = false;
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"shape {FormatShape(shape)} has a negative dimension", nameof(shape));
            }

            // A zero-size dimension empties the tensor whatever the other dims; stop multiplying so huge ones cannot overflow.
            empty |= dim == 0;
            if (!empty)
            {
                count *= dim;
                if (count > int.MaxValue)
                {
                    throw new ArgumentException($"shape {FormatShape(shape)} holds more than {int.MaxValue} elements", nameof(shape));
                }
            }
        }

        return empty ? 0 : (int)count;
    }

    private static bool OnlyZeroOrOne(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExceptInRange((byte)0, (byte)1);

    private static void ToLittleEndian(Span<byte> bytes, int elementSize)
    {
        if (BitConverter.IsLittleEndian || elementSize == 1)
        {
            return;
        }

        for (int i = 0; i < bytes.Length; i += elementSize)
        {
            bytes.Slice(i, elementSize).Reverse();
        }
    }

    private void CheckElementType<T>() where T : unmanaged
    {
        if (typeof(T) == DType.ClrType())
        {
            return;
        }

        string other = TensorDTypes.TryOf(typeof(T), out TensorDType asked)
            ? $"the element type of {asked.CaseName()}"
            : "not a tensor element type";
        throw new InvalidOperationException(
            $"the tensor is {DType.CaseName()} ({DType.SafetensorsCode()}), whose elements are {DType.ClrType().Name}; " +
            $"it cannot be read as {typeof(T).Name}, which is {other}");
    }
}

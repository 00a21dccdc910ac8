using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CosineParity;

/// <summary>Reads a tensor span as the flat memory it spans plus dimensions and strides, without copying.</summary>
internal static class TensorView
{
    /// <summary>Every element the tensor can address: from its first element to its last, strides included.</summary>
    public static ReadOnlySpan<T> Data<T>(in ReadOnlyTensorSpan<T> tensor)
    {
        if (tensor.FlattenedLength == 0)
        {
            return [];
        }

        long extent = 1;
        for (int i = 0; i < tensor.Rank; i++)
        {
            extent += (tensor.Lengths[i] - 1) * (long)tensor.Strides[i];
        }

        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in tensor.GetPinnableReference()), checked((int)extent));
    }

    public static Operand Operand<T>(in ReadOnlyTensorSpan<T> tensor) =>
        new(Shape.FromLengths(tensor.Lengths), Shape.FromLengths(tensor.Strides));

    /// <summary>Whether the tensor has exactly these dimensions and strides (for plan reuse; no allocation).</summary>
    public static bool Matches<T>(in ReadOnlyTensorSpan<T> tensor, int[] dims, int[] strides)
    {
        if (tensor.Rank != dims.Length)
        {
            return false;
        }

        for (int i = 0; i < dims.Length; i++)
        {
            if (tensor.Lengths[i] != dims[i] || tensor.Strides[i] != strides[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Copies the elements in row-major order into <paramref name="destination"/>, as doubles.</summary>
    public static void CopyDense<T>(in ReadOnlyTensorSpan<T> tensor, Span<double> destination)
    {
        ReadOnlySpan<T> data = Data(tensor);
        int rank = tensor.Rank;
        Span<int> index = stackalloc int[rank];
        int offset = 0;
        for (int n = 0; n < destination.Length; n++)
        {
            destination[n] = Element.ToDouble(data[offset]);
            for (int i = rank - 1; i >= 0; i--)
            {
                offset += (int)tensor.Strides[i];
                if (++index[i] < tensor.Lengths[i])
                {
                    break;
                }

                offset -= (int)(tensor.Strides[i] * tensor.Lengths[i]);
                index[i] = 0;
            }
        }
    }
}

using System;

namespace CosineParity;

/// <summary>Reads a <see cref="ShapedSpan{T}"/> as the port's internal shapes and values, without copying its data.</summary>
internal static class Views
{
    public static Operand Operand<T>(in ShapedSpan<T> view)
    {
        var dims = new int[view.Rank];
        var strides = new int[view.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = checked((int)view.Length(i));
            strides[i] = checked((int)view.Stride(i));
        }

        return new Operand(dims, strides);
    }

    /// <summary>Whether the view has exactly these dimensions and strides (for plan reuse; no allocation).</summary>
    public static bool Matches<T>(in ShapedSpan<T> view, int[] dims, int[] strides)
    {
        if (view.Rank != dims.Length)
        {
            return false;
        }

        for (int i = 0; i < dims.Length; i++)
        {
            if (view.Length(i) != dims[i] || view.Stride(i) != strides[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Copies the elements in row-major order into <paramref name="destination"/>, as doubles.</summary>
    public static void CopyDense<T>(in ShapedSpan<T> view, Span<double> destination)
    {
        ReadOnlySpan<T> data = view.Data;
        int rank = view.Rank;
        Span<int> index = stackalloc int[rank];
        Span<int> strides = stackalloc int[rank];
        for (int i = 0; i < rank; i++)
        {
            strides[i] = (int)view.Stride(i);
        }

        int offset = 0;
        for (int n = 0; n < destination.Length; n++)
        {
            destination[n] = Element.ToDouble(data[offset]);
            for (int i = rank - 1; i >= 0; i--)
            {
                offset += strides[i];
                if (++index[i] < view.Length(i))
                {
                    break;
                }

                offset -= strides[i] * (int)view.Length(i);
                index[i] = 0;
            }
        }
    }

    /// <summary>Writes values kept by element offset (<paramref name="byOffset"/>) in the view's row-major order,
    /// rounded to <typeparamref name="TOut"/>.</summary>
    public static void GatherDense<T, TOut>(in ShapedSpan<T> view, ReadOnlySpan<double> byOffset, Span<TOut> destination)
    {
        int rank = view.Rank;
        Span<int> index = stackalloc int[rank];
        Span<int> strides = stackalloc int[rank];
        for (int i = 0; i < rank; i++)
        {
            strides[i] = (int)view.Stride(i);
        }

        int offset = 0;
        for (int n = 0; n < destination.Length; n++)
        {
            destination[n] = Element.FromDouble<TOut>(byOffset[offset]);
            for (int i = rank - 1; i >= 0; i--)
            {
                offset += strides[i];
                if (++index[i] < view.Length(i))
                {
                    break;
                }

                offset -= strides[i] * (int)view.Length(i);
                index[i] = 0;
            }
        }
    }
}

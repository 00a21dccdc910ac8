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

    /// <summary>Whether the view's elements sit at their row-major indices (dense, no broadcast or permuted strides).</summary>
    public static bool IsDense<T>(in ShapedSpan<T> view)
    {
        long stride = 1;
        for (int i = view.Rank - 1; i >= 0; i--)
        {
            if (view.Length(i) != 1 && view.Stride(i) != stride)
            {
                return false;
            }

            stride *= view.Length(i);
        }

        return view.Data.Length == stride;
    }

    /// <summary>Copies the elements in row-major order into <paramref name="destination"/>, as doubles.</summary>
    public static void CopyDense<T>(in ShapedSpan<T> view, Span<double> destination)
    {
        ReadOnlySpan<T> data = view.Data;
        Span<int> dims = stackalloc int[view.Rank], strides = stackalloc int[view.Rank];
        var walk = Walk(view, dims, strides, stackalloc int[view.Rank]);
        for (int n = 0; n < destination.Length; n++, walk.Next())
        {
            destination[n] = Element.ToDouble(data[walk.First]);
        }
    }

    /// <summary>Writes values kept by element offset (<paramref name="byOffset"/>) in the view's row-major order,
    /// rounded to <typeparamref name="TOut"/>.</summary>
    public static void GatherDense<T, TOut>(in ShapedSpan<T> view, ReadOnlySpan<double> byOffset, Span<TOut> destination)
    {
        Span<int> dims = stackalloc int[view.Rank], strides = stackalloc int[view.Rank];
        var walk = Walk(view, dims, strides, stackalloc int[view.Rank]);
        for (int n = 0; n < destination.Length; n++, walk.Next())
        {
            destination[n] = Element.FromDouble<TOut>(byOffset[walk.First]);
        }
    }

    /// <summary>The row-major walk over a view's elements (its offsets in <c>First</c>).</summary>
    private static StridedWalk Walk<T>(in ShapedSpan<T> view, Span<int> dims, Span<int> strides, Span<int> index)
    {
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = (int)view.Length(i);
            strides[i] = (int)view.Stride(i);
        }

        return new StridedWalk(dims, strides, strides, index);
    }
}

using System;
using System.Linq;

namespace CosineParity;

/// <summary>
/// Dimension lists and the rules that move between them: TF's broadcasting, the squeeze and expand of a trailing
/// dimension the rank rules use, the shape left after a reduction, and strides. The one place that knows them.
/// </summary>
internal static class Shape
{
    public static long Size(ReadOnlySpan<int> dims)
    {
        long size = 1;
        foreach (int d in dims)
        {
            size *= d;
        }

        return size;
    }

    /// <summary>TF's spelling in error messages: <c>[2,3]</c>.</summary>
    public static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(",", dims.ToArray()) + "]";

    /// <summary>numpy/TF broadcasting of two shapes (aligned at the end; a dimension of 1 stretches).</summary>
    /// <exception cref="KerasShapeException">A pair of dimensions differs and neither is 1.</exception>
    public static int[] Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new KerasShapeException($"Incompatible shapes: {Format(a)} vs. {Format(b)}");
            }

            result[i] = da == 1 ? db : da;
        }

        return result;
    }

    /// <summary><c>tf.squeeze(x, [-1])</c>.</summary>
    /// <exception cref="KerasShapeException">The last dimension is not 1.</exception>
    public static int[] SqueezeLast(int[] dims)
    {
        if (dims.Length == 0 || dims[^1] != 1)
        {
            int last = dims.Length == 0 ? 0 : dims[^1];
            throw new KerasShapeException(
                $"Can not squeeze dim[{dims.Length - 1}], expected a dimension of 1, got {last} (shape {Format(dims)})");
        }

        return dims[..^1];
    }

    /// <summary><c>tf.expand_dims(x, -1)</c>.</summary>
    public static int[] ExpandLast(int[] dims) => [.. dims, 1];

    /// <summary>TF's <c>squeeze_or_expand_dimensions(values, None, weight)</c> with static ranks (Keras 2's losses and
    /// metrics, <c>tf.nn.compute_average_loss</c>): a weight one rank higher loses its last dimension (which must be 1),
    /// one rank lower gains one; a 0-d weight stays.</summary>
    /// <exception cref="KerasShapeException">The dimension to squeeze is not 1.</exception>
    public static int[] AlignWeight(int[] values, int[] weight)
    {
        if (weight.Length > 0)
        {
            if (weight.Length - values.Length == 1)
            {
                return SqueezeLast(weight);
            }

            if (values.Length - weight.Length == 1)
            {
                return ExpandLast(weight);
            }
        }

        return weight;
    }

    /// <summary>The shape without the reduced axes (a reduction without keepdims).</summary>
    public static int[] Without(int[] dims, int[] axes) =>
        dims.Where((_, i) => Array.IndexOf(axes, i) < 0).ToArray();

    /// <summary>Row-major strides of a dense tensor.</summary>
    public static int[] DenseStrides(int[] dims)
    {
        var strides = new int[dims.Length];
        int stride = 1;
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= Math.Max(dims[i], 1);
        }

        return strides;
    }

    /// <summary>
    /// Strides that read a tensor of <paramref name="dims"/> (with <paramref name="strides"/>) as if broadcast to
    /// <paramref name="target"/>: stretched and missing leading dimensions get stride 0.
    /// </summary>
    public static int[] BroadcastStrides(int[] dims, int[] strides, int[] target)
    {
        var result = new int[target.Length];
        int offset = target.Length - dims.Length;
        for (int i = 0; i < dims.Length; i++)
        {
            result[offset + i] = dims[i] == 1 && target[offset + i] != 1 ? 0 : strides[i];
        }

        return result;
    }

    public static bool SameDims(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}

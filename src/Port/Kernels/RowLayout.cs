using System;

namespace CosineParity;

/// <summary>
/// Where the elements of each cosine row sit in a tensor: the offset of every row (rows in row-major order of the
/// kept dimensions, which is the order of the losses) and the offset of every element within a row (row-major order
/// of the reduced dimensions). Works for any axes and strides, broadcast (stride 0) ones included.
/// </summary>
internal sealed class RowLayout
{
    private RowLayout(int[] rowOffsets, int[] elementOffsets)
    {
        RowOffsets = rowOffsets;
        ElementOffsets = elementOffsets;
        IsContiguous = elementOffsets.Length > 0;   // rows of no elements may sit past the end of an empty tensor
        for (int k = 0; k < elementOffsets.Length; k++)
        {
            IsContiguous &= elementOffsets[k] == k;
        }

        RowsAdjacent = true;
        for (int row = 1; row < rowOffsets.Length; row++)
        {
            RowsAdjacent &= rowOffsets[row] == rowOffsets[0] + row;
        }
    }

    public int[] RowOffsets { get; }

    public int[] ElementOffsets { get; }

    public int RowCount => RowOffsets.Length;

    public int RowLength => ElementOffsets.Length;

    /// <summary>Every row is one dense run of <see cref="RowLength"/> (at least one) elements, the usual trailing-axis case.</summary>
    public bool IsContiguous { get; }

    /// <summary>Row <c>i</c> starts <c>i</c> elements after row 0 (the rows run along the last dimension of the
    /// tensor and the reduction is over others, such as axis 0 of a matrix).</summary>
    public bool RowsAdjacent { get; }

    /// <summary>A layout whose "offsets" are row indices: row <c>i</c> of <paramref name="rows"/> rows, every element of it at index <c>i</c>.</summary>
    public static RowLayout RowIndices(int rows, int length)
    {
        var indices = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            indices[i] = i;
        }

        return new(indices, new int[length]);
    }

    /// <param name="dims">The dimensions iterated (the tensor's, or those it is broadcast to).</param>
    /// <param name="strides">Element strides per dimension (0 where broadcast).</param>
    /// <param name="axes">The reduced dimensions, ascending.</param>
    public static RowLayout Create(int[] dims, int[] strides, int[] axes)
    {
        int rank = dims.Length;
        Span<bool> reduced = stackalloc bool[rank];
        foreach (int axis in axes)
        {
            reduced[axis] = true;
        }

        return new RowLayout(Offsets(dims, strides, reduced, false), Offsets(dims, strides, reduced, true));
    }

    /// <summary>Offsets of the row-major walk over the dimensions whose <paramref name="reduced"/> flag equals <paramref name="which"/>.</summary>
    private static int[] Offsets(int[] dims, int[] strides, ReadOnlySpan<bool> reduced, bool which)
    {
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (reduced[i] == which)
            {
                count *= dims[i];
            }
        }

        var offsets = new int[checked((int)count)];
        Span<int> index = stackalloc int[dims.Length];
        int offset = 0;
        for (int n = 0; n < offsets.Length; n++)
        {
            offsets[n] = offset;
            for (int i = dims.Length - 1; i >= 0; i--)   // odometer step over the chosen dimensions
            {
                if (reduced[i] != which)
                {
                    continue;
                }

                offset += strides[i];
                if (++index[i] < dims[i])
                {
                    break;
                }

                offset -= strides[i] * dims[i];
                index[i] = 0;
            }
        }

        return offsets;
    }
}

namespace CosineParity;

/// <summary>An input's dimensions and element strides as the rank rules leave them (a squeeze or expand of a size-1
/// dimension changes the view, never the data).</summary>
internal struct Operand(int[] dims, int[] strides)
{
    public int[] Dims { get; private set; } = dims;

    public int[] Strides { get; private set; } = strides;

    public readonly int Rank => Dims.Length;

    public readonly int Last => Dims[^1];

    public void SqueezeLast()
    {
        Dims = Shape.SqueezeLast(Dims);
        Strides = Strides[..^1];
    }

    public void ExpandLast()
    {
        Dims = Shape.ExpandLast(Dims);
        Strides = [.. Strides, 1];
    }

    /// <summary>A 0-d tensor seen as a vector of one element.</summary>
    public void ExpandScalar()
    {
        Dims = [1];
        Strides = [1];
    }
}

using System;

namespace CosineParity;

/// <summary>
/// A row-major walk over a shape that keeps up to two element offsets, each with its own strides (0 along a
/// broadcast dimension): the one odometer behind broadcasting, dense copies and gathers. Carries its counters in a
/// caller's stack buffer, so walking allocates nothing.
/// </summary>
internal ref struct StridedWalk
{
    private readonly ReadOnlySpan<int> _dims;
    private readonly ReadOnlySpan<int> _firstStrides;
    private readonly ReadOnlySpan<int> _secondStrides;
    private readonly Span<int> _index;

    /// <param name="dims">The shape walked.</param>
    /// <param name="firstStrides">Strides of the first offset.</param>
    /// <param name="secondStrides">Strides of the second offset (may be the first's).</param>
    /// <param name="index">Scratch of the shape's rank, cleared here.</param>
    public StridedWalk(ReadOnlySpan<int> dims, ReadOnlySpan<int> firstStrides, ReadOnlySpan<int> secondStrides, Span<int> index)
    {
        _dims = dims;
        _firstStrides = firstStrides;
        _secondStrides = secondStrides;
        _index = index;
        _index.Clear();
    }

    /// <summary>The first offset at the current position.</summary>
    public int First { get; private set; }

    /// <summary>The second offset at the current position.</summary>
    public int Second { get; private set; }

    /// <summary>Steps to the next position in row-major order (past the last, the offsets return to 0).</summary>
    public void Next()
    {
        for (int i = _dims.Length - 1; i >= 0; i--)
        {
            First += _firstStrides[i];
            Second += _secondStrides[i];
            if (++_index[i] < _dims[i])
            {
                return;
            }

            First -= _firstStrides[i] * _dims[i];
            Second -= _secondStrides[i] * _dims[i];
            _index[i] = 0;
        }
    }
}

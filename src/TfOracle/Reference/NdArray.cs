using System;
using System.Collections.Generic;
using System.Linq;

namespace CosineParity.Oracle.Reference;

/// <summary>A row-major n-d array of formula elements with numpy's broadcasting: the recorder runs its formula on
/// numpy object arrays, and these are the operations it uses.</summary>
/// <typeparam name="T">The element (a <see cref="Bounded"/> number, or a <see cref="LinearForm"/>).</typeparam>
internal sealed class NdArray<T>
{
    public NdArray(int[] shape, T[] items)
    {
        if (Shapes.Count(shape) != items.Length)
        {
            throw new ArgumentException($"shape {Shapes.Format(shape)} does not hold {items.Length} items", nameof(items));
        }

        Shape = shape;
        Items = items;
    }

    public int[] Shape { get; }

    public T[] Items { get; }

    public int Rank => Shape.Length;

    public int Size => Items.Length;

    /// <summary>A 0-d array.</summary>
    public static NdArray<T> Scalar(T item) => new([], [item]);

    /// <summary>The same items in another shape of the same size (numpy's reshape of a contiguous array).</summary>
    public NdArray<T> Reshape(int[] shape) => new(shape, Items);

    /// <summary>Drops a last dimension of size 1.</summary>
    public NdArray<T> SqueezeLast()
    {
        if (Rank == 0 || Shape[^1] != 1)
        {
            throw new ReferenceRejectedException(
                $"cannot squeeze a last dimension of size {(Rank == 0 ? "none" : Shape[^1])} (shape {Shapes.Format(Shape)})");
        }

        return Reshape(Shape[..^1]);
    }

    /// <summary>Appends a dimension of size 1.</summary>
    public NdArray<T> ExpandLast() => Reshape([.. Shape, 1]);

    public NdArray<TOut> Map<TOut>(Func<T, TOut> map)
    {
        var items = new TOut[Items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = map(Items[i]);
        }

        return new(Shape, items);
    }

    /// <summary>The array broadcast to <paramref name="shape"/> (numpy's broadcast_to, materialised).</summary>
    public NdArray<T> BroadcastTo(int[] shape)
    {
        if (Shapes.Broadcast(Shape, shape).SequenceEqual(shape) is false)
        {
            throw new ReferenceRejectedException($"cannot broadcast {Shapes.Format(Shape)} to {Shapes.Format(shape)}");
        }

        int[] map = Shapes.BroadcastMap(shape, Shape);
        var items = new T[map.Length];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = Items[map[i]];
        }

        return new(shape, items);
    }

    /// <summary>Inserts size-1 dimensions at <paramref name="axes"/> of the result (numpy's expand_dims).</summary>
    public NdArray<T> ExpandDims(IReadOnlyCollection<int> axes)
    {
        int rank = Rank + axes.Count;
        var shape = new int[rank];
        int next = 0;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = axes.Contains(i) ? 1 : Shape[next++];
        }

        return Reshape(shape);
    }
}

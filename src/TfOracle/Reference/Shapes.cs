using System;
using System.Collections.Generic;
using System.Linq;

namespace CosineParity.Oracle.Reference;

/// <summary>numpy's shape rules, as the recorder's object arrays follow them.</summary>
internal static class Shapes
{
    public static int Count(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int dim in shape)
        {
            count *= dim;
        }

        return checked((int)count);
    }

    public static string Format(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>numpy's broadcast of two shapes (right-aligned; equal dims or 1).</summary>
    public static int[] Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ReferenceRejectedException($"shapes {Format(a)} and {Format(b)} do not broadcast");
            }

            shape[i] = da == 1 ? db : da;
        }

        return shape;
    }

    /// <summary>For each flat index of <paramref name="outer"/>, the flat index of the element of
    /// <paramref name="inner"/> that broadcasting puts there.</summary>
    public static int[] BroadcastMap(int[] outer, int[] inner)
    {
        int rank = outer.Length, lead = rank - inner.Length;
        var strides = new int[rank];
        int stride = 1;
        for (int i = inner.Length - 1; i >= 0; i--)
        {
            strides[lead + i] = inner[i] == 1 ? 0 : stride;
            stride *= inner[i];
        }

        var map = new int[Count(outer)];
        var index = new int[rank];
        int position = 0;
        for (int flat = 0; flat < map.Length; flat++)
        {
            map[flat] = position;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                position += strides[d];
                if (index[d] < outer[d])
                {
                    break;
                }

                position -= strides[d] * index[d];
                index[d] = 0;
            }
        }

        return map;
    }

    /// <summary>For each flat index of an array of <paramref name="shape"/>, the flat index of its sum over
    /// <paramref name="reduced"/> (the same with or without kept dimensions).</summary>
    public static int[] ReduceMap(int[] shape, bool[] reduced, out int[] keptShape)
    {
        keptShape = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            keptShape[i] = reduced[i] ? 1 : shape[i];
        }

        return BroadcastMap(shape, keptShape);
    }

    /// <summary>The recorder's <c>axis_tuple</c>: each axis in <c>[-rank, rank)</c>, made non-negative, sorted, once.</summary>
    public static int[] AxisTuple(IReadOnlyList<int> axes, int rank)
    {
        var set = new SortedSet<int>();
        foreach (int a in axes)
        {
            if (a < -rank || a >= rank)
            {
                throw new ReferenceRejectedException($"axis {a} out of range for rank {rank}");
            }

            // TF's ReductionHelper refuses two axes naming one dimension (InvalidArgumentError): no value to give.
            if (!set.Add(((a % rank) + rank) % rank))
            {
                throw new ReferenceRejectedException($"axes {string.Join(", ", axes)} name dimension {((a % rank) + rank) % rank} twice for rank {rank}");
            }
        }

        return [.. set];
    }

    /// <summary>Whether two shapes are equal.</summary>
    public static bool Same(IReadOnlyList<int> a, IReadOnlyList<int> b) => a.SequenceEqual(b);
}

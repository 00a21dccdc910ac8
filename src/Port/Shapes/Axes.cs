using System;
using System.Collections.Generic;
using System.Linq;

namespace CosineParity;

/// <summary>
/// Keras's <c>axis</c> argument: one axis or a list of axes along which the cosine is taken, negative values counting
/// from the end (<c>-1</c>, the default, is the last axis). A list reduces over all its axes at once, in any order;
/// axes are checked against the rank of each tensor when the loss is called, as TF's <c>reduce_sum</c> checks them.
/// A single axis is held without an array, so passing one allocates nothing.
/// </summary>
/// <remarks>
/// Both generations pass <c>axis</c> straight to the reduction (Keras 2 <c>tf.linalg.l2_normalize</c> and
/// <c>tf.reduce_sum</c>, Keras 3 <c>ops.normalize</c> and <c>ops.sum</c>), so a bad axis fails as TF's
/// <c>ReductionHelper</c> fails: <c>InvalidArgumentError</c>, here <see cref="KerasAxisException"/>. Keras 2's
/// <c>get_config()</c> writes the axis back (a list as a list); Keras 3's writes none.
/// </remarks>
public readonly struct Axes : IEquatable<Axes>
{
    private readonly int[]? _list;        // null for a single axis
    private readonly int _complement;     // ~axis for a single axis: default(Axes) is ~0 = -1, Keras's default

    private Axes(int single)
    {
        _complement = ~single;
        _list = null;
    }

    private Axes(int[] list)
    {
        _complement = 0;
        _list = list;
    }

    /// <summary>The last axis, Keras's default (<c>axis=-1</c>).</summary>
    public static Axes Last => default;

    /// <summary>Whether the axes were given as a list (Keras writes them back as a list in its config).</summary>
    public bool IsList => _list is not null;

    /// <summary>The axes as given.</summary>
    public IReadOnlyList<int> Values => _list ?? [~_complement];

    /// <summary>One axis.</summary>
    /// <param name="axis">The axis; negative counts from the end.</param>
    public static Axes One(int axis) => new(axis);

    /// <summary>A list of axes, reduced together.</summary>
    /// <param name="axes">The axes; negative values count from the end. At least one.</param>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public static Axes List(params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length == 0)
        {
            throw new ArgumentException("an axis list needs at least one axis", nameof(axes));
        }

        return new((int[])axes.Clone());
    }

    /// <summary>One axis.</summary>
    /// <param name="axis">The axis.</param>
    public static implicit operator Axes(int axis) => One(axis);

    /// <summary>A list of axes.</summary>
    /// <param name="axes">The axes.</param>
    public static implicit operator Axes(int[] axes) => List(axes);

    /// <summary>One axis (the method behind the implicit conversion).</summary>
    /// <param name="axis">The axis.</param>
    public static Axes FromInt32(int axis) => One(axis);

    /// <summary>The axes resolved against a rank, as non-negative indices in ascending order.</summary>
    /// <param name="rank">The rank of the tensor reduced.</param>
    /// <exception cref="KerasAxisException">An axis is outside <c>[-rank, rank)</c>, or two name the same dimension.</exception>
    internal int[] Resolve(int rank)
    {
        IReadOnlyList<int> values = Values;
        var resolved = new int[values.Count];
        for (int i = 0; i < resolved.Length; i++)
        {
            int axis = values[i];
            if (axis < -rank || axis >= rank)
            {
                throw new KerasAxisException(
                    $"Invalid reduction dimension ({axis} for input with {rank} dimension(s)): axis {this} does not fit a rank-{rank} tensor");
            }

            resolved[i] = axis < 0 ? axis + rank : axis;
        }

        Array.Sort(resolved);
        for (int i = 1; i < resolved.Length; i++)
        {
            if (resolved[i] == resolved[i - 1])
            {
                throw new KerasAxisException(
                    $"Invalid reduction arguments: Axes contains duplicate dimension: {resolved[i]} (axis {this}, rank {rank})");
            }
        }

        return resolved;
    }

    /// <summary>Keras's spelling: <c>-1</c> or <c>[0, 2]</c>.</summary>
    public override string ToString() =>
        _list is null ? (~_complement).ToString(System.Globalization.CultureInfo.InvariantCulture) : "[" + string.Join(", ", _list) + "]";

    /// <inheritdoc/>
    public bool Equals(Axes other) =>
        _list is null ? other._list is null && _complement == other._complement : other._list is not null && _list.AsSpan().SequenceEqual(other._list);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Axes other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        if (_list is null)
        {
            return _complement;
        }

        var hash = default(HashCode);
        foreach (int axis in _list)
        {
            hash.Add(axis);
        }

        return hash.ToHashCode();
    }

    /// <summary>Equality of the axes as given.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    public static bool operator ==(Axes left, Axes right) => left.Equals(right);

    /// <summary>Inequality of the axes as given.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    public static bool operator !=(Axes left, Axes right) => !left.Equals(right);
}

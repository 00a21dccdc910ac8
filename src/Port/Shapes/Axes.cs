using System;
using System.Collections.Generic;
using System.Linq;

namespace CosineParity;

/// <summary>
/// Keras's <c>axis</c> argument: one axis or a list of axes along which the cosine is taken, negative values counting
/// from the end (<c>-1</c>, the default, is the last axis). A list reduces over all its axes at once, in any order;
/// axes are checked against the rank of each tensor when the loss is called, as TF's <c>reduce_sum</c> checks them.
/// </summary>
public readonly struct Axes : IEquatable<Axes>
{
    private readonly int[]? _values;

    private Axes(int[] values, bool isList)
    {
        _values = values;
        IsList = isList;
    }

    /// <summary>The last axis, Keras's default (<c>axis=-1</c>).</summary>
    public static Axes Last => new([-1], false);

    /// <summary>Whether the axes were given as a list (Keras writes them back as a list in its config).</summary>
    public bool IsList { get; }

    /// <summary>The axes as given (a default <see cref="Axes"/> is <c>-1</c>).</summary>
    public IReadOnlyList<int> Values => _values ?? [-1];

    /// <summary>One axis.</summary>
    /// <param name="axis">The axis; negative counts from the end.</param>
    public static Axes One(int axis) => new([axis], false);

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

        return new((int[])axes.Clone(), true);
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

    /// <summary>
    /// The axes resolved against a rank, as non-negative indices in ascending order.
    /// </summary>
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
                    $"Invalid reduction dimension ({axis} for input with {rank} dimension(s)): axis {Describe()} does not fit a rank-{rank} tensor");
            }

            resolved[i] = axis < 0 ? axis + rank : axis;
        }

        Array.Sort(resolved);
        for (int i = 1; i < resolved.Length; i++)
        {
            if (resolved[i] == resolved[i - 1])
            {
                throw new KerasAxisException(
                    $"Invalid reduction arguments: Axes contains duplicate dimension: {resolved[i]} (axis {Describe()}, rank {rank})");
            }
        }

        return resolved;
    }

    /// <summary>Keras's spelling: <c>-1</c> or <c>[0, 2]</c>.</summary>
    public override string ToString() => Describe();

    private string Describe() => IsList ? "[" + string.Join(", ", Values) + "]" : Values[0].ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public bool Equals(Axes other) => IsList == other.IsList && Values.SequenceEqual(other.Values);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Axes other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(IsList);
        foreach (int axis in Values)
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

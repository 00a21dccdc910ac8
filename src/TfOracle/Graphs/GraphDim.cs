using System;

namespace CosineParity.Oracle.Graphs;

/// <summary>
/// One dim of a graph input's shape template: a dynamic dim named by a string (<c>"d0"</c>; the same name in two
/// inputs means the same size) or the static size <c>1</c>, which Keras saw at trace time and may have chosen a rank
/// rule by.
/// </summary>
public readonly record struct GraphDim
{
    private GraphDim(string? name) => Name = name;

    /// <summary>The static 1.</summary>
    public static GraphDim StaticOne => default;

    /// <summary>The dynamic dim's name, or null for the static 1.</summary>
    public string? Name { get; }

    /// <summary>Whether this is the static size 1.</summary>
    public bool IsStaticOne => Name is null;

    /// <summary>A dynamic dim.</summary>
    /// <param name="name">Its name, non-empty.</param>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static GraphDim Dynamic(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new GraphDim(name);
    }

    /// <summary>As the manifest spells it: the name, or <c>1</c>.</summary>
    public override string ToString() => Name ?? "1";
}

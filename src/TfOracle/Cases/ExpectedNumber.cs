using System;

namespace CosineParity.Oracle.Cases;

/// <summary>
/// A number TF answered (a loss value, a metric result, a step's result) with, where recorded, the exact answer of the
/// profile's formula and the error bound a correct floating-point evaluation stays within (element by element:
/// <c>|v - Exact| &lt;= Bound</c>, see the fixtures README).
/// </summary>
/// <param name="Value">Exactly what TF returned, in the dtype and shape TF returned it.</param>
/// <param name="Exact">The exact answer rounded once to float64: a <see cref="TensorDType.Float64"/> tensor of
/// <paramref name="Value"/>'s shape, or null when not recorded.</param>
/// <param name="Bound">The per-element bound, <see cref="TensorDType.Float64"/> of <paramref name="Value"/>'s shape,
/// <c>&gt;= 0</c> (<c>+inf</c> on a branch), or null when not recorded.</param>
public sealed record ExpectedNumber(TensorData Value, TensorData? Exact, TensorData? Bound)
{
    /// <summary>Exactly what TF returned.</summary>
    public TensorData Value { get; } = Value ?? throw new ArgumentNullException(nameof(Value));

    /// <summary>The exact answer (float64, <see cref="Value"/>'s shape), or null when not recorded.</summary>
    public TensorData? Exact { get; } = CheckReference(Exact, Value, nameof(Exact));

    /// <summary>The error bound (float64, <see cref="Value"/>'s shape), or null when not recorded.</summary>
    public TensorData? Bound { get; } = CheckReference(Bound, Value, nameof(Bound));

    /// <summary>Checks that a reference tensor (exact or bound) is float64 of the shape of what it belongs to.</summary>
    internal static TensorData? CheckReference(TensorData? reference, TensorData? of, string name)
    {
        if (reference is null || of is null)
        {
            return reference;
        }

        if (reference.DType != TensorDType.Float64)
        {
            throw new ArgumentException($"{name} is {reference.DType.CaseName()}, must be float64", name);
        }

        if (!System.Linq.Enumerable.SequenceEqual(reference.Shape, of.Shape))
        {
            throw new ArgumentException(
                $"{name} has shape {TensorData.FormatShape(reference.Shape)}, the value {TensorData.FormatShape(of.Shape)}", name);
        }

        return reference;
    }
}

using System;

namespace CosineParity.Oracle.Cases;

/// <summary>The exact derivative of the profile's formula by one input and its error bound, for comparing a gradient
/// (TF's recorded one in <see cref="ParityCase.Gradients"/>, or a port's) element by element.</summary>
/// <param name="Exact">The exact gradient rounded once to float64 (<see cref="TensorDType.Float64"/>).</param>
/// <param name="Bound">The per-element bound, float64 of <paramref name="Exact"/>'s shape, <c>&gt;= 0</c>.</param>
public sealed record ExpectedGradient(TensorData Exact, TensorData Bound)
{
    /// <summary>The exact gradient (float64).</summary>
    public TensorData Exact { get; } = CheckExact(Exact, nameof(Exact));

    /// <summary>The bound (float64, <see cref="Exact"/>'s shape).</summary>
    public TensorData Bound { get; } =
        ExpectedNumber.CheckReference(Bound ?? throw new ArgumentNullException(nameof(Bound)), Exact, nameof(Bound))!;

    private static TensorData CheckExact(TensorData exact, string paramName)
    {
        ArgumentNullException.ThrowIfNull(exact, paramName);
        return exact.DType == TensorDType.Float64
            ? exact
            : throw new ArgumentException($"{paramName} is {exact.DType.CaseName()}, must be float64", paramName);
    }
}

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// What <see cref="ExactReference"/> says of a question: the exact answer of the profile's formula rounded once to
/// float64 and its per-element bound (as <c>expected.exact</c>/<c>expected.bound</c> of a fixture), the same for each
/// gradient, and the dtype TF returns the value in; or that the profile's rules cannot apply (<see cref="Rejection"/>:
/// TF raises there, or the question is outside what the reference covers).
/// </summary>
public sealed class ReferenceAnswer
{
    private ReferenceAnswer(TensorData? exact, TensorData? bound, TensorDType? valueDType,
        IReadOnlyDictionary<string, ExpectedGradient> gradients, string? rejection)
    {
        Exact = exact;
        Bound = bound;
        ValueDType = valueDType;
        Gradients = gradients;
        Rejection = rejection;
    }

    /// <summary>The exact value rounded to float64, in the shape of the value; null when rejected.</summary>
    public TensorData? Exact { get; }

    /// <summary>The bound (float64, <see cref="Exact"/>'s shape, <c>&gt;= 0</c>, <c>+inf</c> on a branch); null when rejected.</summary>
    public TensorData? Bound { get; }

    /// <summary>The dtype TF returns the value in (the compute dtype); null when rejected.</summary>
    public TensorDType? ValueDType { get; }

    /// <summary><c>d(sum(value))/d(input)</c> for each floating-point tensor input among <c>y_true</c> and
    /// <c>y_pred</c> (none for numpy inputs, which TF does not differentiate): exact and bound, of the input's shape.</summary>
    public IReadOnlyDictionary<string, ExpectedGradient> Gradients { get; }

    /// <summary>Why the rules cannot apply, or null when answered.</summary>
    public string? Rejection { get; }

    /// <summary>Whether the rules could not apply.</summary>
    public bool IsRejected => Rejection is not null;

    /// <summary>An answer.</summary>
    /// <param name="exact">The exact value (float64).</param>
    /// <param name="bound">The bound (float64, same shape).</param>
    /// <param name="valueDType">The dtype of TF's value.</param>
    /// <param name="gradients">Exact gradient and bound by input name.</param>
    public static ReferenceAnswer Answered(TensorData exact, TensorData bound, TensorDType valueDType,
        IReadOnlyDictionary<string, ExpectedGradient> gradients)
    {
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(gradients);
        return new(exact, bound, valueDType, gradients, null);
    }

    /// <summary>A rejection.</summary>
    /// <param name="reason">Why the rules cannot apply.</param>
    public static ReferenceAnswer Rejected(string reason) =>
        new(null, null, null, ReadOnlyDictionary<string, ExpectedGradient>.Empty, reason ?? throw new ArgumentNullException(nameof(reason)));

    /// <summary>Judges an implementation's value by the fixture rule against this answer: TF's dtype and shape, then
    /// each element (<see cref="BoundRule.Element"/>).</summary>
    /// <param name="value">The implementation's value.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="InvalidOperationException">The answer is a rejection.</exception>
    public Verdict Judge(TensorData value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Exact is null || Bound is null)
        {
            throw new InvalidOperationException($"no value to judge against: {Rejection}");
        }

        return value.DType != ValueDType
            ? Verdict.Fail($"dtype {value.DType.CaseName()} where TF returns {ValueDType?.CaseName()}")
            : Against(value, Exact, Bound);
    }

    /// <summary>Judges an implementation's gradient by the fixture rule: the input's shape, then each element.</summary>
    /// <param name="input">The input's name (<c>y_true</c> or <c>y_pred</c>).</param>
    /// <param name="gradient">The implementation's gradient, in the input's dtype.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="KeyNotFoundException">No gradient of that input.</exception>
    public Verdict JudgeGradient(string input, TensorData gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ExpectedGradient expected = Gradients[input];
        return Against(gradient, expected.Exact, expected.Bound);
    }

    private static Verdict Against(TensorData value, TensorData exact, TensorData bound) =>
        value.Shape.SequenceEqual(exact.Shape)
            ? BoundRule.Judge(value, new ExpectedNumber(value, exact, bound))
            : Verdict.Fail($"shape {TensorData.FormatShape(value.Shape)} where TF returns {TensorData.FormatShape(exact.Shape)}");
}

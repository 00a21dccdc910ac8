using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace CosineParity.Oracle.Cases;

/// <summary>
/// One step of a metric case, run in order on one metric object: either <c>reset_state()</c> (<see cref="Reset"/>)
/// or <c>update_state(**Inputs)</c> then <c>result()</c>, whose answer is <see cref="Value"/> (absent when the case
/// expects an error: a failing update leaves no result).
/// </summary>
/// <param name="Reset">Whether the step is <c>reset_state()</c>; then it has no inputs and no value.</param>
/// <param name="Inputs">The <c>update_state</c> inputs by name (<c>y_true</c>, <c>y_pred</c>, <c>sample_weight</c>).</param>
/// <param name="Value">What <c>result()</c> returned after the update, with its exact value and bound, or null.</param>
public sealed record MetricStep(bool Reset, IReadOnlyDictionary<string, CaseInput> Inputs, ExpectedNumber? Value)
{
    /// <summary>Whether the step is <c>reset_state()</c>.</summary>
    public bool Reset { get; } = Reset;

    /// <summary>The <c>update_state</c> inputs by name; empty for a reset.</summary>
    public IReadOnlyDictionary<string, CaseInput> Inputs { get; } =
        Inputs is null ? throw new ArgumentNullException(nameof(Inputs))
        : Reset && Inputs.Count > 0 ? throw new ArgumentException("a reset step has no inputs", nameof(Inputs))
        : Inputs;

    /// <summary>What <c>result()</c> returned after the update, or null (a reset, or a case expecting an error).</summary>
    public ExpectedNumber? Value { get; } =
        Reset && Value is not null ? throw new ArgumentException("a reset step has no value", nameof(Value)) : Value;

    /// <summary>The step <c>reset_state()</c>.</summary>
    public static MetricStep ResetState { get; } = new(true, ReadOnlyDictionary<string, CaseInput>.Empty, null);

    /// <summary>The step <c>update_state(**inputs)</c> then <c>result()</c>.</summary>
    /// <param name="inputs">The inputs by name.</param>
    /// <param name="value">What <c>result()</c> returned, or null.</param>
    public static MetricStep Update(IReadOnlyDictionary<string, CaseInput> inputs, ExpectedNumber? value) => new(false, inputs, value);
}

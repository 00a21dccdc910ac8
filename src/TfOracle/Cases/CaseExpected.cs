using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Text.Json.Nodes;

namespace CosineParity.Oracle.Cases;

/// <summary>
/// What TF answered: exactly one of a number (<see cref="Value"/>), an error (<see cref="Error"/>) or a
/// <c>get_config()</c> object (<see cref="Config"/>); with a number, the exact gradients and their bounds for each
/// recorded gradient (<see cref="Gradients"/>).
/// </summary>
public sealed record CaseExpected
{
    /// <summary>An answer of exactly one kind.</summary>
    /// <param name="value">The number TF returned, or null.</param>
    /// <param name="error">The error TF raised, or null.</param>
    /// <param name="config">The object <c>get_config()</c> returned, or null; kept as given (treat it as read-only).</param>
    /// <param name="gradients">With a value: exact gradient and bound by input name; null or empty for none.</param>
    /// <exception cref="ArgumentException">Not exactly one of value, error and config is given, or gradients come
    /// without a value.</exception>
    public CaseExpected(ExpectedNumber? value, CaseError? error, JsonObject? config,
        IReadOnlyDictionary<string, ExpectedGradient>? gradients = null)
    {
        int kinds = (value is null ? 0 : 1) + (error is null ? 0 : 1) + (config is null ? 0 : 1);
        if (kinds != 1)
        {
            throw new ArgumentException($"an expected answer holds exactly one of value, error and config, not {kinds}");
        }

        if (value is null && gradients is { Count: > 0 })
        {
            throw new ArgumentException("expected gradients belong to an expected value", nameof(gradients));
        }

        Value = value;
        Error = error;
        Config = config;
        Gradients = gradients ?? ReadOnlyDictionary<string, ExpectedGradient>.Empty;
    }

    /// <summary>The number TF returned, when it returned one.</summary>
    public ExpectedNumber? Value { get; }

    /// <summary>The error TF raised, when it raised.</summary>
    public CaseError? Error { get; }

    /// <summary>The object <c>get_config()</c> returned (a <c>config</c> case), as parsed, key order kept. Treat it as
    /// read-only: it is shared by everyone holding this case.</summary>
    public JsonObject? Config { get; }

    /// <summary>With a value: for each recorded gradient (by input name, e.g. <c>y_pred</c>) its exact value and bound;
    /// empty when none were recorded.</summary>
    public IReadOnlyDictionary<string, ExpectedGradient> Gradients { get; }

    /// <summary>Which of the three answers this is.</summary>
    public ExpectedKind Kind => Value is not null ? ExpectedKind.Value : Error is not null ? ExpectedKind.Error : ExpectedKind.Config;

    /// <summary>A number TF returned.</summary>
    /// <param name="value">The number with its exact value and bound.</param>
    /// <param name="gradients">Exact gradient and bound by input name, or null for none.</param>
    public static CaseExpected FromValue(ExpectedNumber value, IReadOnlyDictionary<string, ExpectedGradient>? gradients = null) =>
        new(value ?? throw new ArgumentNullException(nameof(value)), null, null, gradients);

    /// <summary>An error TF raised.</summary>
    /// <param name="error">The error.</param>
    public static CaseExpected FromError(CaseError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)), null);

    /// <summary>A <c>get_config()</c> object.</summary>
    /// <param name="config">The object (treat it as read-only afterwards).</param>
    public static CaseExpected FromConfig(JsonObject config) => new(null, null, config ?? throw new ArgumentNullException(nameof(config)));
}

using System;
using System.Globalization;

namespace CosineParity.Oracle.Cases;

/// <summary>
/// An input passed to TF as a plain Python number (<c>{"scalar": x}</c>), not as a tensor. Whether the JSON literal was
/// an integer (<c>0</c>) or a float (<c>0.0</c>, <c>1e-3</c>) is kept: Python's <c>int</c> and <c>float</c> convert to
/// tensors differently.
/// </summary>
/// <param name="Value">The number; finite (JSON has no NaN or infinity). Integers beyond 2^53 keep only their nearest
/// double.</param>
/// <param name="IsInteger">Whether the literal had no fraction and no exponent (a Python <c>int</c>).</param>
public sealed record ScalarInput(double Value, bool IsInteger) : CaseInput
{
    /// <summary>The number (an integer's <c>-0</c> is <c>0</c>: Python's <c>int</c> has no negative zero).</summary>
    public double Value { get; } = Check(Value, IsInteger, nameof(Value));

    /// <summary>Whether the literal had no fraction and no exponent (a Python <c>int</c>).</summary>
    public bool IsInteger { get; } = IsInteger;

    /// <summary>The number as JSON spells it: an integer without a fraction, a float in round-trip form.</summary>
    public override string ToString() => IsInteger
        ? Value.ToString("F0", CultureInfo.InvariantCulture)
        : Value.ToString("R", CultureInfo.InvariantCulture);

    private static double Check(double value, bool isInteger, string paramName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, "a scalar input is a finite number");
        }

        if (isInteger && Math.Floor(value) != value)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "an integer scalar input has no fraction");
        }

        return isInteger && value == 0 ? 0.0 : value;
    }
}

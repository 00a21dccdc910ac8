using System;

namespace CosineParity.Oracle.Cases;

/// <summary>TF raised instead of answering.</summary>
/// <param name="Type">The Python exception class name (<c>InvalidArgumentError</c>, <c>ValueError</c>, ...): the part to match.</param>
/// <param name="Message">The first line of its message: informative, not contractual (it names TF's internal ops).</param>
public sealed record CaseError(string Type, string Message)
{
    /// <summary>The Python exception class name.</summary>
    public string Type { get; } = Type ?? throw new ArgumentNullException(nameof(Type));

    /// <summary>The first line of the message.</summary>
    public string Message { get; } = Message ?? throw new ArgumentNullException(nameof(Message));
}

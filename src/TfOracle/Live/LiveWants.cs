using System;

namespace CosineParity.Oracle.Live;

/// <summary>What a request asks for beyond TF's value (the request's <c>want</c> list).</summary>
[Flags]
public enum LiveWants
{
    /// <summary>TF's answer only (no <c>want</c>).</summary>
    None = 0,

    /// <summary><c>"gradients"</c>: TF's <c>d sum(value) / d input</c> for the float tensor inputs (loss and function).</summary>
    Gradients = 1,

    /// <summary><c>"exact"</c>: the profile's formula at high precision with its error bound, for every answered
    /// number (with <see cref="Gradients"/> also for each gradient).</summary>
    Exact = 2,
}

using System;

namespace CosineParity;

/// <summary>
/// The kernel's internal switch between its SIMD and scalar paths. Both are correct evaluations (they sum in other
/// orders, within the error bound); the scalar path stays so that tests can hold both to the whole parity suite.
/// Per thread, so that a test running one path does not change what tests beside it run.
/// </summary>
internal static class KernelSwitch
{
    [ThreadStatic]
    private static bool t_scalarOnly;

    /// <summary>Use SIMD registers where the inputs allow (the default, on every thread).</summary>
    public static bool Vectorize
    {
        get => !t_scalarOnly;
        set => t_scalarOnly = !value;
    }
}

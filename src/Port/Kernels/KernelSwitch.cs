using System;
using System.Runtime.Intrinsics;

namespace CosineParity;

/// <summary>
/// The kernel's internal switches: SIMD or scalar, the widest vector width it may use, and whether large inputs may
/// be split over two threads. Every setting is a correct evaluation (SIMD and scalar sum in other orders, within the
/// error bound; the split gives identical rows); the switches exist so that tests can hold each path to the parity
/// suite. Per thread, so that a test running one path does not change what tests beside it run.
/// </summary>
internal static class KernelSwitch
{
    [ThreadStatic]
    private static bool t_scalarOnly;

    [ThreadStatic]
    private static int t_vectorBitsCap;

    [ThreadStatic]
    private static bool t_oneThread;

    /// <summary>Use SIMD registers where the inputs allow (the default, on every thread).</summary>
    public static bool Vectorize
    {
        get => !t_scalarOnly;
        set => t_scalarOnly = !value;
    }

    /// <summary>The widest vectors the kernel may use: 512 (the default), 256 or 128.</summary>
    public static int MaxVectorBits
    {
        get => t_vectorBitsCap == 0 ? 512 : t_vectorBitsCap;
        set => t_vectorBitsCap = value is 512 or 256 or 128 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "512, 256 or 128");
    }

    /// <summary>Whether large inputs may be split over the caller and one worker thread (the default).</summary>
    public static bool SplitRows
    {
        get => !t_oneThread;
        set => t_oneThread = !value;
    }

    /// <summary>The width the kernel runs at: the widest the CPU accelerates within <see cref="MaxVectorBits"/>, or 0 for scalar.</summary>
    public static int VectorBits =>
        !Vectorize ? 0
        : MaxVectorBits >= 512 && Vector512.IsHardwareAccelerated ? 512
        : MaxVectorBits >= 256 && Vector256.IsHardwareAccelerated ? 256
        : Vector128.IsHardwareAccelerated ? 128
        : 0;
}

using System.Collections.Generic;
using System.Linq;
using CosineParity.Tests.Parity;

namespace CosineParity.Tests.Port;

/// <summary>The row lengths the gradient theories walk: every length 0..256, or, in a mutation run
/// (<see cref="FixtureCatalog.IsSampled"/>), the lengths that still reach every tail and unrolled step of the widest
/// vectors (0..48: a 512-bit vector holds 16 floats or 8 doubles) and both sides of 64, 128 and 256, so that one run
/// per mutant stays cheap. CI runs every length.</summary>
internal static class RowLengths
{
    private static readonly int[] s_sampleAbove48 = [63, 64, 65, 127, 128, 129, 255, 256];

    /// <summary>The lengths, in increasing order.</summary>
    public static IEnumerable<int> All =>
        FixtureCatalog.IsSampled ? Enumerable.Range(0, 49).Concat(s_sampleAbove48) : Enumerable.Range(0, 257);
}

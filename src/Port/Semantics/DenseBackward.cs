using System;

namespace CosineParity;

/// <summary>
/// <see cref="CosineBackward"/>'s ops for one dense row pair already in the compute dtype (float32 or float64), in
/// SIMD registers, for the rows <see cref="FusedBackward"/> must not take through its fused form: three passes, so
/// that the row stays in cache across them: <c>sum(t*t)</c>, <c>sum(p*p)</c>; then <c>dr_t</c>, <c>dr_p</c> (a full
/// reduction each, which every output element needs); then both gradients. The per-row scalars follow
/// <see cref="CosineBackward"/> exactly, in double.
/// </summary>
internal static class DenseBackward
{
    /// <summary>Whether rows of this length can take <see cref="Row{T}"/> (at least one <c>Vector&lt;T&gt;</c>).</summary>
    public static bool Fits<T>(int rowLength)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => GradientRows<T>.Fits(rowLength);

    /// <summary>Both gradients of one row pair, of a length that <see cref="Fits{T}"/>, for the cosine's upstream
    /// gradient <paramref name="dc"/>.</summary>
    public static void Row<T>(
        KerasProfile profile, Precision precision, ReadOnlySpan<T> tRow, ReadOnlySpan<T> pRow, double dc, Span<T> tGradient, Span<T> pGradient)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        (T tt, T pp) = GradientRows<T>.Squares(tRow, pRow);
        double st = precision.Round(double.CreateTruncating(tt)), sp = precision.Round(double.CreateTruncating(pp));
        double rt = profile.InverseNorm(st, precision), rp = profile.InverseNorm(sp, precision);
        T dcRow = Of<T>(dc), rtRow = Of<T>(rt), rpRow = Of<T>(rp);
        (T drT, T drP) = GradientRows<T>.Slopes(tRow, pRow, dcRow, rtRow, rpRow);
        T slopeT = Of<T>(CosineBackward.Slope(profile, precision, st, rt, double.CreateTruncating(drT)));
        T slopeP = Of<T>(CosineBackward.Slope(profile, precision, sp, rp, double.CreateTruncating(drP)));
        GradientRows<T>.Write(tRow, pRow, dcRow, rtRow, rpRow, slopeT, slopeP, tGradient, pGradient);
    }

    private static T Of<T>(double value)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => T.CreateTruncating(value);
}

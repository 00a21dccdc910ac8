using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CosineParity;

/// <summary>
/// <see cref="CosineBackward"/> for the common case, one row at a time so that a row pair stays in cache across its
/// three passes: <c>sum(t*t)</c>, <c>sum(p*p)</c>; then <c>dr_t</c>, <c>dr_p</c> (a full reduction each, which every
/// output element needs); then both gradients, written straight into the callers' buffers. It takes inputs of one
/// shape, dense and row-major, reduced over contiguous rows, both already in the compute dtype (float32 or float64),
/// both gradients asked; the per-row scalars follow <see cref="CosineBackward"/> exactly, in double.
/// </summary>
internal static class DenseBackward
{
    /// <summary>Writes both gradients and returns true when the call fits (see the class); else writes nothing.</summary>
    public static bool TryRun<TT, TP>(
        CosinePlan plan, KerasProfile profile, Precision precision, in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred,
        ReadOnlySpan<double> dc, Span<TT> trueGradient, Span<TP> predGradient)
    {
        if (!KernelSwitch.Vectorize || plan.Product is not null || !plan.True.IsContiguous || !plan.Pred.IsContiguous
            || typeof(TT) != typeof(TP) || KerasDTypes.Of<TT>() != precision.DType
            || !Views.IsDense(yTrue) || !Views.IsDense(yPred) || trueGradient.Length != yTrue.ElementCount
            || predGradient.Length != yPred.ElementCount || (long)plan.True.RowCount * plan.True.RowLength != yTrue.ElementCount)
        {
            return false;
        }

        if (typeof(TT) == typeof(float))
        {
            return Run<float>(plan, profile, precision, As<TT, float>(yTrue.Data), As<TP, float>(yPred.Data), dc, AsSpan<TT, float>(trueGradient), AsSpan<TP, float>(predGradient));
        }

        return typeof(TT) == typeof(double)
            && Run<double>(plan, profile, precision, As<TT, double>(yTrue.Data), As<TP, double>(yPred.Data), dc, AsSpan<TT, double>(trueGradient), AsSpan<TP, double>(predGradient));
    }

    private static bool Run<T>(
        CosinePlan plan, KerasProfile profile, Precision precision, ReadOnlySpan<T> t, ReadOnlySpan<T> p, ReadOnlySpan<double> dc,
        Span<T> tGradient, Span<T> pGradient)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int length = plan.True.RowLength;
        if (!GradientRows<T>.Fits(length))
        {
            return false;
        }

        for (int row = 0; row < plan.True.RowCount; row++)
        {
            int tBase = plan.True.RowOffsets[row], pBase = plan.Pred.RowOffsets[row];
            ReadOnlySpan<T> tRow = t.Slice(tBase, length), pRow = p.Slice(pBase, length);
            (T tt, T pp) = GradientRows<T>.Squares(tRow, pRow);
            double st = precision.Round(double.CreateTruncating(tt)), sp = precision.Round(double.CreateTruncating(pp));
            double rt = profile.InverseNorm(st, precision), rp = profile.InverseNorm(sp, precision);
            T dcRow = Of<T>(dc[row]), rtRow = Of<T>(rt), rpRow = Of<T>(rp);
            (T drT, T drP) = GradientRows<T>.Slopes(tRow, pRow, dcRow, rtRow, rpRow);
            T slopeT = Of<T>(CosineBackward.Slope(profile, precision, st, rt, double.CreateTruncating(drT)));
            T slopeP = Of<T>(CosineBackward.Slope(profile, precision, sp, rp, double.CreateTruncating(drP)));
            GradientRows<T>.Write(tRow, pRow, dcRow, rtRow, rpRow, slopeT, slopeP, tGradient.Slice(tBase, length), pGradient.Slice(pBase, length));
        }

        return true;
    }

    private static T Of<T>(double value)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => T.CreateTruncating(value);

    /// <summary>A span of <typeparamref name="TIn"/> that is <typeparamref name="T"/> (checked by the caller) as one.</summary>
    private static ReadOnlySpan<T> As<TIn, T>(ReadOnlySpan<TIn> span) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TIn, T>(ref MemoryMarshal.GetReference(span)), span.Length);

    private static Span<T> AsSpan<TIn, T>(Span<TIn> span) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<TIn, T>(ref MemoryMarshal.GetReference(span)), span.Length);
}

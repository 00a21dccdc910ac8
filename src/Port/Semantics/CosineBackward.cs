using System;
using System.Buffers;

namespace CosineParity;

/// <summary>
/// The gradient of <c>sum(dc * c)</c> by <c>y_true</c> and <c>y_pred</c> for the per-sample cosines
/// <c>c = sum_axis(x * y)</c>, <c>x = t * r_t</c>, <c>y = p * r_p</c>, as TF's gradient graph computes it, every op
/// rounded to the compute dtype: <c>xbar = unbroadcast(dc * y)</c>; <c>dr = sum_axis(xbar * t)</c>; through the clamp
/// a select (<see cref="KerasProfile.ClampPassesGradient"/>: exactly 0 where the clamp holds, whatever <c>dr</c> is),
/// then <c>RsqrtGrad</c>: <c>ds = -0.5 * (dr * r) * (r * r)</c>, 0 when <c>dr</c> is 0; finally
/// <c>tbar = xbar * r + ds * (2 * t)</c>. <see cref="FusedBackward"/> (with <see cref="DenseBackward"/> for the rows
/// outside its fused form) covers the common cases in SIMD registers; this path stays the reference for every other
/// case (and under <see cref="KernelSwitch"/>).
/// </summary>
internal static class CosineBackward
{
    /// <summary>Writes the gradients by element offset into each input's data (a tensor of offsets; <c>0</c> elsewhere).</summary>
    public static void Run<TT, TP>(
        CosinePlan plan, KerasProfile profile, Precision precision, ReadOnlySpan<TT> yTrue, ReadOnlySpan<TP> yPred,
        ReadOnlySpan<double> dc, Span<double> trueGradient, Span<double> predGradient)
    {
        var reader = new ElementReader(InputReader.For<TT>(precision), InputReader.For<TP>(precision));
        int trueRows = plan.True.RowCount, predRows = plan.Pred.RowCount;
        double[] buffer = ArrayPool<double>.Shared.Rent(2 * (trueRows + predRows));
        try
        {
            Span<double> st = buffer.AsSpan(0, trueRows), rt = buffer.AsSpan(trueRows, trueRows);
            Span<double> sp = buffer.AsSpan(2 * trueRows, predRows), rp = buffer.AsSpan(2 * trueRows + predRows, predRows);
            CosineEvaluator.Norms(yTrue, plan.True, reader.True, profile, st, rt);
            CosineEvaluator.Norms(yPred, plan.Pred, reader.Pred, profile, sp, rp);

            // xbar and ybar, accumulated over the broadcast product (TF's unbroadcast sum), then rounded.
            trueGradient.Clear();
            predGradient.Clear();
            ProductLayouts walk = plan.Walk;
            int length = walk.TrueElements.RowLength;
            for (int row = 0; row < walk.TrueElements.RowCount; row++)
            {
                for (int k = 0; k < length; k++)
                {
                    int tOffset = walk.TrueElements.RowOffsets[row] + walk.TrueElements.ElementOffsets[k];
                    int pOffset = walk.PredElements.RowOffsets[row] + walk.PredElements.ElementOffsets[k];
                    double x = precision.Multiply(reader.True.Read(yTrue[tOffset]), rt[walk.TrueRows.RowOffsets[row] + walk.TrueRows.ElementOffsets[k]]);
                    double y = precision.Multiply(reader.Pred.Read(yPred[pOffset]), rp[walk.PredRows.RowOffsets[row] + walk.PredRows.ElementOffsets[k]]);
                    trueGradient[tOffset] += precision.Multiply(dc[row], y);
                    predGradient[pOffset] += precision.Multiply(dc[row], x);
                }
            }

            ThroughNorm(yTrue, plan.True, reader.True, profile, st, rt, trueGradient);
            ThroughNorm(yPred, plan.Pred, reader.Pred, profile, sp, rp, predGradient);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary><c>d sum / d s</c> of one row from its rounded sum of squares <paramref name="square"/>, inverse norm
    /// and unrounded <c>dr</c>: exactly 0 where the clamp holds (whatever <c>dr</c> is) and where <c>dr</c> is 0, else
    /// <c>RsqrtGrad</c>.</summary>
    internal static double Slope(KerasProfile profile, Precision precision, double square, double r, double dr)
    {
        dr = precision.Round(dr);
        return !profile.ClampPassesGradient(square, r, precision) || dr == 0
            ? 0
            : precision.Multiply(-0.5, precision.Multiply(precision.Multiply(dr, r), precision.Multiply(r, r)));
    }

    /// <summary>From <c>xbar</c> (in <paramref name="gradient"/>, by offset) to the input's gradient, in place.</summary>
    private static void ThroughNorm<TX>(
        ReadOnlySpan<TX> x, RowLayout layout, in InputReader reader, KerasProfile profile,
        ReadOnlySpan<double> squares, ReadOnlySpan<double> inverseNorms, Span<double> gradient)
    {
        Precision precision = reader.Precision;
        for (int row = 0; row < layout.RowCount; row++)
        {
            int rowBase = layout.RowOffsets[row];
            double r = inverseNorms[row];
            double dr = 0;
            if (profile.ClampPassesGradient(squares[row], r, precision))   // else unused: skip the pass
            {
                foreach (int offset in layout.ElementOffsets)
                {
                    dr += precision.Multiply(precision.Round(gradient[rowBase + offset]), reader.Read(x[rowBase + offset]));
                }
            }

            double slope = Slope(profile, precision, squares[row], r, dr);

            foreach (int offset in layout.ElementOffsets)
            {
                double xbar = precision.Round(gradient[rowBase + offset]);
                double twice = precision.Multiply(reader.Read(x[rowBase + offset]), 2);
                gradient[rowBase + offset] = precision.Round(precision.Multiply(xbar, r) + precision.Multiply(slope, twice));
            }
        }
    }
}

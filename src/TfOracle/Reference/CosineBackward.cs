using System.Collections.Generic;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// The exact gradient of the cosine and its bound (the recorder's <c>gradient.py</c>): given <c>dc</c>, the
/// derivative of the target by each per-sample cosine, the backward pass TF's gradient graph runs, in the rules'
/// arithmetic:
/// <code>
/// xbar = sum over broadcast dims of dc * y
/// tbar = xbar * r + t * ((r'(s) * sum_axis(xbar * t)) * 2)
/// r'(s) = -r^3 / 2 where s &gt;= floor (the clamp lets s through), 0 where s &lt; floor (the clamp holds)
/// </code>
/// Where the computed <c>s</c> may fall on either side of the floor (<c>|v(s) - f| &lt;= e(s)</c>) and downstream of a
/// non-finite <c>1/norm</c>, an element is a branch (unbounded). Unlike the recorder, where the clamp holds the
/// branch through <c>s</c> contributes exactly 0 even when <c>sum_axis(xbar * t)</c> is NaN or infinite: TF's
/// Maximum/Minimum gradient is a select, and its RsqrtGrad returns 0 for a zero incoming gradient (Keras 3, a
/// <c>y_true</c> row holding inf against an all-zero <c>y_pred</c> row: TF's <c>y_pred</c> gradient is 0 at the
/// finite entries, where <c>0 * NaN</c> would say NaN).
/// </summary>
internal static class CosineBackward
{
    private static readonly Bounded Two = Bounded.Exact(2);
    private static readonly Bounded MinusHalf = Bounded.Exact(-0.5);

    /// <summary>(tbar, pbar) for <c>c = sum_axis(x * y)</c> and <c>dc</c> (of the losses' shape).</summary>
    public static (NdArray<Bounded> True, NdArray<Bounded> Pred) Gradients(
        Normalized t, Normalized p, IReadOnlyList<int> axis, NormClamp clamp, NdArray<Bounded> dc)
    {
        int[] shape = Shapes.Broadcast(t.Operand.Shape, p.Operand.Shape);
        int[] axes = Shapes.AxisTuple(axis, shape.Length);
        NdArray<Bounded> spread = dc.ExpandDims(axes).BroadcastTo(shape);
        NdArray<Bounded> xbar = Unbroadcast(NdArrays.Multiply(spread, p.Unit.BroadcastTo(shape)), t.Unit.Shape);
        NdArray<Bounded> ybar = Unbroadcast(NdArrays.Multiply(spread, t.Unit.BroadcastTo(shape)), p.Unit.Shape);
        return (NormBackward(t, xbar, clamp), NormBackward(p, ybar, clamp));
    }

    /// <summary>The gradient reaching <c>a</c> through <c>x = a * r(s)</c>, <c>s = sum_axis(a*a)</c>, given <c>xbar</c>.</summary>
    private static NdArray<Bounded> NormBackward(Normalized n, NdArray<Bounded> xbar, NormClamp clamp)
    {
        NdArray<Bounded> inner = SumRule.Total(NdArrays.Multiply(xbar, n.Operand), n.Axes, keepDims: true);
        NdArray<Slope> slope = NdArrays.Zip(n.Squares, n.InverseNorm, (s, r) => Derivative(s, r, clamp));
        NdArray<Bounded> throughS = NdArrays.Zip(slope, inner, static (d, sum) => d.Times(sum));
        return NdArrays.Add(NdArrays.Multiply(xbar, n.InverseNorm), NdArrays.Multiply(n.Operand, throughS.Map(static b => b * Two)));
    }

    /// <summary>Sums <paramref name="g"/> over the dims broadcasting added or stretched, back to <paramref name="shape"/>.</summary>
    private static NdArray<Bounded> Unbroadcast(NdArray<Bounded> g, int[] shape)
    {
        int lead = g.Rank - shape.Length;
        var axes = new List<int>();
        for (int i = 0; i < lead; i++)
        {
            axes.Add(i);
        }

        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1 && g.Shape[lead + i] != 1)
            {
                axes.Add(lead + i);
            }
        }

        return SumRule.Total(g, [.. axes], keepDims: false).Reshape(shape);
    }

    /// <summary>dr/ds with its bound.</summary>
    private static Slope Derivative(Bounded s, Bounded r, NormClamp clamp)
    {
        XFloat floor = clamp.Floor;
        if (!s.V.IsFinite || !r.V.IsFinite)
        {
            return new(new(XFloat.NaN, XFloat.PositiveInfinity, s.Format), Held: false);
        }

        if (s.V < floor)
        {
            bool either = floor - s.V <= s.E;   // the computed s may lie above the floor
            return new(new(XFloat.Zero, either ? XFloat.PositiveInfinity : XFloat.Zero, s.Format), Held: true);
        }

        Bounded slope = r * r * r * MinusHalf;
        return floor > XFloat.Zero && s.V - floor <= s.E
            ? new(new(slope.V, XFloat.PositiveInfinity, slope.Format), Held: false)
            : new(slope, Held: false);
    }

    /// <summary>r'(s), and whether it is the clamp's select (0 whatever it multiplies).</summary>
    private readonly record struct Slope(Bounded Value, bool Held)
    {
        /// <summary><c>r'(s) * sum</c>: a held slope is TF's select, exactly 0 (unbounded where the computed s may
        /// pass the floor), whatever the sum, NaN and infinity included.</summary>
        public Bounded Times(Bounded sum) => Held ? Value : Value * sum;
    }
}

namespace CosineParity.Oracle.Reference;

/// <summary>One operand through the normalisation: <c>a</c>, <c>s = sum_axis(a*a)</c> and <c>r = 1/norm(s)</c> (both
/// with the reduced axes kept), and <c>x = a * r</c>.</summary>
internal sealed class Normalized
{
    private Normalized(NdArray<Bounded> operand, NdArray<Bounded> squares, NdArray<Bounded> inverseNorm, NdArray<Bounded> unit, int[] axes)
    {
        Operand = operand;
        Squares = squares;
        InverseNorm = inverseNorm;
        Unit = unit;
        Axes = axes;
    }

    public NdArray<Bounded> Operand { get; }

    public NdArray<Bounded> Squares { get; }

    public NdArray<Bounded> InverseNorm { get; }

    /// <summary><c>x = a * r</c>.</summary>
    public NdArray<Bounded> Unit { get; }

    /// <summary>The reduced axes, against the operand's rank.</summary>
    public int[] Axes { get; }

    public static Normalized Of(NdArray<Bounded> a, System.Collections.Generic.IReadOnlyList<int> axis, NormClamp clamp)
    {
        int[] axes = Shapes.AxisTuple(axis, a.Rank);
        NdArray<Bounded> s = SumRule.Total(NdArrays.Multiply(a, a), axes, keepDims: true);
        NdArray<Bounded> r = s.Map(clamp.InverseNorm);
        return new(a, s, r, NdArrays.Multiply(a, r), axes);
    }
}

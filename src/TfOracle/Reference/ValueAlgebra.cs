namespace CosineParity.Oracle.Reference;

/// <summary>The reductions on loss values: the rules' product, sum and <c>divide_no_nan</c>.</summary>
internal sealed class ValueAlgebra : ILossAlgebra<Bounded>
{
    public static ValueAlgebra Instance { get; } = new();

    public Bounded Multiply(Bounded loss, Bounded weight) => loss * weight;

    public Bounded Total(NdArray<Bounded> losses) => SumRule.All(losses);

    public Bounded DivideNoNan(Bounded sum, Bounded divisor) => DivideNoNanOf(sum, divisor);

    /// <summary><c>0</c> with <c>e = 0</c> if <c>v(d) = 0</c> and <c>e(d) = 0</c>; unbounded if <c>v(d) = 0</c> and
    /// <c>e(d) &gt; 0</c>; else <c>s / d</c>.</summary>
    public static Bounded DivideNoNanOf(Bounded sum, Bounded divisor)
    {
        if (divisor.V.IsZero)
        {
            return divisor.E.IsZero ? Bounded.Exact(0) : new(XFloat.Zero, XFloat.PositiveInfinity, divisor.Format);
        }

        return sum / divisor;
    }
}

namespace CosineParity.Oracle.Reference;

/// <summary>What the weighting and the reductions do with per-sample losses: run once on the losses' values (the
/// forward answer) and once on unit linear forms (the derivative by each loss, for the gradients).</summary>
/// <typeparam name="T">The loss element: a <see cref="Bounded"/> value or a <see cref="LinearForm"/>.</typeparam>
internal interface ILossAlgebra<T>
{
    /// <summary><c>loss * w</c>.</summary>
    T Multiply(T loss, Bounded weight);

    /// <summary>The sum of every element.</summary>
    T Total(NdArray<T> losses);

    /// <summary><c>divide_no_nan(s, d)</c>: 0 where <c>d</c> is exactly 0 (unbounded if it may compute as non-zero).</summary>
    T DivideNoNan(T sum, Bounded divisor);
}

namespace CosineParity.Oracle.Reference;

/// <summary>The reductions on linear forms of the losses: products and quotients act on each coefficient by the
/// rules; a sum merges the forms (no rounding between different losses: each coefficient is its own number).</summary>
/// <param name="lossCount">The number of per-sample losses.</param>
internal sealed class FormAlgebra(int lossCount) : ILossAlgebra<LinearForm>
{
    public LinearForm Multiply(LinearForm loss, Bounded weight) => loss.Times(weight);

    public LinearForm Total(NdArray<LinearForm> losses) => LinearForm.Merge(losses.Items, lossCount);

    /// <summary>A divisor that is exactly 0 makes the value a constant, whose derivative is 0.</summary>
    public LinearForm DivideNoNan(LinearForm sum, Bounded divisor) =>
        divisor.V.IsZero ? LinearForm.Empty : sum.DividedBy(divisor);
}

namespace CosineParity.Oracle.Cases;

/// <summary>
/// One input of a case (<c>y_true</c>, <c>y_pred</c>, <c>sample_weight</c>, <c>mask</c>, <c>per_example_loss</c>):
/// a <see cref="TensorInput"/> (a tensor handed to TF) or a <see cref="ScalarInput"/> (a Python number passed as is,
/// <c>{"scalar": x}</c>), which the libraries convert differently.
/// </summary>
public abstract record CaseInput
{
    // Only the two kinds of the format exist; a consumer's switch over them is complete.
    private protected CaseInput()
    {
    }
}

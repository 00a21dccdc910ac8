using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Replay;

/// <summary>A case's <c>sample_weight</c> as the port takes it: a Python number as the number (int or float, as
/// written), a tensor cast to the element type asked for (correctly rounded, as TF casts it), or none.</summary>
internal static class CaseWeights
{
    public static SampleWeight<T> Of<T>(CaseInput? input)
        where T : unmanaged => input switch
        {
            ScalarInput { IsInteger: true } number => SampleWeight<T>.Scalar((long)number.Value),
            ScalarInput number => SampleWeight<T>.Scalar(number.Value),
            TensorInput weight => SampleWeight<T>.Tensor(PortRunner.Input<T>(weight.Tensor)),
            _ => SampleWeight<T>.None,
        };
}

using CosineParity.Oracle.Fuzzing;
using CosineParity.Oracle.Live;
using CosineParity.Oracle.Reference;
using CosineParity.Oracle.Replay;
using Xunit;

namespace CosineParity.Tests.Fuzzing;

/// <summary>Cases the fuzzer found, kept as regression tests (each from its printed repro line).</summary>
public sealed class FoundByFuzzingTests
{
    // fuzz --seed 338157064 --cases 5927: the Keras 2 function does not squeeze y_true, so against y_true's rank 3 the
    // axes [1, -2] both name axis 1. TF's ReductionHelper raises InvalidArgumentError ("Axes contains duplicate
    // dimension: 1"); the port threw it, the reference gave a value. The reference now refuses it too.
    private const string DuplicateAxes =
        """{"id":"keras2/fuzz-338157064-5926-shrunk","profile":"keras2","api":"function","args":{"axis":[1,-2]},"inputs":{"y_true":{"dtype":"float32","shape":[1,2,1],"data":"bC1FPeNigjI="},"y_pred":{"dtype":"float32","shape":[1,2],"data":"s0Y+BeXiMZA="}},"want":["gradients","exact"],"group":"fuzz","dtype":"float32","tags":["class:Wide","y-true-trailing-1"]}""";

    [Fact]
    public void Axes_naming_one_dimension_twice_are_refused_by_port_and_reference()
    {
        Assert.True(LiveCodec.TryDecodeRequest(System.Text.Encoding.UTF8.GetBytes(DuplicateAxes), out LiveRequest? request, out string? problem), problem);
        Assert.NotNull(request);
        Assert.True(ExactReference.Evaluate(request.Case!).IsRejected);
        PortAnswer answer = PortRunner.Run(request.Case!);
        var error = Assert.IsType<KerasAxisException>(answer.Error);
        Assert.Equal(TensorFlowErrorType.InvalidArgumentError, error.TensorFlowError);
    }

    // The 1,000,000-case campaign, seed 2026120202, case 48213 (here its row alone): a Keras 3 float32 loss whose raw
    // dot product t*p = 1.2e-40 is subnormal in float32 while the normalised products Keras forms, (t*r_t)*(p*r_p), are
    // normal. The fused kernel's round(dot * r_t * r_p) carried the subnormal's absolute error (up to u*tiny) times
    // r_t*r_p = 2429: 3.4 bounds. A dot product below 8*n*tiny now takes Keras's element-by-element order.
    private const string SubnormalDotProduct =
        """{"id":"keras3/fuzz-2026120202-48213-minimal","profile":"keras3","api":"loss","args":{"reduction":"none"},"inputs":{"y_true":{"dtype":"float16","shape":[2],"data":"7xoAgA=="},"y_pred":{"dtype":"float64","shape":[2],"data":"sMzisKX+JzjgG8pJDyK/Pw=="}},"want":["gradients","exact"],"group":"fuzz","dtype":"float64"}""";

    [Fact]
    public void A_subnormal_raw_dot_product_is_not_scaled_up_by_the_fused_kernel()
    {
        Assert.True(LiveCodec.TryDecodeRequest(System.Text.Encoding.UTF8.GetBytes(SubnormalDotProduct), out LiveRequest? request, out string? problem), problem);
        Assert.NotNull(request);
        FuzzOutcome outcome = new FuzzJudge().Judge(request.Case!);
        Assert.True(outcome.Judged);
        Assert.Null(outcome.PortFailure);
    }
}

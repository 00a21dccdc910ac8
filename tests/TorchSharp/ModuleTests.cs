using System;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CosineParity.TorchSharp.Tests;

/// <summary>The module's contract beyond the fixtures: element layouts, upstream gradients, views, mixed dtypes and
/// the arguments it refuses.</summary>
public sealed class ModuleTests
{
    // TorchSharp's float16 is IEEE binary16 and its bfloat16 the upper half of a binary32: torch's own widening of every
    // finite bit pattern to float32 agrees with System.Half's and the port's BFloat16's.
    [Fact]
    public void Torch_16_bit_elements_have_the_bits_of_Half_and_the_ports_BFloat16()
    {
        ushort[] bits = Enumerable.Range(0, 1 << 16).Select(b => (ushort)b).ToArray();
        using Tensor halves = FromBits(bits, ScalarType.Float16).to(ScalarType.Float32);
        using Tensor brains = FromBits(bits, ScalarType.BFloat16).to(ScalarType.Float32);
        float[] fromHalf = halves.data<float>().ToArray(), fromBrain = brains.data<float>().ToArray();
        for (int i = 0; i < bits.Length; i++)
        {
            Half half = BitConverter.UInt16BitsToHalf(bits[i]);
            BFloat16 brain = BFloat16.FromRawBits(bits[i]);
            if (Half.IsFinite(half))
            {
                Assert.Equal((float)half, fromHalf[i]);
            }

            if (BFloat16.IsFinite(brain))
            {
                Assert.Equal((float)brain, fromBrain[i]);
            }
        }
    }

    private static Tensor FromBits(ushort[] bits, ScalarType dtype)
    {
        Tensor tensor = torch.empty(bits.Length, dtype);
        MemoryMarshal.AsBytes(bits.AsSpan()).CopyTo(tensor.bytes);
        return tensor;
    }

    // A gradient arriving at the value other than ones (here a weighted sum of Keras 3's unreduced losses) reaches the
    // port's backward as its upstream: autograd's answer is the port's ComputeWithGradients with that upstream.
    [Fact]
    public void Autograd_hands_the_arriving_gradient_to_the_ports_backward()
    {
        float[] t = [0.3f, -1.2f, 2f, 0.5f, 0.25f, -0.75f, 1f, 1f, -2f], p = [1f, 0.5f, -0.5f, 0.1f, 0.2f, 0.3f, -1f, 2f, 0.5f];
        float[] upstream = [0.5f, -3f, 1.25f];
        nint[] shape = [3, 3];
        var portLoss = new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.None);
        float[] value = new float[3], portTrue = new float[9], portPred = new float[9];
        portLoss.ComputeWithGradients<float, float, float>(new(t, shape), new(p, shape), default, default, value, portTrue, portPred, upstream);

        using DisposeScope scope = torch.NewDisposeScope();
        using var module = new KerasCosineSimilarityLoss(portLoss);
        Tensor yTrue = torch.tensor(t, [3, 3]).requires_grad_(true), yPred = torch.tensor(p, [3, 3]).requires_grad_(true);
        (module.forward(yTrue, yPred) * torch.tensor(upstream)).sum().backward();

        Assert.Equal(portTrue, yTrue.grad!.data<float>().ToArray());
        Assert.Equal(portPred, yPred.grad!.data<float>().ToArray());
    }

    // A transposed view (not contiguous) and a slice (an offset into its storage) are read as the tensors they show.
    [Fact]
    public void Views_are_read_as_the_tensors_they_show()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        using var module = new KerasCosineSimilarityLoss(KerasProfile.Keras2, reduction: LossReduction.None);
        Tensor storage = torch.arange(1, 25, dtype: ScalarType.Float64).reshape(4, 6);
        Tensor transposed = storage.t(), slice = storage[TensorIndex.Slice(1, 3)];
        Assert.False(transposed.is_contiguous());

        Assert.Equal(module.forward(transposed.contiguous(), transposed.flip(0).contiguous()).data<double>().ToArray(),
            module.forward(transposed, transposed.flip(0)).data<double>().ToArray());
        Assert.Equal(module.forward(slice.clone(), slice.clone() * -1).data<double>().ToArray(),
            module.forward(slice, slice * -1).data<double>().ToArray());
    }

    // Keras 3 casts both inputs to the loss's dtype: float16 targets, bfloat16 predictions and dtype float64 give a
    // float64 loss, and each gradient comes back in its input's dtype.
    [Fact]
    public void Keras3_mixes_dtypes_and_returns_gradients_in_each_inputs_dtype()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        using var module = new KerasCosineSimilarityLoss(KerasProfile.Keras3, dtype: KerasDType.Float64);
        Tensor yTrue = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2]).to(ScalarType.Float16).requires_grad_(true);
        Tensor yPred = torch.tensor(new float[] { 4, 3, 2, 1 }, [2, 2]).to(ScalarType.BFloat16).requires_grad_(true);

        Tensor value = module.forward(yTrue, yPred);
        value.backward();

        Assert.Equal(ScalarType.Float64, value.dtype);
        Assert.Empty(value.shape);
        Assert.Equal(ScalarType.Float16, yTrue.grad!.dtype);
        Assert.Equal(ScalarType.BFloat16, yPred.grad!.dtype);
    }

    [Fact]
    public void Keras2_refuses_two_dtypes_as_TensorFlow_does()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        using var module = new KerasCosineSimilarityLoss(KerasProfile.Keras2);
        Assert.Throws<KerasDTypeException>(() => module.forward(torch.ones(2, 3), torch.ones(2, 3, dtype: ScalarType.Float64)));
    }

    [Fact]
    public void A_tensor_off_the_CPU_is_refused_by_name()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        using var module = new KerasCosineSimilarityLoss();
        ArgumentException error = Assert.Throws<ArgumentException>(() => module.forward(torch.ones(2, 3), torch.ones(2, 3, device: torch.META)));
        Assert.Equal("yPred", error.ParamName);
        Assert.Contains("meta", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_dtypes_are_refused_by_name()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        using var module = new KerasCosineSimilarityLoss();
        Tensor ones = torch.ones(2, 3);
        Assert.Equal("yTrue", Assert.Throws<ArgumentException>(() => module.forward(torch.ones(2, 3, dtype: ScalarType.Int32), ones)).ParamName);
        Assert.Equal("sampleWeight", Assert.Throws<ArgumentException>(() => module.forward(ones, ones, torch.ones(2, dtype: ScalarType.Int64))).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => module.forward(ones, ones, null, torch.ones(2))).ParamName);
    }
}

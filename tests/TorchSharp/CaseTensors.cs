using System;
using CosineParity.Oracle.Cases;
using TorchSharp;
using static TorchSharp.torch;

namespace CosineParity.TorchSharp.Tests;

/// <summary>Fixture tensors to TorchSharp tensors and back, bit for bit (both store elements little-endian, row-major).</summary>
internal static class CaseTensors
{
    public static Tensor ToTorch(TensorData data)
    {
        Tensor tensor = torch.empty(Array.ConvertAll([.. data.Shape], d => (long)d), TorchType(data.DType));
        data.Bytes.Span.CopyTo(tensor.bytes);
        return tensor;
    }

    public static TensorData FromTorch(Tensor tensor)
    {
        using Tensor contiguous = tensor.contiguous();
        return TensorData.FromBytes(CaseType(tensor.dtype), Array.ConvertAll(tensor.shape, d => (int)d), contiguous.bytes.ToArray());
    }

    public static bool IsFloating(TensorDType dtype) =>
        dtype is TensorDType.Float16 or TensorDType.BFloat16 or TensorDType.Float32 or TensorDType.Float64;

    private static ScalarType TorchType(TensorDType dtype) => dtype switch
    {
        TensorDType.Float16 => ScalarType.Float16,
        TensorDType.BFloat16 => ScalarType.BFloat16,
        TensorDType.Float32 => ScalarType.Float32,
        TensorDType.Float64 => ScalarType.Float64,
        TensorDType.Int64 => ScalarType.Int64,
        TensorDType.Bool => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no TorchSharp dtype"),
    };

    private static TensorDType CaseType(ScalarType dtype) => dtype switch
    {
        ScalarType.Float16 => TensorDType.Float16,
        ScalarType.BFloat16 => TensorDType.BFloat16,
        ScalarType.Float32 => TensorDType.Float32,
        ScalarType.Float64 => TensorDType.Float64,
        ScalarType.Int64 => TensorDType.Int64,
        ScalarType.Bool => TensorDType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no fixture dtype"),
    };
}

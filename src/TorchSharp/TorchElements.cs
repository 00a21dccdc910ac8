using System;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace CosineParity.TorchSharp;

/// <summary>A generic computation over one element type, chosen at run time from a tensor's dtype.</summary>
/// <typeparam name="TResult">What the computation returns.</typeparam>
internal interface IElementTypeVisitor<out TResult>
{
    TResult Visit<T>()
        where T : unmanaged;
}

/// <summary>
/// Between TorchSharp tensors and the port's element types: <see cref="ScalarType.Float16"/> is IEEE binary16 as
/// <see cref="Half"/>, <see cref="ScalarType.BFloat16"/> the upper 16 bits of a binary32 as the port's
/// <see cref="BFloat16"/> (TorchSharp's own <c>BFloat16</c> holds the same 16 bits), <see cref="ScalarType.Float32"/>
/// and <see cref="ScalarType.Float64"/> as <see cref="float"/> and <see cref="double"/>. Elements are read and written
/// in place through <see cref="Tensor.bytes"/>, which views a CPU tensor's storage.
/// </summary>
internal static class TorchElements
{
    public static TResult Dispatch<TResult>(ScalarType dtype, IElementTypeVisitor<TResult> visitor) => dtype switch
    {
        ScalarType.Float16 => visitor.Visit<Half>(),
        ScalarType.BFloat16 => visitor.Visit<BFloat16>(),
        ScalarType.Float32 => visitor.Visit<float>(),
        ScalarType.Float64 => visitor.Visit<double>(),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a Keras floating-point dtype"),
    };

    public static ScalarType Of(KerasDType dtype) => dtype switch
    {
        KerasDType.Float16 => ScalarType.Float16,
        KerasDType.BFloat16 => ScalarType.BFloat16,
        KerasDType.Float32 => ScalarType.Float32,
        KerasDType.Float64 => ScalarType.Float64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a Keras floating-point dtype"),
    };

    public static KerasDType KerasDTypeOf(ScalarType dtype) => dtype switch
    {
        ScalarType.Float16 => KerasDType.Float16,
        ScalarType.BFloat16 => KerasDType.BFloat16,
        ScalarType.Float32 => KerasDType.Float32,
        ScalarType.Float64 => KerasDType.Float64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a Keras floating-point dtype"),
    };

    /// <summary>Throws the <see cref="ArgumentException"/> that names what is wrong unless the tensor is a CPU tensor of
    /// one of Keras's four floating-point dtypes (or, for a mask, bool).</summary>
    public static void Require(Tensor tensor, string name, bool isMask = false)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (tensor.device_type != DeviceType.CPU)
        {
            throw new ArgumentException(
                $"{name} is on device {tensor.device}; the Keras cosine similarity loss reads CPU tensors only (move it with .cpu())", name);
        }

        bool supported = isMask
            ? tensor.dtype == ScalarType.Bool
            : tensor.dtype is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
        if (!supported)
        {
            string expected = isMask ? "Bool (true where a loss counts)" : "Float16, BFloat16, Float32 or Float64 (Keras's floating-point dtypes)";
            throw new ArgumentException($"{name} has dtype {tensor.dtype}; expected {expected}", name);
        }
    }

    /// <summary>The elements of a contiguous CPU tensor, in place.</summary>
    public static Span<T> Elements<T>(Tensor contiguous)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(contiguous.bytes);

    public static nint[] Shape(Tensor tensor) => Array.ConvertAll(tensor.shape, d => (nint)d);

    public static long[] Shape(int[] dims) => Array.ConvertAll(dims, d => (long)d);

    /// <summary>A weight's values rounded once to <typeparamref name="T"/> from its own dtype (widened exactly to
    /// float64 first), the correctly rounded cast TF applies when Keras casts a weight to the compute dtype.</summary>
    public static T[] RoundedTo<T>(Tensor tensor)
        where T : unmanaged
    {
        using Tensor widened = tensor.to(ScalarType.Float64).contiguous();
        ReadOnlySpan<double> values = Elements<double>(widened);
        var rounded = new T[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            rounded[i] = Round<T>(values[i]);
        }

        return rounded;
    }

    private static T Round<T>(double value)
        where T : unmanaged
    {
        object rounded = typeof(T) == typeof(Half) ? (object)(Half)value
            : typeof(T) == typeof(BFloat16) ? (object)(BFloat16)value
            : typeof(T) == typeof(float) ? (object)(float)value
            : value;
        return (T)rounded;
    }
}

using System;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Replay;

/// <summary>A generic computation over one element type, chosen at run time from a <see cref="TensorDType"/>.</summary>
/// <typeparam name="TResult">What the computation returns.</typeparam>
internal interface IElementTypeVisitor<out TResult>
{
    TResult Visit<T>()
        where T : unmanaged;
}

/// <summary>From a case's dtype name to the .NET element type the port takes.</summary>
internal static class ElementTypes
{
    public static TResult Dispatch<TResult>(TensorDType dtype, IElementTypeVisitor<TResult> visitor) => dtype switch
    {
        TensorDType.Float16 => visitor.Visit<Half>(),
        TensorDType.BFloat16 => visitor.Visit<BFloat16>(),
        TensorDType.Float32 => visitor.Visit<float>(),
        TensorDType.Float64 => visitor.Visit<double>(),
        TensorDType.Int64 => visitor.Visit<long>(),
        _ => throw new NotSupportedException($"no port element type for {dtype}"),
    };

    public static TensorDType Of(KerasDType dtype) => dtype switch
    {
        KerasDType.Float16 => TensorDType.Float16,
        KerasDType.BFloat16 => TensorDType.BFloat16,
        KerasDType.Float32 => TensorDType.Float32,
        _ => TensorDType.Float64,
    };

    /// <summary>A tensor's values in element type <typeparamref name="T"/>: its own when the types agree, else each
    /// value rounded once (a correctly rounded cast, as TF casts a weight to the compute dtype).</summary>
    public static T[] Values<T>(TensorData tensor)
        where T : unmanaged
    {
        if (typeof(T) == typeof(Half) && tensor.DType == TensorDType.Float16
            || typeof(T) == typeof(BFloat16) && tensor.DType == TensorDType.BFloat16
            || typeof(T) == typeof(float) && tensor.DType == TensorDType.Float32
            || typeof(T) == typeof(double) && tensor.DType == TensorDType.Float64
            || typeof(T) == typeof(long) && tensor.DType == TensorDType.Int64
            || typeof(T) == typeof(bool) && tensor.DType == TensorDType.Bool)
        {
            return tensor.ToArray<T>();
        }

        return Array.ConvertAll(tensor.ToDoubles(), Round<T>);
    }

    public static T Round<T>(double value)
        where T : unmanaged
    {
        object rounded = typeof(T) == typeof(Half) ? (Half)value
            : typeof(T) == typeof(BFloat16) ? (BFloat16)value
            : typeof(T) == typeof(float) ? (float)value
            : typeof(T) == typeof(double) ? (object)value
            : throw new NotSupportedException($"cannot round to {typeof(T).Name}");
        return (T)rounded;
    }

    public static nint[] Lengths(TensorData tensor)
    {
        var lengths = new nint[tensor.Rank];
        for (int i = 0; i < lengths.Length; i++)
        {
            lengths[i] = tensor.Shape[i];
        }

        return lengths;
    }
}

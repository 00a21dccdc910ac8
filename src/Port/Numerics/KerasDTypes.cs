using System;

namespace CosineParity;

/// <summary>Keras's names of <see cref="KerasDType"/> values (the strings both generations take for <c>dtype</c>, as
/// <c>tf.as_dtype</c> and Keras 3's <c>standardize_dtype</c> spell them) and the .NET element type of each.</summary>
public static class KerasDTypes
{
    /// <summary>Keras's name of the dtype: <c>"float16"</c>, <c>"bfloat16"</c>, <c>"float32"</c> or <c>"float64"</c>.</summary>
    /// <param name="dtype">The dtype.</param>
    public static string Name(KerasDType dtype) => dtype switch
    {
        KerasDType.Float16 => "float16",
        KerasDType.BFloat16 => "bfloat16",
        KerasDType.Float32 => "float32",
        KerasDType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a Keras floating-point dtype"),
    };

    /// <summary>Parses Keras's spelling of a floating-point dtype (<c>"float32"</c>, ...).</summary>
    /// <param name="name">The name, as Keras spells it.</param>
    /// <exception cref="ArgumentException">The name is not one of the four floating-point dtypes.</exception>
    public static KerasDType Parse(string name) => TryParse(name, out KerasDType dtype)
        ? dtype
        : throw new ArgumentException(
            $"'{name}' is not a floating-point dtype; expected float16, bfloat16, float32 or float64", nameof(name));

    /// <summary>Reads Keras's spelling of a floating-point dtype, if it is one.</summary>
    internal static bool TryParse(string name, out KerasDType dtype)
    {
        (bool known, dtype) = name switch
        {
            "float16" => (true, KerasDType.Float16),
            "bfloat16" => (true, KerasDType.BFloat16),
            "float32" => (true, KerasDType.Float32),
            "float64" => (true, KerasDType.Float64),
            _ => (false, default(KerasDType)),
        };
        return known;
    }

    /// <summary>The dtype of the .NET element type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T"><see cref="Half"/>, <see cref="BFloat16"/>, <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is none of them.</exception>
    public static KerasDType Of<T>()
    {
        if (typeof(T) == typeof(Half))
        {
            return KerasDType.Float16;
        }

        if (typeof(T) == typeof(BFloat16))
        {
            return KerasDType.BFloat16;
        }

        if (typeof(T) == typeof(float))
        {
            return KerasDType.Float32;
        }

        if (typeof(T) == typeof(double))
        {
            return KerasDType.Float64;
        }

        throw new NotSupportedException(
            $"{typeof(T).Name} is not a floating-point element type; use Half, BFloat16, float or double");
    }
}

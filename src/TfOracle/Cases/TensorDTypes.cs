using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace CosineParity.Oracle.Cases;

/// <summary>
/// The spellings and sizes of <see cref="TensorDType"/>: the safetensors code of array files (<c>F32</c>), the case
/// dtype name of manifests and the wire form (<c>float32</c>), the element size, and the CLR type each is read as.
/// Parsing is strict: only the exact spellings of the format are accepted.
/// </summary>
public static class TensorDTypes
{
    /// <summary>Every dtype, in declaration order.</summary>
    public static IReadOnlyList<TensorDType> All { get; } =
        [TensorDType.Float16, TensorDType.BFloat16, TensorDType.Float32, TensorDType.Float64, TensorDType.Int64, TensorDType.Bool];

    private const string KnownCodes = "F16, BF16, F32, F64, I64, BOOL";
    private const string KnownNames = "float16, bfloat16, float32, float64, int64, bool";

    /// <summary>The safetensors code: <c>F16</c>, <c>BF16</c>, <c>F32</c>, <c>F64</c>, <c>I64</c> or <c>BOOL</c>.</summary>
    /// <param name="dtype">The dtype.</param>
    public static string SafetensorsCode(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float16 => "F16",
        TensorDType.BFloat16 => "BF16",
        TensorDType.Float32 => "F32",
        TensorDType.Float64 => "F64",
        TensorDType.Int64 => "I64",
        TensorDType.Bool => "BOOL",
        _ => throw Undefined(dtype),
    };

    /// <summary>The case dtype name: <c>float16</c>, <c>bfloat16</c>, <c>float32</c>, <c>float64</c>, <c>int64</c> or <c>bool</c>.</summary>
    /// <param name="dtype">The dtype.</param>
    public static string CaseName(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float16 => "float16",
        TensorDType.BFloat16 => "bfloat16",
        TensorDType.Float32 => "float32",
        TensorDType.Float64 => "float64",
        TensorDType.Int64 => "int64",
        TensorDType.Bool => "bool",
        _ => throw Undefined(dtype),
    };

    /// <summary>The size of one element in bytes (1, 2, 4 or 8).</summary>
    /// <param name="dtype">The dtype.</param>
    public static int ElementSize(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float16 or TensorDType.BFloat16 => 2,
        TensorDType.Float32 => 4,
        TensorDType.Float64 or TensorDType.Int64 => 8,
        TensorDType.Bool => 1,
        _ => throw Undefined(dtype),
    };

    /// <summary>Whether the dtype is a floating-point type (the ones TF computes gradients for).</summary>
    /// <param name="dtype">The dtype.</param>
    public static bool IsFloatingPoint(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float16 or TensorDType.BFloat16 or TensorDType.Float32 or TensorDType.Float64 => true,
        TensorDType.Int64 or TensorDType.Bool => false,
        _ => throw Undefined(dtype),
    };

    /// <summary>The CLR type the dtype's elements are read as (<see cref="Half"/>, <see cref="CosineParity.BFloat16"/>,
    /// <see cref="float"/>, <see cref="double"/>, <see cref="long"/>, <see cref="bool"/>).</summary>
    /// <param name="dtype">The dtype.</param>
    public static Type ClrType(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float16 => typeof(Half),
        TensorDType.BFloat16 => typeof(CosineParity.BFloat16),
        TensorDType.Float32 => typeof(float),
        TensorDType.Float64 => typeof(double),
        TensorDType.Int64 => typeof(long),
        TensorDType.Bool => typeof(bool),
        _ => throw Undefined(dtype),
    };

    /// <summary>Parses a safetensors code, exactly as spelled (case-sensitive).</summary>
    /// <param name="code">The code, e.g. <c>F32</c>.</param>
    /// <exception cref="FormatException">The code is not one of the six.</exception>
    public static TensorDType ParseSafetensorsCode(string code) =>
        TryParseSafetensorsCode(code, out TensorDType dtype)
            ? dtype
            : throw new FormatException($"'{code}' is not a safetensors dtype code of cosine-parity/1 ({KnownCodes})");

    /// <summary>Parses a safetensors code, exactly as spelled (case-sensitive).</summary>
    /// <param name="code">The code, e.g. <c>F32</c>.</param>
    /// <param name="dtype">The dtype, when the code is known.</param>
    /// <returns>Whether the code is one of the six.</returns>
    public static bool TryParseSafetensorsCode([NotNullWhen(true)] string? code, out TensorDType dtype)
    {
        (bool known, dtype) = code switch
        {
            "F16" => (true, TensorDType.Float16),
            "BF16" => (true, TensorDType.BFloat16),
            "F32" => (true, TensorDType.Float32),
            "F64" => (true, TensorDType.Float64),
            "I64" => (true, TensorDType.Int64),
            "BOOL" => (true, TensorDType.Bool),
            _ => (false, default),
        };
        return known;
    }

    /// <summary>Parses a case dtype name, exactly as spelled (case-sensitive).</summary>
    /// <param name="name">The name, e.g. <c>float32</c>.</param>
    /// <exception cref="FormatException">The name is not one of the six.</exception>
    public static TensorDType ParseCaseName(string name) =>
        TryParseCaseName(name, out TensorDType dtype)
            ? dtype
            : throw new FormatException($"'{name}' is not a dtype name of cosine-parity/1 ({KnownNames})");

    /// <summary>Parses a case dtype name, exactly as spelled (case-sensitive).</summary>
    /// <param name="name">The name, e.g. <c>float32</c>.</param>
    /// <param name="dtype">The dtype, when the name is known.</param>
    /// <returns>Whether the name is one of the six.</returns>
    public static bool TryParseCaseName([NotNullWhen(true)] string? name, out TensorDType dtype)
    {
        (bool known, dtype) = name switch
        {
            "float16" => (true, TensorDType.Float16),
            "bfloat16" => (true, TensorDType.BFloat16),
            "float32" => (true, TensorDType.Float32),
            "float64" => (true, TensorDType.Float64),
            "int64" => (true, TensorDType.Int64),
            "bool" => (true, TensorDType.Bool),
            _ => (false, default),
        };
        return known;
    }

    /// <summary>The dtype whose elements are read as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T"><see cref="Half"/>, <see cref="CosineParity.BFloat16"/>, <see cref="float"/>,
    /// <see cref="double"/>, <see cref="long"/> or <see cref="bool"/>.</typeparam>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is none of these.</exception>
    public static TensorDType Of<T>() where T : unmanaged =>
        TryOf(typeof(T), out TensorDType dtype)
            ? dtype
            : throw new NotSupportedException($"{typeof(T).Name} is not a tensor element type (Half, BFloat16, Single, Double, Int64, Boolean)");

    /// <summary>The dtype whose elements are read as <paramref name="type"/>, if there is one.</summary>
    /// <param name="type">A CLR type.</param>
    /// <param name="dtype">The dtype, when there is one.</param>
    /// <returns>Whether <paramref name="type"/> is one of the six element types.</returns>
    public static bool TryOf(Type type, out TensorDType dtype)
    {
        foreach (TensorDType candidate in All)
        {
            if (candidate.ClrType() == type)
            {
                dtype = candidate;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    private static ArgumentOutOfRangeException Undefined(TensorDType dtype) =>
        new(nameof(dtype), dtype, "not a defined TensorDType");
}

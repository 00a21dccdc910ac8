using System;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Live;

/// <summary>
/// The wire form of a tensor, <c>{"dtype": "float32", "shape": [2, 2], "data": "&lt;base64&gt;"}</c>: the raw
/// little-endian C-order bytes, base64 with padding. Reading checks what <c>tforacle.tensors.from_wire</c> checks,
/// with its messages, and that bool bytes are 0 or 1 (<see cref="TensorData"/> holds no other).
/// </summary>
internal static class WireTensors
{
    /// <summary>The most elements a tensor on the wire may have (2^24).</summary>
    public const int MaxElements = 1 << 24;

    /// <summary>The dtype names as the server lists them (Python's <c>sorted(DTYPES)</c>).</summary>
    public static string KnownDTypes { get; } =
        PyRepr.List(TensorDTypes.All.Select(d => d.CaseName()).Order(StringComparer.Ordinal));

    /// <summary>Writes <paramref name="tensor"/> in its wire form.</summary>
    public static void Write(Utf8JsonWriter writer, TensorData tensor)
    {
        writer.WriteStartObject();
        writer.WriteString("dtype", tensor.DType.CaseName());
        writer.WriteStartArray("shape");
        foreach (int dim in tensor.Shape)
        {
            writer.WriteNumberValue(dim);
        }

        writer.WriteEndArray();
        // Written as base64 directly: a JSON string writer would escape '+' as \u002B.
        writer.WriteBase64String("data", tensor.Bytes.Span);
        writer.WriteEndObject();
    }

    /// <summary>Reads a wire tensor.</summary>
    /// <param name="element">The JSON value.</param>
    /// <param name="tensor">The tensor, when the value is one.</param>
    /// <param name="problem">Otherwise what is wrong (without the path of the value).</param>
    public static bool TryRead(JsonElement element, [NotNullWhen(true)] out TensorData? tensor, [NotNullWhen(false)] out string? problem)
    {
        tensor = null;
        if (element.ValueKind != JsonValueKind.Object || element.EnumerateObject().Count() != 3
            || !element.TryGetProperty("dtype", out JsonElement dtypeElement)
            || !element.TryGetProperty("shape", out JsonElement shapeElement)
            || !element.TryGetProperty("data", out JsonElement dataElement))
        {
            problem = "an inline tensor is an object with exactly \"dtype\", \"shape\" and \"data\"";
            return false;
        }

        if (!TryLayout(dtypeElement, shapeElement, out TensorDType dtype, out int[]? shape, out int size, out problem))
        {
            return false;
        }

        if (dataElement.ValueKind != JsonValueKind.String)
        {
            problem = "tensor data must be a base64 string";
            return false;
        }

        string text = dataElement.GetString()!;
        // Checked before decoding, as the server does, so a wrong length costs nothing.
        long characters = 4L * ((size + 2L) / 3);
        if (text.Length != characters)
        {
            problem = $"base64 data of {text.Length} characters cannot hold the {size} bytes that shape {PyRepr.Of(shapeElement)} of {dtype.CaseName()} needs";
            return false;
        }

        byte[] bytes = new byte[size];
        // The length check leaves no room for whitespace, which Convert would skip: any would decode short.
        if (!Convert.TryFromBase64String(text, bytes, out int written))
        {
            problem = "tensor data is not valid base64";
            return false;
        }

        if (written != size)
        {
            problem = $"data holds {written} bytes but shape {PyRepr.Shape(shape)} of {dtype.CaseName()} needs {size}";
            return false;
        }

        if (dtype == TensorDType.Bool && bytes.AsSpan().ContainsAnyExceptInRange((byte)0, (byte)1))
        {
            problem = "a bool byte is neither 0 nor 1";
            return false;
        }

        tensor = TensorData.FromBytes(dtype, shape, bytes);
        problem = null;
        return true;
    }

    private static bool TryLayout(JsonElement dtypeElement, JsonElement shapeElement, out TensorDType dtype,
        [NotNullWhen(true)] out int[]? shape, out int size, [NotNullWhen(false)] out string? problem)
    {
        shape = null;
        size = 0;
        if (dtypeElement.ValueKind != JsonValueKind.String || !TensorDTypes.TryParseCaseName(dtypeElement.GetString(), out dtype))
        {
            dtype = default;
            problem = $"unknown dtype {PyRepr.Of(dtypeElement)}; expected one of {KnownDTypes}";
            return false;
        }

        string shapeProblem = $"shape must be a list of non-negative integers, got {PyRepr.Of(shapeElement)}";
        if (shapeElement.ValueKind != JsonValueKind.Array)
        {
            problem = shapeProblem;
            return false;
        }

        var dims = new BigInteger[shapeElement.GetArrayLength()];
        int i = 0;
        foreach (JsonElement dim in shapeElement.EnumerateArray())
        {
            string literal = dim.ValueKind == JsonValueKind.Number ? dim.GetRawText() : string.Empty;
            if (literal.Length == 0 || !JsonNumbers.IsIntegerLiteral(literal) || !BigInteger.TryParse(literal, out dims[i]) || dims[i].Sign < 0)
            {
                problem = shapeProblem;
                return false;
            }

            i++;
        }

        BigInteger count = BigInteger.One;
        foreach (BigInteger dim in dims)
        {
            count *= dim;
        }

        if (count > MaxElements)
        {
            problem = $"tensor has {count} elements; at most {MaxElements} are accepted";
            return false;
        }

        if (dims.Any(dim => dim > int.MaxValue))
        {
            problem = $"shape {PyRepr.Of(shapeElement)} has a dimension beyond {int.MaxValue}";
            return false;
        }

        shape = dims.Select(dim => (int)dim).ToArray();
        size = (int)count * dtype.ElementSize();
        problem = null;
        return true;
    }
}

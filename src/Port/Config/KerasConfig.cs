using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace CosineParity;

/// <summary>
/// <c>get_config()</c> as JSON text: written key by key as a profile lists the keys (compact, numbers as Python prints
/// ints), and read back into the keyword arguments <c>from_config</c> hands the constructor (<c>cls(**config)</c>).
/// </summary>
internal static class KerasConfig
{
    /// <summary>The function Keras 2's loss config names under <c>fn</c>.</summary>
    private const string FunctionName = "cosine_similarity";

    public static string Write(IReadOnlyList<ConfigKey> keys, in ConfigValues values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (ConfigKey key in keys)
            {
                switch (key)
                {
                    case ConfigKey.Axis:
                        json.WritePropertyName("axis");
                        WriteAxis(json, values.Axis);
                        break;
                    case ConfigKey.DType:
                        json.WriteString("dtype", values.DType);
                        break;
                    case ConfigKey.Fn:
                        json.WriteString("fn", FunctionName);
                        break;
                    case ConfigKey.Name:
                        json.WriteString("name", values.Name);
                        break;
                    case ConfigKey.Reduction:
                        json.WriteString("reduction", values.Reduction);   // null writes Python's None as null
                        break;
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The keyword arguments a config object holds: ints, lists of ints, strings and nulls by key.</summary>
    /// <exception cref="ArgumentException">Not a JSON object, a repeated key, a value of another JSON type, or a whole
    /// serialized object (<c>{"class_name": ..., "config": ...}</c>) instead of its config.</exception>
    public static Dictionary<string, object?> Read(string config)
    {
        ArgumentNullException.ThrowIfNull(config);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(config);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the config is not JSON: {e.Message}", nameof(config), e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"a config is a JSON object, not {root.GetRawText()}", nameof(config));
            }

            if (root.TryGetProperty("class_name", out JsonElement className) && root.TryGetProperty("config", out _))
            {
                throw new ArgumentException(
                    $"this is a serialized Keras object (class_name {className.GetRawText()}), not a get_config() dictionary; pass its \"config\" object",
                    nameof(config));
            }

            var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!TryGetArgument(property.Value, out object? value))
                {
                    throw new ArgumentException(
                        $"config key '{property.Name}' holds {property.Value.GetRawText()}, which is none of an int, a list of ints, a string or null",
                        nameof(config));
                }

                if (!arguments.TryAdd(property.Name, value))
                {
                    throw new ArgumentException($"the config repeats the key '{property.Name}'", nameof(config));
                }
            }

            return arguments;
        }
    }

    /// <summary>Removes Keras 2's <c>fn</c> from a loss config, which must name this loss's function.</summary>
    /// <exception cref="ArgumentException">It names another function: the config of another loss.</exception>
    public static void RemoveFunctionName(Dictionary<string, object?> arguments)
    {
        if (arguments.Remove("fn", out object? fn) && !FunctionName.Equals(fn))
        {
            throw new ArgumentException(
                $"the config is another loss's: fn is {KerasArguments.Describe(fn)}, not '{FunctionName}'", nameof(arguments));
        }
    }

    private static void WriteAxis(Utf8JsonWriter json, Axes axis)
    {
        if (!axis.IsList)
        {
            json.WriteNumberValue(axis.Values[0]);
            return;
        }

        json.WriteStartArray();
        foreach (int a in axis.Values)
        {
            json.WriteNumberValue(a);
        }

        json.WriteEndArray();
    }

    private static bool TryGetArgument(JsonElement element, out object? value)
    {
        value = null;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.String:
                value = element.GetString();
                return true;
            case JsonValueKind.Number when TryGetInt(element, out int number):
                value = number;
                return true;
            case JsonValueKind.Array:
                var list = new int[element.GetArrayLength()];
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (!TryGetInt(item, out list[i++]))
                    {
                        return false;
                    }
                }

                value = list;
                return true;
            default:
                return false;
        }
    }

    // Python's json reads 1 as an int and 1.0 as a float; only ints are axes.
    private static bool TryGetInt(JsonElement element, out int value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') < 0
            && element.TryGetInt32(out value);
    }
}

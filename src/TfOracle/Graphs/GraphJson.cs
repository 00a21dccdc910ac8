using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fixtures;

namespace CosineParity.Oracle.Graphs;

/// <summary>
/// Typed, strict access to the elements of one graph manifest: every accessor names where it looked (a JSON-like
/// path such as <c>graphs[3] ('keras2/...'): inputs[1].shape</c>) and throws a <see cref="FixtureFormatException"/>
/// naming the manifest file when the element is not what the format says.
/// </summary>
internal sealed class GraphJson(string manifestPath)
{
    public string ManifestPath { get; } = manifestPath;

    public FixtureFormatException Fail(string where, string problem) =>
        new(ManifestPath, where.Length == 0 ? problem : $"{where}: {problem}", null);

    /// <summary>An object holding exactly <paramref name="fields"/>: a missing field or one the format does not name
    /// is refused (a new field may change what an entry means).</summary>
    public JsonElement Object(JsonElement element, string where, IReadOnlyList<string> fields)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail(where, $"is {Describe(element)}, not a JSON object");
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!fields.Contains(property.Name))
            {
                throw Fail(where, $"unknown field '{property.Name}' (it has {string.Join(", ", fields)})");
            }
        }

        string[] missing = fields.Where(field => !element.TryGetProperty(field, out _)).ToArray();
        return missing.Length == 0 ? element : throw Fail(where, $"lacks {string.Join(", ", missing)}");
    }

    public static string Field(string where, string field) => where.Length == 0 ? field : $"{where}.{field}";

    public static string Index(string where, int index) => string.Create(CultureInfo.InvariantCulture, $"{where}[{index}]");

    public string String(JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Fail(where, $"is {Describe(element)}, not a string");

    public string NonEmptyString(JsonElement element, string where)
    {
        string text = String(element, where);
        return text.Length > 0 ? text : throw Fail(where, "is an empty string");
    }

    public bool Bool(JsonElement element, string where) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Fail(where, $"is {Describe(element)}, not true or false"),
    };

    /// <summary>An integer literal (no fraction, no exponent: <c>1.0</c> is a float) within [min, max].</summary>
    public long Integer(JsonElement element, string where, long min, long max)
    {
        if (element.ValueKind != JsonValueKind.Number || !JsonNumbers.IsIntegerLiteral(element.GetRawText())
            || !element.TryGetInt64(out long value))
        {
            throw Fail(where, $"is {Describe(element)}, not an integer");
        }

        return value >= min && value <= max
            ? value
            : throw Fail(where, string.Create(CultureInfo.InvariantCulture, $"is {value}, outside [{min}, {max}]"));
    }

    public int Int(JsonElement element, string where, int min, int max = int.MaxValue) => (int)Integer(element, where, min, max);

    /// <summary>A finite number (JSON has no other) at least <paramref name="min"/>.</summary>
    public double Number(JsonElement element, string where, double min)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw Fail(where, $"is {Describe(element)}, not a finite number");
        }

        return value >= min
            ? value
            : throw Fail(where, string.Create(CultureInfo.InvariantCulture, $"is {value:R}, below {min:R}"));
    }

    public JsonElement Array(JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.Array ? element : throw Fail(where, $"is {Describe(element)}, not a list");

    /// <summary>A list of distinct non-empty strings, in order.</summary>
    public IReadOnlyList<string> StringSet(JsonElement element, string where)
    {
        var items = new List<string>();
        int i = 0;
        foreach (JsonElement item in Array(element, where).EnumerateArray())
        {
            string text = NonEmptyString(item, Index(where, i++));
            if (items.Contains(text))
            {
                throw Fail(where, $"lists '{text}' twice");
            }

            items.Add(text);
        }

        return items.AsReadOnly();
    }

    /// <summary>A case dtype name (<c>float32</c>, ...), exactly as spelled, among <paramref name="allowed"/>.</summary>
    public TensorDType DType(JsonElement element, string where, IReadOnlyList<TensorDType> allowed)
    {
        string name = String(element, where);
        return TensorDTypes.TryParseCaseName(name, out TensorDType dtype) && allowed.Contains(dtype)
            ? dtype
            : throw Fail(where, $"'{name}' is not one of {string.Join(", ", allowed.Select(d => d.CaseName()))}");
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.Null => "null",
        _ => JsonText.Compact(element),
    };
}

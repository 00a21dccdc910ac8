using System;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CosineParity.Oracle.Fixtures;

/// <summary>
/// Builds <see cref="JsonNode"/> trees from a parsed document, eagerly: nodes made lazily over a document's element
/// would read its pooled buffer after the document is disposed, and materialise themselves on first access, which is
/// not safe from several test threads at once. Numbers keep their literal (<c>1</c> stays apart from <c>1.0</c>).
/// </summary>
internal static class JsonNodes
{
    /// <summary>A self-contained copy of an object element, key order kept.</summary>
    public static JsonObject ToObject(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("not a JSON object", nameof(element));
        }

        var result = new JsonObject();
        foreach (JsonProperty property in element.EnumerateObject())
        {
            result.Add(property.Name, ToNode(property.Value));
        }

        return result;
    }

    private static JsonNode? ToNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                return ToObject(element);
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (JsonElement item in element.EnumerateArray())
                {
                    array.Add(ToNode(item));
                }

                return array;
            case JsonValueKind.String:
                return JsonValue.Create(element.GetString());
            case JsonValueKind.Number:
                return JsonValue.Create(element.Clone());   // a standalone copy of the literal
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            case JsonValueKind.Null:
                return null;
            default:
                throw new ArgumentException($"unexpected JSON value kind {element.ValueKind}", nameof(element));
        }
    }
}

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Live;

/// <summary>
/// JSON values as Python's <c>repr</c> prints them after <c>json.loads</c> (<c>'keras9'</c>, <c>None</c>, <c>[1, 2]</c>),
/// so the request reader's messages read as the server's own <c>protocol_error</c> messages.
/// </summary>
internal static class PyRepr
{
    /// <summary>A parsed JSON value as Python prints it.</summary>
    public static string Of(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => Str(element.GetString()!),
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        JsonValueKind.Array => "[" + string.Join(", ", element.EnumerateArray().Select(Of)) + "]",
        JsonValueKind.Object => "{" + string.Join(", ", element.EnumerateObject().Select(p => $"{Str(p.Name)}: {Of(p.Value)}")) + "}",
        _ => element.GetRawText(),
    };

    /// <summary>The value of an optional key as Python's <c>obj.get(key)</c> prints it (<c>None</c> when absent).</summary>
    public static string OfOptional(JsonElement holder, string key) =>
        holder.TryGetProperty(key, out JsonElement value) ? Of(value) : "None";

    /// <summary>A list of strings as Python prints it: <c>['a', 'b']</c>.</summary>
    public static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Str)) + "]";

    /// <summary>A shape as Python prints the list: <c>[2, 2]</c>, <c>[]</c>.</summary>
    public static string Shape(IEnumerable<int> shape) => TensorData.FormatShape(shape);

    /// <summary>The Python type name of a JSON value (<c>list</c>, <c>str</c>, <c>NoneType</c>, ...).</summary>
    public static string TypeName(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "dict",
        JsonValueKind.Array => "list",
        JsonValueKind.String => "str",
        JsonValueKind.Number => JsonNumbers.IsIntegerLiteral(element.GetRawText()) ? "int" : "float",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "NoneType",
    };

    /// <summary>A string as Python's <c>repr</c> quotes it: single quotes unless the text holds one and no double quote.</summary>
    public static string Str(string text)
    {
        char quote = text.Contains('\'', System.StringComparison.Ordinal) && !text.Contains('"', System.StringComparison.Ordinal) ? '"' : '\'';
        var result = new StringBuilder(text.Length + 2).Append(quote);
        foreach (Rune rune in text.EnumerateRunes())
        {
            int c = rune.Value;
            if (c == quote || c == '\\')
            {
                result.Append('\\').Append((char)c);
            }
            else if (c == '\n')
            {
                result.Append("\\n");
            }
            else if (c == '\r')
            {
                result.Append("\\r");
            }
            else if (c == '\t')
            {
                result.Append("\\t");
            }
            else if (c < 0x20 || c == 0x7f)
            {
                result.Append(CultureInfo.InvariantCulture, $"\\x{c:x2}");
            }
            else
            {
                result.Append(rune.ToString());
            }
        }

        return result.Append(quote).ToString();
    }
}

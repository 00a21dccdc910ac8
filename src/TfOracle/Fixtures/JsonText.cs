using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CosineParity.Oracle.Fixtures;

/// <summary>JSON values as messages show them.</summary>
internal static class JsonText
{
    /// <summary>The value without the indentation of the file it came from (<c>[1,2]</c>, not a block of lines);
    /// strings and numbers as written. Relaxed escaping: the text goes into a message, never into HTML.</summary>
    public static string Compact(JsonElement element)
    {
        if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return element.GetRawText();
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

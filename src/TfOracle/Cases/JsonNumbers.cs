using System;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CosineParity.Oracle.Cases;

/// <summary>
/// Reads JSON numbers by their literal, the way Python's <c>json</c> does: a literal without fraction or exponent is an
/// <c>int</c> (<c>1</c>), anything else a <c>float</c> (<c>1.0</c>, <c>1e0</c>). The literal is what matters, since
/// the libraries treat <c>int</c> and <c>float</c> arguments differently.
/// </summary>
internal static class JsonNumbers
{
    /// <summary>Whether a JSON number literal is an integer literal (no <c>.</c>, <c>e</c> or <c>E</c>).</summary>
    public static bool IsIntegerLiteral(ReadOnlySpan<char> literal) => !literal.ContainsAny('.', 'e', 'E');

    /// <summary>Whether a JSON number literal (UTF-8) is an integer literal.</summary>
    public static bool IsIntegerLiteral(ReadOnlySpan<byte> literal) => !literal.ContainsAny((byte)'.', (byte)'e', (byte)'E');

    /// <summary>The value of an integer-literal node in the range of <see cref="long"/>, or false (not a number, a
    /// float literal, or out of range).</summary>
    public static bool TryGetInteger(JsonNode? node, out long value)
    {
        value = 0;
        if (node is not JsonValue || node.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        string literal = node.ToJsonString();
        return IsIntegerLiteral(literal)
            && long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The literal of a number node as JSON writes it, or the node's JSON text for anything else (for messages).</summary>
    public static string Describe(JsonNode? node) => node is null ? "null" : node.ToJsonString();
}

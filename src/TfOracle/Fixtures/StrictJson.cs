using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace CosineParity.Oracle.Fixtures;

/// <summary>
/// Parses JSON as the format demands: UTF-8 without a byte order mark, RFC 8259 only (no comments, no trailing
/// commas, no NaN or Infinity), and no key twice in one object: readers in other languages keep the first or the
/// last of a repeated key, so a repeated key is ambiguous. <see cref="JsonDocument"/> alone accepts repeats and
/// invalid UTF-8 inside strings, hence the extra pass.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonReaderOptions Strict = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    /// <summary>Parses <paramref name="utf8"/>; the document is the caller's to dispose.</summary>
    /// <param name="utf8">The bytes.</param>
    /// <param name="file">The file they come from, for messages.</param>
    /// <param name="what">What they are (<c>the manifest</c>, <c>the header</c>), for messages.</param>
    /// <exception cref="FixtureFormatException">The bytes are not strict JSON.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string file, string what)
    {
        ReadOnlySpan<byte> bytes = utf8.Span;
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            throw new FixtureFormatException(file, $"{what} starts with a UTF-8 byte order mark, which JSON does not allow", null);
        }

        if (!Utf8.IsValid(bytes))
        {
            throw new FixtureFormatException(file, $"{what} is not valid UTF-8", null);
        }

        CheckSyntaxAndKeys(bytes, file, what);
        try
        {
            return JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new FixtureFormatException(file, $"{what} is not strict JSON: {e.Message}", null, null, e);
        }
    }

    private static void CheckSyntaxAndKeys(ReadOnlySpan<byte> bytes, string file, string what)
    {
        var reader = new Utf8JsonReader(bytes, Strict);
        // One frame per open object or array; reused across siblings so a 3 MB manifest allocates a few sets only.
        var frames = new List<JsonFrame>();
        int depth = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        CountValue(frames, depth);
                        if (depth == frames.Count)
                        {
                            frames.Add(new JsonFrame());
                        }

                        frames[depth++].Open(reader.TokenType == JsonTokenType.StartArray);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        depth--;
                        break;
                    case JsonTokenType.PropertyName:
                        JsonFrame current = frames[depth - 1];
                        string key = reader.GetString()!;
                        if (!current.Keys.Add(key))
                        {
                            throw new FixtureFormatException(file,
                                $"{what} repeats the key '{key}' in the object at {PathOf(frames, depth - 1)}", null);
                        }

                        current.Key = key;
                        break;
                    case JsonTokenType.String:
                        CountValue(frames, depth);
                        if (reader.ValueIsEscaped)
                        {
                            _ = reader.GetString();   // an escaped lone surrogate throws here, not later in the case reader
                        }

                        break;
                    default:
                        CountValue(frames, depth);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new FixtureFormatException(file, $"{what} is not strict JSON: {e.Message}", null, null, e);
        }
        catch (InvalidOperationException e)
        {
            // GetString of a key or value escaping a lone surrogate (\ud800): no valid string can hold it.
            throw new FixtureFormatException(file, $"{what} holds a string that is not valid Unicode: {e.Message}", null, null, e);
        }
    }

    private static void CountValue(List<JsonFrame> frames, int depth)
    {
        if (depth > 0 && frames[depth - 1].IsArray)
        {
            frames[depth - 1].Count++;
        }
    }

    /// <summary>The JSON path of the container at <paramref name="depth"/>, e.g. <c>$.cases[3].inputs</c>.</summary>
    private static string PathOf(List<JsonFrame> frames, int depth)
    {
        var path = new StringBuilder("$");
        for (int i = 0; i < depth; i++)
        {
            if (frames[i].IsArray)
            {
                path.Append(CultureInfo.InvariantCulture, $"[{frames[i].Count - 1}]");
            }
            else
            {
                path.Append('.').Append(frames[i].Key);
            }
        }

        return path.ToString();
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace CosineParity.StandIn;

/// <summary>
/// The recorded session: the hello, and for each non-blank request line the answer the real server wrote. A request
/// is found by its content as a JSON value (key order, spacing and number spelling aside: a client re-encodes), or,
/// when it is not JSON, by its bytes, so re-sent requests get their own answers whatever their position. With
/// <c>echoIds</c> a request is found by its content without its id, and its answer carries the request's id instead of
/// the recorded one: one recorded question can then be asked any number of times, each time under its own id.
/// </summary>
internal sealed class Transcript
{
    private readonly Dictionary<string, byte[]> _answers = new(StringComparer.Ordinal);
    private readonly bool _echoIds;

    private Transcript(byte[] hello, bool echoIds)
    {
        Hello = hello;
        _echoIds = echoIds;
    }

    public byte[] Hello { get; }

    public int Count => _answers.Count;

    public static Transcript Load(string folder, bool echoIds)
    {
        List<byte[]> requests = Lines(File.ReadAllBytes(Path.Combine(folder, "requests.jsonl")));
        List<byte[]> answers = Lines(File.ReadAllBytes(Path.Combine(folder, "answers.jsonl")));
        var transcript = new Transcript(answers[0], echoIds);
        int next = 1;
        foreach (byte[] request in requests.Where(r => !IsBlank(r)))
        {
            byte[] answer = answers[next++];
            string key = transcript.Key(request);
            ReadOnlySpan<byte> body = AfterId(answer, echoIds);   // when echoing: checks that the id can be replaced
            if (transcript._answers.TryGetValue(key, out byte[]? seen) && !AfterId(seen, echoIds).SequenceEqual(body))
            {
                throw new InvalidDataException($"two equal requests with different answers: {Encoding.UTF8.GetString(request)}");
            }

            transcript._answers[key] = answer;
        }

        return next == answers.Count
            ? transcript
            : throw new InvalidDataException($"{answers.Count - 1} answers for {next - 1} non-blank requests");
    }

    /// <summary>The recorded answer to a request line (carrying the request's id when ids are echoed), or null when
    /// the transcript has no such request.</summary>
    public byte[]? Answer(byte[] request)
    {
        if (_answers.GetValueOrDefault(Key(request)) is not { } answer)
        {
            return null;
        }

        return _echoIds ? [.. "{\"id\":"u8, .. Encoding.UTF8.GetBytes(EchoOf(request)), .. AfterId(answer, echoIds: true)] : answer;
    }

    /// <summary>Whether a line holds only whitespace (the server skips it).</summary>
    public static bool IsBlank(byte[] line) => line.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0b or 0x0c);

    /// <summary>The id the server would echo for a request (a string or an integer, else null), as JSON.</summary>
    public static string EchoOf(byte[] request)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(request);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("id", out JsonElement id)
                && (id.ValueKind == JsonValueKind.String || (id.ValueKind == JsonValueKind.Number && id.GetRawText().IndexOfAny(['.', 'e', 'E']) < 0))
                ? id.GetRawText()
                : "null";
        }
        catch (JsonException)
        {
            return "null";
        }
    }

    /// <summary>The id of a request as <c>--crash-on-id</c> names it, or null.</summary>
    public static string? IdOf(byte[] request)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(request);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("id", out JsonElement id)
                ? id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<byte[]> Lines(byte[] data)
    {
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] == (byte)'\n')
            {
                lines.Add(data[start..i]);
                start = i + 1;
            }
        }

        if (start < data.Length)
        {
            lines.Add(data[start..]);
        }

        return lines;
    }

    /// <summary>What follows an answer's id (the server writes it first: <c>{"id":...,</c>), or the whole answer when
    /// ids are not echoed.</summary>
    private static ReadOnlySpan<byte> AfterId(byte[] answer, bool echoIds)
    {
        if (!echoIds)
        {
            return answer;
        }

        var reader = new Utf8JsonReader(answer);
        return reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.Read() && reader.ValueTextEquals("id"u8)
            && reader.Read() && reader.TokenType is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.Null
            ? answer.AsSpan((int)reader.BytesConsumed)
            : throw new InvalidDataException($"an answer whose id is not its first key cannot echo another id: {Encoding.UTF8.GetString(answer)}");
    }

    /// <summary>A request's canonical form: keys sorted (the id left out when ids are echoed), integers and floats by
    /// value (kept apart), strings re-escaped.</summary>
    private string Key(byte[] request)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(request);
            var key = new StringBuilder("json:");
            Canonical(document.RootElement, key, top: true, skipId: _echoIds);
            return key.ToString();
        }
        catch (JsonException)
        {
            return "raw:" + Convert.ToHexString(request.AsSpan().Trim(" \t\r"u8));
        }
    }

    /// <summary>A request key holding what the server assumes without it (a client may spell it or not).</summary>
    private static bool IsDefault(JsonProperty property) => property.Name switch
    {
        "args" or "inputs" => property.Value.ValueKind == JsonValueKind.Object && !property.Value.EnumerateObject().Any(),
        "want" or "tags" => property.Value.ValueKind == JsonValueKind.Array && property.Value.GetArrayLength() == 0,
        "group" => property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() == "live",
        "dtype" => property.Value.ValueKind == JsonValueKind.String && property.Value.GetString()!.Length == 0,
        _ => false,
    };

    private static void Canonical(JsonElement element, StringBuilder key, bool top = false, bool skipId = false)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                key.Append('{');
                foreach (JsonProperty property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (top && (IsDefault(property) || (skipId && property.Name == "id")))
                    {
                        continue;
                    }

                    if (top && property.Name == "want" && property.Value.ValueKind == JsonValueKind.Array)
                    {
                        // A set to the server: order and repeats do not matter.
                        key.Append("\"want\":").Append(string.Join(",", property.Value.EnumerateArray().Select(w => w.GetRawText()).Distinct().Order(StringComparer.Ordinal))).Append(',');
                        continue;
                    }

                    key.Append(JsonSerializer.Serialize(property.Name)).Append(':');
                    Canonical(property.Value, key);
                    key.Append(',');
                }

                key.Append('}');
                break;
            case JsonValueKind.Array:
                key.Append('[');
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Canonical(item, key);
                    key.Append(',');
                }

                key.Append(']');
                break;
            case JsonValueKind.String:
                key.Append(JsonSerializer.Serialize(element.GetString()));
                break;
            case JsonValueKind.Number:
                string literal = element.GetRawText();
                key.Append(literal.IndexOfAny(['.', 'e', 'E']) < 0
                    ? "i" + BigInteger.Parse(literal, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
                    : "f" + element.GetDouble().ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                key.Append(element.GetRawText());
                break;
        }
    }
}

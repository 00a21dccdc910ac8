using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Live;

/// <summary>
/// The wire form of <c>python -m tforacle serve</c> (src/TfOracle/python/README.md): a question as one request line
/// (<see cref="LiveRequest.For(ParityCase, LiveWants)"/>), and the lines back, the hello and the answers, decoded
/// strictly into the case model. A line that does not follow the protocol is reported as a problem, never thrown.
/// </summary>
public static class LiveCodec
{
    /// <summary>The request line for a question, without its <c>\n</c> (compact JSON, inline base64 tensors).</summary>
    /// <param name="question">The case asked; its answer is not sent.</param>
    /// <param name="want">What to ask for beyond the value.</param>
    public static string EncodeRequest(ParityCase question, LiveWants want = LiveWants.None) => LiveRequest.For(question, want).Line;

    /// <summary>Reads a request line as the server would, into a question (<see cref="LiveRequest.Case"/>, whose
    /// expected answer is <see cref="LiveRequest.Unanswered"/>) re-encoded by this codec. It refuses what the server
    /// answers with a <c>protocol_error</c> (with the server's message, but for JSON syntax errors, which the parsers
    /// word differently), and also what the model cannot carry: JSON the fixture reader refuses (repeated keys, NaN),
    /// args <see cref="CaseArgs"/> refuses, a group that is not a string, a scalar beyond double, and what the server
    /// would silently ignore (steps on an api other than metric, other keys in a step).</summary>
    /// <param name="line">The line, UTF-8; a trailing <c>\n</c> is allowed.</param>
    /// <param name="request">The request, when the line is one.</param>
    /// <param name="problem">Otherwise why not.</param>
    public static bool TryDecodeRequest(ReadOnlyMemory<byte> line, [NotNullWhen(true)] out LiveRequest? request, [NotNullWhen(false)] out string? problem) =>
        WireRequestReader.TryRead(line, out request, out problem);

    /// <summary>Reads an answer line.</summary>
    /// <param name="line">The line, UTF-8; a trailing <c>\n</c> is allowed.</param>
    /// <param name="answer">The answer, when the line is one.</param>
    /// <param name="problem">Otherwise what is wrong with it (it is garbage).</param>
    public static bool TryDecodeAnswer(ReadOnlyMemory<byte> line, [NotNullWhen(true)] out LiveAnswer? answer, [NotNullWhen(false)] out string? problem) =>
        WireAnswerReader.TryRead(line, out answer, out problem);

    /// <summary>Reads the hello line (<c>{"hello": "cosine-parity/1", "profiles": [...], "provenance": {...}}</c>).</summary>
    /// <param name="line">The line, UTF-8; a trailing <c>\n</c> is allowed.</param>
    /// <param name="hello">The hello, when the line is one of this format.</param>
    /// <param name="problem">Otherwise what is wrong with it.</param>
    public static bool TryDecodeHello(ReadOnlyMemory<byte> line, [NotNullWhen(true)] out LiveHello? hello, [NotNullWhen(false)] out string? problem) =>
        WireAnswerReader.TryReadHello(line, out hello, out problem);

    /// <summary>Whether an answer's id is the one its request must get back (<see cref="LiveRequest.EchoId"/>):
    /// both null, the same string, or the same integer.</summary>
    /// <param name="expected">The id the request carries for echoing.</param>
    /// <param name="echoed">The answer's id.</param>
    public static bool IdsMatch(JsonValue? expected, JsonValue? echoed)
    {
        if (expected is null || echoed is null)
        {
            return expected is null && echoed is null;
        }

        JsonValueKind kind = expected.GetValueKind();
        if (kind != echoed.GetValueKind())
        {
            return false;
        }

        return kind switch
        {
            JsonValueKind.String => expected.GetValue<string>() == echoed.GetValue<string>(),
            JsonValueKind.Number => BigInteger.TryParse(expected.ToJsonString(), out BigInteger a) && BigInteger.TryParse(echoed.ToJsonString(), out BigInteger b) && a == b,
            _ => false,
        };
    }
}

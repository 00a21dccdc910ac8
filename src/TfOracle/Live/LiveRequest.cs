using System;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Live;

/// <summary>
/// One request line for the live oracle, encoded once: a question (<see cref="Case"/>, with <see cref="Want"/> and the
/// <see cref="Id"/> the line carries), or a raw line given as is (to probe the server's protocol errors). The server
/// answers it with exactly one line echoing <see cref="EchoId"/>.
/// </summary>
public sealed class LiveRequest
{
    private readonly byte[] _line;

    private LiveRequest(ParityCase? question, LiveWants want, JsonValue? id, byte[] line)
    {
        Case = question;
        Want = want;
        Id = id;
        EchoId = id is not null && (id.GetValueKind() == JsonValueKind.String || IsIntegerLiteral(id)) ? id : null;
        Name = question is null ? id?.ToJsonString() ?? "(a line without id)"
            : id is null || (id.GetValueKind() == JsonValueKind.String && id.GetValue<string>() == question.Id) ? question.Id
            : $"{question.Id} (id {id.ToJsonString()})";
        _line = line;
    }

    /// <summary>What a question case holds for its answer before it has one: a <see cref="ParityCase"/> needs an
    /// expected answer, and this one passes no judge (no port raises <c>Unanswered</c>).</summary>
    public static CaseExpected Unanswered { get; } =
        CaseExpected.FromError(new CaseError("Unanswered", "a question for the live oracle, not yet answered"));

    /// <summary>The question (its answer is ignored), or null for a raw line.</summary>
    public ParityCase? Case { get; }

    /// <summary>What the question asks for beyond the value; <see cref="LiveWants.None"/> for a raw line.</summary>
    public LiveWants Want { get; }

    /// <summary>The <c>id</c> the line carries (a string, an integer, or a boolean the server accepts but cannot
    /// echo), or null when it has none. Treat it as read-only.</summary>
    public JsonValue? Id { get; }

    /// <summary>The id the answer must carry: <see cref="Id"/> when it is a string or an integer, else null (the
    /// server echoes <c>null</c> for an id it cannot read).</summary>
    public JsonValue? EchoId { get; }

    /// <summary>The line as sent: UTF-8, ending in <c>\n</c>.</summary>
    public ReadOnlyMemory<byte> Utf8Line => _line;

    /// <summary>The line as sent, without its <c>\n</c>.</summary>
    public string Line => Encoding.UTF8.GetString(_line, 0, _line.Length - 1);

    /// <summary>A name for reports: the case id, followed by the id the line carries when that is another one (a
    /// question asked many times under ids of its own is then still told apart); for a raw line, the id it carries.</summary>
    public string Name { get; }

    /// <summary>A question: the case's inputs, args and steps, with the case's own id (a string).</summary>
    /// <param name="question">The case; its expected answer, gradients and step values are not sent.</param>
    /// <param name="want">What to ask for beyond the value.</param>
    public static LiveRequest For(ParityCase question, LiveWants want = LiveWants.None)
    {
        ArgumentNullException.ThrowIfNull(question);
        return For(question, want, JsonValue.Create(question.Id));
    }

    /// <summary>A question with the id the line is to carry.</summary>
    /// <param name="question">The case; its expected answer, gradients and step values are not sent.</param>
    /// <param name="want">What to ask for beyond the value.</param>
    /// <param name="id">A string or an integer (echoed), a boolean (accepted, echoed as null), or null for none.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is of another kind, or <paramref name="want"/> holds
    /// an undefined flag.</exception>
    public static LiveRequest For(ParityCase question, LiveWants want, JsonValue? id)
    {
        ArgumentNullException.ThrowIfNull(question);
        if ((want & ~(LiveWants.Gradients | LiveWants.Exact)) != 0)
        {
            throw new ArgumentException($"undefined want flags {want}", nameof(want));
        }

        JsonValue? copy = null;
        if (id is not null)
        {
            JsonValueKind kind = id.GetValueKind();
            if (!(kind is JsonValueKind.String or JsonValueKind.True or JsonValueKind.False || IsIntegerLiteral(id)))
            {
                throw new ArgumentException($"a request id is a string, an integer or a boolean, not {id.ToJsonString()}", nameof(id));
            }

            copy = (JsonValue)id.DeepClone();   // ours alone: a node belongs to one parent
        }

        return new LiveRequest(question, want, copy, WireRequestWriter.Write(question, want, copy));
    }

    /// <summary>A raw line, sent as given (a malformed one gets a <c>protocol_error</c> answer).</summary>
    /// <param name="line">One line without its terminator.</param>
    /// <exception cref="ArgumentException">The line holds a <c>\n</c> (it would be two requests) or only whitespace
    /// (the server ignores it and never answers).</exception>
    public static LiveRequest FromLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return FromUtf8Line(Encoding.UTF8.GetBytes(line));
    }

    /// <summary>A raw line of bytes, sent as given (they need not be UTF-8: the server says so).</summary>
    /// <param name="line">One line without its terminator.</param>
    /// <exception cref="ArgumentException">The line holds a <c>\n</c> or only whitespace.</exception>
    public static LiveRequest FromUtf8Line(ReadOnlySpan<byte> line)
    {
        if (line.Contains((byte)'\n'))
        {
            throw new ArgumentException("a request line holds no \\n: the server would read it as two requests", nameof(line));
        }

        if (WireRequestReader.IsBlank(line))
        {
            throw new ArgumentException("a blank line is no request: the server ignores it and never answers", nameof(line));
        }

        byte[] bytes = new byte[line.Length + 1];
        line.CopyTo(bytes);
        bytes[^1] = (byte)'\n';
        return new LiveRequest(null, LiveWants.None, WireRequestReader.IdOfRawLine(line), bytes);
    }

    /// <summary>A decoded request: its question and want, re-encoded by the writer.</summary>
    internal static LiveRequest Decoded(ParityCase question, LiveWants want, JsonValue? id) =>
        new(question, want, id, WireRequestWriter.Write(question, want, id));

    /// <summary>The name.</summary>
    public override string ToString() => Name;

    private static bool IsIntegerLiteral(JsonValue id) =>
        id.GetValueKind() == JsonValueKind.Number && JsonNumbers.IsIntegerLiteral(id.ToJsonString());
}

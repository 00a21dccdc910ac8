using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CosineParity.Oracle.Live;

namespace CosineParity.Tests.Live;

/// <summary>
/// A real session of <c>python -m tforacle serve</c> (TensorFlow 2.21), byte for byte, kept in the repository beside
/// the stand-in that replays it: requests.jsonl (163 lines: 152 cases, 10 malformed, 1 blank) and answers.jsonl (the
/// hello, then one answer per non-blank request).
/// </summary>
public static class ServeTranscript
{
    private static readonly Lazy<IReadOnlyList<byte[]>> RequestLinesValue = new(() => Lines("requests.jsonl"));
    private static readonly Lazy<IReadOnlyList<byte[]>> AnswerLinesValue = new(() => Lines("answers.jsonl"));
    private static readonly Lazy<IReadOnlyList<TranscriptExchange>> ExchangesValue = new(Pair);

    /// <summary>The folder holding the session.</summary>
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "StandInOracle", "transcript");

    /// <summary>Every request line, blank ones included.</summary>
    public static IReadOnlyList<byte[]> RequestLines => RequestLinesValue.Value;

    /// <summary>Every answer line: the hello first.</summary>
    public static IReadOnlyList<byte[]> AnswerLines => AnswerLinesValue.Value;

    /// <summary>The non-blank requests with their answers, in order.</summary>
    public static IReadOnlyList<TranscriptExchange> Exchanges => ExchangesValue.Value;

    /// <summary>Each exchange's request as the client sends it: decoded into a question when it is one (re-encoded by
    /// the codec), else the raw line.</summary>
    public static IReadOnlyList<LiveRequest> Requests(int count = int.MaxValue) =>
        Exchanges.Take(count).Select(e => LiveCodec.TryDecodeRequest(e.Request, out LiveRequest? request, out _) ? request : LiveRequest.FromUtf8Line(e.Request)).ToArray();

    private static List<byte[]> Lines(string name)
    {
        byte[] data = File.ReadAllBytes(Path.Combine(Folder, name));
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

        if (start != data.Length)
        {
            throw new InvalidDataException($"{name} does not end with a newline");
        }

        return lines;
    }

    private static List<TranscriptExchange> Pair()
    {
        var exchanges = new List<TranscriptExchange>();
        for (int i = 0; i < RequestLines.Count; i++)
        {
            if (!RequestLines[i].All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                exchanges.Add(new TranscriptExchange(i + 1, RequestLines[i], AnswerLines[exchanges.Count + 1]));
            }
        }

        return exchanges.Count == AnswerLines.Count - 1
            ? exchanges
            : throw new InvalidDataException($"{exchanges.Count} non-blank requests for {AnswerLines.Count - 1} answers");
    }
}

namespace CosineParity.Tests.Live;

/// <summary>One non-blank request line of the recorded session and the answer the real server wrote to it.</summary>
/// <param name="Line">The request's line number in requests.jsonl (1-based).</param>
/// <param name="Request">The request line's bytes, without <c>\n</c>.</param>
/// <param name="Answer">The answer line's bytes, without <c>\n</c>.</param>
public sealed record TranscriptExchange(int Line, byte[] Request, byte[] Answer)
{
    public override string ToString() => $"requests.jsonl:{Line}";
}

using System;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using CosineParity.StandIn;

// A stand-in for `python -m tforacle serve` without TensorFlow: replays a recorded session (hello first, then the
// recorded answer to each request line) and injects the faults its flags ask for. See StandInFlags for them.
StandInFlags flags;
Transcript transcript;
RandomFaults? faults;
try
{
    flags = StandInFlags.Parse(args);
    transcript = Transcript.Load(flags.Transcript, flags.EchoIds);
    faults = RandomFaults.Start(flags);
}
catch (Exception e) when (e is ArgumentException or FormatException or IOException)
{
    Console.Error.WriteLine($"stand-in: {e.Message}\n{StandInFlags.Usage}");
    return 2;
}

using Stream stdin = new BufferedStream(Console.OpenStandardInput(), 64 * 1024);
using Stream stdout = Console.OpenStandardOutput();
using Stream stderr = Console.OpenStandardError();

Noise();
if (flags.NoHello)
{
    // Alive and silent: the client's hello timeout must notice.
    while (ReadLine() is not null)
    {
    }

    return 0;
}

Thread.Sleep(flags.HelloDelayMs);
Write(flags.BadHello ? """{"hello":"cosine-parity/0","profiles":[],"provenance":{}}"""u8.ToArray() : transcript.Hello);
if (flags.CrashAfter == 0)
{
    return Crash("right after the hello");
}

int answered = 0;
while (ReadLine() is { } request)
{
    if (Transcript.IsBlank(request))
    {
        continue;   // as the server: no answer for a blank line
    }

    if (flags.HangAfter == answered)
    {
        Console.Error.WriteLine($"stand-in: hanging after {answered} answers");
        Thread.Sleep(Timeout.Infinite);
    }

    if (flags.CrashOnId is { } poison && Transcript.IdOf(request) == poison)
    {
        Console.Error.WriteLine($"stand-in: crashing on request {poison}");
        stderr.Flush();
        return 4;
    }

    Thread.Sleep(flags.DelayMs);
    Noise();
    int number = answered + 1;
    byte[] answer = transcript.Answer(request) ?? NotInTranscript(request);
    switch (faults?.Next(request))
    {
        case RandomFault.Hang:
            Console.Error.WriteLine($"stand-in: hanging at random on request {Transcript.EchoOf(request)}");
            Thread.Sleep(Timeout.Infinite);
            break;
        case RandomFault.TornCrash:
            stdout.Write(answer.AsSpan(0, answer.Length / 2));
            stdout.Flush();
            return Crash($"at random half way through the answer to {Transcript.EchoOf(request)}");
        case RandomFault.Crash:
            return Crash($"at random on request {Transcript.EchoOf(request)}");
        default:
            break;
    }

    if (flags.GarbageAt.Contains(number))
    {
        answer = "stand-in: garbage where an answer belongs"u8.ToArray();
    }
    else if (flags.WrongIdAt.Contains(number))
    {
        answer = WithId(answer, "stand-in-wrong-id");
    }

    Write(answer);
    answered = number;
    if (flags.CrashAfter == answered)
    {
        return Crash($"after {answered} answers");
    }
}

return 0;

int Crash(string when)
{
    Console.Error.WriteLine($"stand-in: crashing {when}");
    return flags.ExitCode;
}

void Write(byte[] line)
{
    stdout.Write(line);
    stdout.WriteByte((byte)'\n');
    stdout.Flush();
}

void Noise()
{
    if (flags.StderrNoise <= 0)
    {
        return;
    }

    byte[] line = Encoding.ASCII.GetBytes("stand-in noise: W tensorflow/core/framework/op_kernel.cc:1830] an oracle talks a lot on stderr\n");
    for (int written = 0; written < flags.StderrNoise; written += line.Length)
    {
        stderr.Write(line);   // blocks when nobody drains the pipe: that is the point
    }

    stderr.Flush();
}

byte[]? ReadLine()
{
    var line = new MemoryStream();
    int b;
    while ((b = stdin.ReadByte()) >= 0)
    {
        if (b == '\n')
        {
            return line.ToArray();
        }

        line.WriteByte((byte)b);
    }

    return line.Length > 0 ? line.ToArray() : null;
}

static byte[] NotInTranscript(byte[] request)
{
    return Encoding.UTF8.GetBytes($"{{\"id\":{Transcript.EchoOf(request)},\"protocol_error\":\"stand-in: request not in the transcript\"}}");
}

static byte[] WithId(byte[] answer, string id)
{
    JsonObject parsed = JsonNode.Parse(answer)!.AsObject();
    parsed["id"] = id;
    return Encoding.UTF8.GetBytes(parsed.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
}

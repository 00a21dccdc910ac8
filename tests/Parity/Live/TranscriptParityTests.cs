using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Live;
using CosineParity.Oracle.Replay;
using Xunit;
using Xunit.Abstractions;

namespace CosineParity.Tests.Live;

/// <summary>
/// The port's answers to the recorded session's requests held against TF's recorded answers by the fixture rule
/// (fixtures/README, "The error bound"), every api: each answer with its exact values and bounds, each TF error (the
/// port must throw the mapped type), each config. Values asked without <c>want exact</c> have no bound to judge by:
/// they are counted with that reason.
/// </summary>
public sealed class TranscriptParityTests(ITestOutputHelper output)
{
    [Fact]
    public void The_port_passes_every_recorded_answer_it_can_be_judged_on()
    {
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        int judged = 0, bitIdentical = 0;
        foreach (TranscriptExchange exchange in ServeTranscript.Exchanges)
        {
            Assert.True(LiveCodec.TryDecodeAnswer(exchange.Answer, out LiveAnswer? answer, out string? garbage), garbage);
            if (answer.IsProtocolError || !LiveCodec.TryDecodeRequest(exchange.Request, out LiveRequest? request, out _))
            {
                Skip(skipped, "a protocol error: no case");
                continue;
            }

            Assert.True(answer.TryComplete(request.Case!, out ParityCase? answered, out string? misfit), misfit);
            Verdict verdict = CaseReplay.Judge(answered);
            if (!verdict.Judged)
            {
                Skip(skipped, verdict.Failure!);
                continue;
            }

            judged++;
            bitIdentical += verdict.BitIdentical ? 1 : 0;
            if (!verdict.Passed)
            {
                failures.Add($"{exchange} {answered.Id}: {verdict.Failure}");
            }
        }

        output.WriteLine($"judged {judged}, passed {judged - failures.Count} ({bitIdentical} bit-identical values)");
        foreach ((string reason, int count) in skipped.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"skipped {count}: {reason}");
        }

        Assert.Empty(failures);
        // Judged: every answer but protocol errors and the metric and compute_average_loss values asked without exact
        // (the C# reference gives loss and function values their bound), counted from the answer lines themselves.
        int unjudgeable = ServeTranscript.Exchanges.Count(e =>
        {
            string a = System.Text.Encoding.UTF8.GetString(e.Answer);
            return a.Contains("\"protocol_error\":", StringComparison.Ordinal)
                || (!a.Contains("\"bound\":", StringComparison.Ordinal) && a.Contains("\"value\":", StringComparison.Ordinal)
                    && (a.Contains("\"steps\":", StringComparison.Ordinal) || IsAverageLoss(e)));
        });
        Assert.Equal(162 - unjudgeable, judged);
        Assert.Equal(162, judged + skipped.Values.Sum());
    }

    private static bool IsAverageLoss(TranscriptExchange exchange) =>
        System.Text.Encoding.UTF8.GetString(exchange.Request).Contains("\"api\":\"compute_average_loss\"", StringComparison.Ordinal);

    private static void Skip(Dictionary<string, int> skipped, string reason) => skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
}

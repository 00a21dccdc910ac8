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
/// (fixtures/README, "The error bound"): every loss or function request whose answer has a value with its exact value
/// and bound, or a TF error (the port must throw the mapped type). The rest is counted with the reason it is skipped.
/// </summary>
public sealed class TranscriptParityTests(ITestOutputHelper output)
{
    [Fact]
    public void The_port_passes_every_recorded_loss_and_function_answer_it_can_be_judged_on()
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
            if (PortRunner.SkipReason(answered) is { } reason)
            {
                Skip(skipped, reason);
                continue;
            }

            if (answered.Expected.Value is { Exact: null })
            {
                Skip(skipped, "a value without exact and bound (asked without want exact): the rule needs both");
                continue;
            }

            judged++;
            PortAnswer port = PortRunner.Run(answered);
            Verdict verdict = CaseJudge.Judge(answered, port);
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
        // 20 values with exact and bound and 15 TF errors; 37 values without exact, 80 of other apis, 10 refused.
        Assert.Equal(35, judged);
        Assert.Equal(162 - 35, skipped.Values.Sum());
    }

    private static void Skip(Dictionary<string, int> skipped, string reason) => skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
}

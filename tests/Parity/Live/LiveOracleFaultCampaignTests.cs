using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using CosineParity.Oracle.Live;
using Xunit;
using Xunit.Abstractions;

namespace CosineParity.Tests.Live;

/// <summary>
/// The client at scale under a stand-in that crashes (some of the crashes half way through an answer) and hangs at
/// random, seeded, with a few poison cases that fail every server: every case ends exactly once, an answer always with
/// the case's own recorded answer under the case's own id, a failure with its reason and the faults behind it, each
/// fault one the stand-in logged injecting on that very case.
/// </summary>
public sealed class LiveOracleFaultCampaignTests(ITestOutputHelper output)
{
    /// <summary>The campaign of the suite: 10,000 cases with about 10 crashes, 5 hangs and 4 poison cases; the seed is
    /// fixed so the faults land on the same requests every run. <c>LIVE_FAULTS_CASES</c> and <c>LIVE_FAULTS_SEED</c>
    /// run another size or seed.</summary>
    public static FaultCampaignSettings Suite { get; } = new(Cases: FromEnvironment("LIVE_FAULTS_CASES", 10_000),
        Seed: FromEnvironment("LIVE_FAULTS_SEED", 20261202), CrashRate: 0.001, HangRate: 0.0005, PoisonRate: 0.0004,
        AnswerTimeout: TimeSpan.FromMilliseconds(500));

    [Fact]
    public async Task Ten_thousand_cases_under_random_crashes_and_hangs_each_end_once_answered_as_their_own_or_named_unanswered()
    {
        FaultCampaign campaign = await FaultCampaign.RunAsync(Suite);
        output.WriteLine(campaign.Summary());

        AssertEveryCaseEndsOnceAsItsOwn(campaign);
        AssertFaultsAreTheInjectedOnes(campaign);
        Assert.True(campaign.Injected.Count(f => f.Reason == LiveFailureReason.Crash) >= 3, "too few crashes injected to test anything");
        Assert.True(campaign.Injected.Count(f => f.Kind == "hang" && !f.Poison) >= 3, "too few hangs injected to test anything");
        Assert.Contains(campaign.Injected, f => f.Poison);
    }

    /// <summary>One outcome per case, in order, for that very request; an answer carries the case's id and otherwise
    /// the recorded answer of the question it was asked from; a failure ran out of retries.</summary>
    private static void AssertEveryCaseEndsOnceAsItsOwn(FaultCampaign campaign)
    {
        if (campaign.Outcomes.Count < campaign.Requests.Count)
        {
            Assert.Fail($"no outcome for {campaign.Requests[campaign.Outcomes.Count].Name} within {FaultCampaign.StallLimit.TotalMinutes} min: lost");
        }

        Assert.Equal(campaign.Requests.Count, campaign.Outcomes.Count);
        for (int i = 0; i < campaign.Outcomes.Count; i++)
        {
            LiveOutcome outcome = campaign.Outcomes[i];
            Assert.Same(campaign.Requests[i], outcome.Request);
            if (outcome.Kind == LiveOutcomeKind.Failed)
            {
                Assert.Equal(campaign.Settings.MaxRetries + 1, outcome.Faults.Count);
                Assert.Equal(campaign.Settings.MaxRetries > 0 ? LiveFailureReason.RetriesExhausted : outcome.Faults[0].Reason, outcome.FailureReason);
                Assert.False(string.IsNullOrEmpty(outcome.FailureDetail));
                continue;
            }

            using JsonDocument answer = JsonDocument.Parse(outcome.AnswerLine!);
            using JsonDocument recorded = JsonDocument.Parse(campaign.Sources[i].Answer);
            Assert.Equal(FaultCampaign.IdOf(i), answer.RootElement.GetProperty("id").GetString());
            Assert.True(SameExceptId(recorded.RootElement, answer.RootElement), $"case {i} got another case's answer: {outcome.AnswerLine}");
            bool refused = recorded.RootElement.TryGetProperty("protocol_error", out _);
            Assert.Equal(refused ? LiveOutcomeKind.ProtocolError : LiveOutcomeKind.Answered, outcome.Kind);
            Assert.Equal(!refused, outcome.Answered is not null);
        }
    }

    /// <summary>Each server but the last ended in one incident, blamed on a case, and each stand-in process injects at
    /// most one fault (it dies or hangs at it), so the two accounts meet server by server: the client blamed server n
    /// on the case and for the reason that server logged, except for a timeout of a loaded machine (an answer later
    /// than the timeout, no fault logged, or one logged on a later case the server had read on to). A poison case
    /// never got an answer.</summary>
    private void AssertFaultsAreTheInjectedOnes(FaultCampaign campaign)
    {
        var blamed = campaign.Outcomes
            .SelectMany(o => o.Faults.Select(f => (f.Server, Id: o.Request.Id!.GetValue<string>(), f.Reason, o.Request.Name)))
            .ToDictionary(f => f.Server);
        Dictionary<int, InjectedFault> injected = campaign.Injected.ToDictionary(f => f.Server);
        Assert.Equal((campaign.Incidents.Count + 1, campaign.Incidents.Count + 1), (campaign.ServersStarted, campaign.Starts));
        Assert.Equal(campaign.Incidents.Count, blamed.Count);
        Assert.All(campaign.Incidents, i => Assert.Equal((blamed[i.Server].Reason, blamed[i.Server].Name), (i.Reason, i.Request)));

        int late = 0;
        foreach ((int server, var fault) in blamed)
        {
            bool logged = injected.TryGetValue(server, out InjectedFault? cause) && (cause.Id, cause.Reason) == (fault.Id, fault.Reason);
            late += logged ? 0 : 1;
            Assert.True(logged || fault.Reason == LiveFailureReason.Timeout,
                $"server {server}: the client blamed {fault.Reason} on {fault.Name}, the stand-in logged {cause?.ToString() ?? "no fault"}");
        }

        Assert.All(injected.Keys, server => Assert.True(blamed.ContainsKey(server), $"server {server} injected {injected[server]}, no case was blamed"));
        output.WriteLine($"timeouts that are no logged hang (a late answer on a loaded machine): {late}");

        HashSet<string> poison = campaign.Injected.Where(f => f.Poison).Select(f => f.Id).ToHashSet();
        Assert.All(campaign.Outcomes.Where(o => poison.Contains(o.Request.Id!.GetValue<string>())), o => Assert.Equal(LiveOutcomeKind.Failed, o.Kind));
    }

    private static int FromEnvironment(string variable, int otherwise) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : otherwise;

    private static bool SameExceptId(JsonElement recorded, JsonElement answer)
    {
        string[] keys = [.. recorded.EnumerateObject().Select(p => p.Name).Where(k => k != "id").Order(StringComparer.Ordinal)];
        string[] answerKeys = [.. answer.EnumerateObject().Select(p => p.Name).Where(k => k != "id").Order(StringComparer.Ordinal)];
        return keys.SequenceEqual(answerKeys, StringComparer.Ordinal) && keys.All(k => JsonEquivalence.Same(recorded.GetProperty(k), answer.GetProperty(k)));
    }
}

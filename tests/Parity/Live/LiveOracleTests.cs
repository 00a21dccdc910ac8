using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CosineParity.Oracle.Live;
using Xunit;
using Xunit.Abstractions;

namespace CosineParity.Tests.Live;

/// <summary>
/// The client against the stand-in oracle replaying the recorded session: clean, it gets every recorded answer, each
/// for its own request; under each fault (a crash, a hang, garbage, a wrong id, slowness, stderr noise, a late or
/// missing hello) every request still ends exactly once, answered with its own recorded answer (after a restart the
/// re-sent requests get theirs), or failed with the reason.
/// </summary>
public sealed class LiveOracleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_clean_stand_in_gives_every_request_its_recorded_answer()
    {
        IReadOnlyList<LiveRequest> requests = ServeTranscript.Requests();
        Assert.Equal((163, 162), (ServeTranscript.RequestLines.Count, requests.Count));   // the blank line is not sent
        var clock = Stopwatch.StartNew();
        LiveOracle oracle = new(StandIn.Options());
        LiveHello hello = await oracle.ConnectAsync();
        List<LiveOutcome> outcomes = await AskAll(oracle, requests);
        await oracle.DisposeAsync();

        output.WriteLine($"{outcomes.Count} outcomes in {clock.ElapsedMilliseconds} ms");
        Assert.Equal("2.21.0", hello.Provenance["tensorflow"]!.GetValue<string>());
        AssertRecorded(requests, outcomes, faulted: []);
        Assert.Equal(10, outcomes.Count(o => o.Kind == LiveOutcomeKind.ProtocolError));
        Assert.Equal(152, outcomes.Count(o => o.Answered is not null));
        Assert.All(outcomes, o => Assert.Equal(1, o.Sends));
        Assert.Equal((1, 0), (oracle.ServersStarted, oracle.Incidents.Count));
        Assert.Equal(0, oracle.LastExitCode);   // stdin closed: the server finished and exited cleanly
    }

    /// <summary>A fault, the answer timeout it is tried with, and the requests (0-based) that must be blamed for it.</summary>
    public static TheoryData<string, string[], int, LiveFailureReason?, int[]> Faults() => new()
    {
        { "crash after every 40 answers", ["--crash-after", "40"], 20_000, LiveFailureReason.Crash, [40, 80, 120, 160] },
        { "hang after every 50 answers", ["--hang-after", "50"], 2_500, LiveFailureReason.Timeout, [50, 100, 150] },
        { "garbage for the 10th answer, once", ["--garbage-at", "10", "--fault-once", "{once}"], 20_000, LiveFailureReason.Garbage, [9] },
        { "a wrong id for the 7th answer, once", ["--wrong-id-at", "7", "--fault-once", "{once}"], 20_000, LiveFailureReason.WrongId, [6] },
        { "100 kB of stderr before every answer", ["--stderr-noise", "100000"], 20_000, null, [] },
        { "slow answers (3 ms each)", ["--delay-ms", "3"], 20_000, null, [] },
        { "a late hello (0.5 s)", ["--hello-delay-ms", "500"], 20_000, null, [] },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Under_a_fault_every_request_still_gets_its_own_recorded_answer(string fault, string[] flags, int answerTimeoutMs,
        LiveFailureReason? reason, int[] faulted)
    {
        string marker = StandIn.OnceMarker();
        try
        {
            IReadOnlyList<LiveRequest> requests = ServeTranscript.Requests();
            var clock = Stopwatch.StartNew();
            LiveOracle oracle = new(WithTimeout(StandIn.Options(flags.Select(f => f.Replace("{once}", marker, StringComparison.Ordinal)).ToArray()), answerTimeoutMs));
            List<LiveOutcome> outcomes = await AskAll(oracle, requests);
            await oracle.DisposeAsync();

            output.WriteLine($"{fault}: {outcomes.Count} outcomes in {clock.ElapsedMilliseconds} ms, {oracle.ServersStarted} servers");
            foreach (LiveIncident incident in oracle.Incidents)
            {
                output.WriteLine($"  {incident}");
            }

            AssertRecorded(requests, outcomes, faulted);
            Assert.All(faulted, i => Assert.Equal(reason, Assert.Single(outcomes[i].Faults).Reason));
            Assert.Equal(faulted.Length + 1, oracle.ServersStarted);
            Assert.Equal(faulted.Length, oracle.Incidents.Count);
            if (faulted.Length > 0)
            {
                // Requests behind the blamed one were in flight too: re-sent without blame, each got its own answer.
                Assert.Contains(outcomes, o => o.Sends > 1 && o.Faults.Count == 0);
            }

            if (flags.Contains("--stderr-noise"))
            {
                Assert.Contains("stand-in noise", oracle.LastStderr, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task A_request_that_crashes_every_server_fails_after_its_retries_and_no_other_does()
    {
        IReadOnlyList<LiveRequest> requests = ServeTranscript.Requests(30);
        int poison = 12;
        string id = requests[poison].Case!.Id;
        LiveOracle oracle = new(new LiveOracleOptions
        {
            Command = StandIn.Command("--crash-on-id", id),
            MaxRetries = 2,
            MaxInFlight = 4,
            HelloTimeout = TimeSpan.FromSeconds(30),
        });
        LiveOutcome[] outcomes = await Task.WhenAll(requests.Select(r => oracle.AskAsync(r)));
        await oracle.DisposeAsync();

        LiveOutcome failed = outcomes[poison];
        output.WriteLine(failed.ToString());
        Assert.Equal((LiveOutcomeKind.Failed, LiveFailureReason.RetriesExhausted), (failed.Kind, failed.FailureReason));
        Assert.Equal(3, failed.Faults.Count);
        Assert.All(failed.Faults, f => Assert.Equal(LiveFailureReason.Crash, f.Reason));
        Assert.Contains("exit code 4", failed.Faults[0].Detail, StringComparison.Ordinal);
        Assert.Contains("crashing on request", failed.Faults[0].Detail, StringComparison.Ordinal);   // the stderr tail
        Assert.Equal(3, failed.Sends);
        AssertRecorded(requests, outcomes, faulted: [poison], failed: [poison]);
        Assert.Equal(4, oracle.ServersStarted);
    }

    [Fact]
    public async Task Answers_slower_than_the_timeout_fail_each_request_with_timeout()
    {
        IReadOnlyList<LiveRequest> requests = ServeTranscript.Requests(3);
        LiveOracle oracle = new(new LiveOracleOptions
        {
            Command = StandIn.Command("--delay-ms", "10000"),
            AnswerTimeout = TimeSpan.FromMilliseconds(300),
            HelloTimeout = TimeSpan.FromSeconds(30),
            MaxRetries = 0,
        });
        LiveOutcome[] outcomes = await Task.WhenAll(requests.Select(r => oracle.AskAsync(r)));
        await oracle.DisposeAsync();

        Assert.All(outcomes, o => Assert.Equal((LiveOutcomeKind.Failed, LiveFailureReason.Timeout, 1), (o.Kind, o.FailureReason, o.Faults.Count)));
        Assert.All(outcomes, o => Assert.Contains("no answer within 0.3 s", o.FailureDetail, StringComparison.Ordinal));
        Assert.Equal(3, oracle.ServersStarted);
    }

    [Fact]
    public async Task A_server_that_never_says_hello_fails_the_waiting_requests_as_a_failed_start()
    {
        LiveOracle oracle = new(new LiveOracleOptions
        {
            Command = StandIn.Command("--no-hello"),
            HelloTimeout = TimeSpan.FromMilliseconds(400),
            MaxStartAttempts = 2,
        });
        LiveOutcome[] outcomes = await Task.WhenAll(ServeTranscript.Requests(3).Select(r => oracle.AskAsync(r)));
        LiveOracleException error = await Assert.ThrowsAsync<LiveOracleException>(() => oracle.ConnectAsync());
        await oracle.DisposeAsync();

        Assert.All(outcomes, o => Assert.Equal((LiveOutcomeKind.Failed, LiveFailureReason.StartFailed, 0), (o.Kind, o.FailureReason, o.Sends)));
        Assert.Contains("no hello within 0.4 s", outcomes[0].FailureDetail, StringComparison.Ordinal);
        Assert.Contains("failed to start 2 times in a row", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, oracle.ServersStarted);
    }

    [Theory]
    [InlineData("a hello of another format", new[] { "--bad-hello" }, 30_000, "cosine-parity/0")]
    [InlineData("a hello later than the timeout", new[] { "--hello-delay-ms", "5000" }, 300, "no hello within 0.3 s")]
    [InlineData("an exit before the hello", new[] { "--no-such-flag" }, 30_000, "exit code 2")]
    public async Task A_bad_start_fails_the_request_with_the_reason(string what, string[] flags, int helloTimeoutMs, string detail)
    {
        LiveOracle oracle = new(new LiveOracleOptions
        {
            Command = StandIn.Command(flags),
            HelloTimeout = TimeSpan.FromMilliseconds(helloTimeoutMs),
            MaxStartAttempts = 1,
        });
        LiveOutcome outcome = await oracle.AskAsync(ServeTranscript.Requests(1)[0]);
        await oracle.DisposeAsync();

        output.WriteLine($"{what}: {outcome}");
        Assert.Equal((LiveOutcomeKind.Failed, LiveFailureReason.StartFailed), (outcome.Kind, outcome.FailureReason));
        Assert.Contains(detail, outcome.FailureDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_executable_is_a_failed_start_not_an_exception()
    {
        LiveOracle oracle = new(new LiveOracleOptions
        {
            Command = new LiveServerCommand("/nonexistent/python3", ["-m", "tforacle", "serve"]),
        });
        LiveOutcome outcome = await oracle.AskAsync(ServeTranscript.Requests(1)[0]);
        await oracle.DisposeAsync();

        Assert.Equal((LiveOutcomeKind.Failed, LiveFailureReason.StartFailed), (outcome.Kind, outcome.FailureReason));
        Assert.Contains("could not start /nonexistent/python3 -m tforacle serve", outcome.FailureDetail, StringComparison.Ordinal);
        Assert.Equal(3, oracle.ServersStarted);
    }

    [Fact]
    public async Task Closing_lets_the_server_answer_what_it_holds_then_it_exits_cleanly()
    {
        IReadOnlyList<LiveRequest> requests = ServeTranscript.Requests(8);
        LiveOracle oracle = new(new LiveOracleOptions { Command = StandIn.Command("--delay-ms", "300"), MaxInFlight = 2, HelloTimeout = TimeSpan.FromSeconds(30) });
        Task<LiveOutcome>[] asked = requests.Select(r => oracle.AskAsync(r)).ToArray();
        await asked[0];
        await oracle.DisposeAsync();
        LiveOutcome[] outcomes = await Task.WhenAll(asked);

        int answered = outcomes.TakeWhile(o => o.Kind != LiveOutcomeKind.Failed).Count();
        output.WriteLine($"{answered} answered, then: {string.Join("; ", outcomes.Skip(answered).Select(o => o.FailureReason))}");
        // The first, and the two in flight when stdin closed (more if the test ran late); the rest were never sent.
        Assert.InRange(answered, 3, 7);
        Assert.All(outcomes.Skip(answered), o => Assert.Equal(LiveFailureReason.Closed, o.FailureReason));
        AssertRecorded(requests, outcomes, faulted: [], failed: Enumerable.Range(answered, outcomes.Length - answered).ToArray());
        Assert.Equal(0, oracle.LastExitCode);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => oracle.AskAsync(requests[0]));
    }

    [Fact]
    public async Task Closing_a_hung_server_kills_it_after_the_grace_period()
    {
        LiveOracle oracle = new(new LiveOracleOptions
        {
            Command = StandIn.Command("--hang-after", "1"),
            HelloTimeout = TimeSpan.FromSeconds(30),
            AnswerTimeout = TimeSpan.FromSeconds(30),
            ShutdownGrace = TimeSpan.FromMilliseconds(300),
        });
        Task<LiveOutcome>[] asked = ServeTranscript.Requests(3).Select(r => oracle.AskAsync(r)).ToArray();
        Assert.Equal(LiveOutcomeKind.Answered, (await asked[0]).Kind);
        var clock = Stopwatch.StartNew();
        await oracle.DisposeAsync();

        Assert.InRange(clock.ElapsedMilliseconds, 250, 8_000);
        Assert.All(await Task.WhenAll(asked.Skip(1)), o => Assert.Equal(LiveFailureReason.Closed, o.FailureReason));
        Assert.Null(oracle.LastExitCode);
        Assert.Contains(oracle.Incidents, i => i.Reason == LiveFailureReason.Closed && i.Detail.Contains("killed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Canceling_a_waiting_request_drops_it_and_keeps_the_others_in_place()
    {
        IReadOnlyList<LiveRequest> requests = ServeTranscript.Requests(3);
        LiveOracle oracle = new(new LiveOracleOptions { Command = StandIn.Command("--delay-ms", "300"), MaxInFlight = 1, HelloTimeout = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource();
        Task<LiveOutcome> first = oracle.AskAsync(requests[0]);
        Task<LiveOutcome> second = oracle.AskAsync(requests[1], cancel.Token);
        Task<LiveOutcome> third = oracle.AskAsync(requests[2]);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        LiveOutcome[] outcomes = [await first, await third];
        await oracle.DisposeAsync();
        Assert.Equal(Recorded(0), outcomes[0].AnswerLine);
        Assert.Equal(Recorded(2), outcomes[1].AnswerLine);
        Assert.All(outcomes, o => Assert.Equal(1, o.Sends));
    }

    [Fact]
    public async Task Stderr_is_drained_line_by_line_so_a_chatty_server_never_stalls()
    {
        int lines = 0;
        LiveOracle oracle = new(new LiveOracleOptions
        {
            Command = StandIn.Command("--stderr-noise", "1000000"),
            HelloTimeout = TimeSpan.FromSeconds(30),
            StderrLine = _ => Interlocked.Increment(ref lines),
        });
        IReadOnlyList<LiveRequest> requests = ServeTranscript.Requests(5);
        LiveOutcome[] outcomes = await Task.WhenAll(requests.Select(r => oracle.AskAsync(r)));
        await oracle.DisposeAsync();

        AssertRecorded(requests, outcomes, faulted: []);
        Assert.True(Volatile.Read(ref lines) > 5 * 1_000_000 / 100, $"{lines} stderr lines");
        Assert.Contains("stand-in noise", oracle.LastStderr, StringComparison.Ordinal);
    }

    private static LiveOracleOptions WithTimeout(LiveOracleOptions options, int answerTimeoutMs) => new()
    {
        Command = options.Command,
        HelloTimeout = options.HelloTimeout,
        AnswerTimeout = TimeSpan.FromMilliseconds(answerTimeoutMs),
        ShutdownGrace = options.ShutdownGrace,
    };

    private static async Task<List<LiveOutcome>> AskAll(LiveOracle oracle, IReadOnlyList<LiveRequest> requests)
    {
        var outcomes = new List<LiveOutcome>();
        await foreach (LiveOutcome outcome in oracle.AskAllAsync(requests))
        {
            outcomes.Add(outcome);
        }

        return outcomes;
    }

    private static string Recorded(int exchange) => Encoding.UTF8.GetString(ServeTranscript.Exchanges[exchange].Answer);

    /// <summary>One outcome per request, in order, each answered with the request's own recorded answer (so none is
    /// misattributed), except the failed ones; faults only where expected.</summary>
    private static void AssertRecorded(IReadOnlyList<LiveRequest> requests, IReadOnlyList<LiveOutcome> outcomes, int[] faulted, int[]? failed = null)
    {
        Assert.Equal(requests.Count, outcomes.Count);
        for (int i = 0; i < outcomes.Count; i++)
        {
            LiveOutcome outcome = outcomes[i];
            Assert.Same(requests[i], outcome.Request);
            Assert.Equal(faulted.Contains(i), outcome.Faults.Count > 0);
            if (failed?.Contains(i) == true)
            {
                Assert.Equal(LiveOutcomeKind.Failed, outcome.Kind);
                Assert.NotNull(outcome.FailureDetail);
                continue;
            }

            Assert.True(outcome.Kind != LiveOutcomeKind.Failed, $"request {i} ({outcome.Request.Name}): {outcome}");
            Assert.Equal(Recorded(i), outcome.AnswerLine);
            bool refused = Recorded(i).Contains("\"protocol_error\":", StringComparison.Ordinal);
            Assert.Equal(refused ? LiveOutcomeKind.ProtocolError : LiveOutcomeKind.Answered, outcome.Kind);
            Assert.Equal(!refused && requests[i].Case is not null, outcome.Answered is not null);
        }
    }
}

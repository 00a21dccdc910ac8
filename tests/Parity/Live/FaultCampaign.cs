using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using CosineParity.Oracle.Live;

namespace CosineParity.Tests.Live;

/// <summary>How a fault campaign runs: how many cases, the stand-in's random faults and the client's limits.</summary>
/// <param name="Cases">Cases sent, each a recorded question under its own id.</param>
/// <param name="Seed">The stand-in's seed: the same seed injects the same faults at the same requests.</param>
/// <param name="CrashRate">The chance that a request read crashes the server.</param>
/// <param name="HangRate">The chance that a request read hangs the server.</param>
/// <param name="PoisonRate">The share of cases that crash or hang every server (they exhaust their retries).</param>
/// <param name="AnswerTimeout">The client's answer timeout (a hang costs this much).</param>
/// <param name="MaxRetries">The client's retries per case.</param>
public sealed record FaultCampaignSettings(int Cases, int Seed, double CrashRate, double HangRate, double PoisonRate,
    TimeSpan AnswerTimeout, int MaxRetries = 2)
{
    /// <summary>The stand-in's flags for these faults, logging to <paramref name="log"/>.</summary>
    public string[] Flags(string log) =>
    [
        "--echo-ids", "--seed", Seed.ToString(CultureInfo.InvariantCulture),
        "--crash-rate", CrashRate.ToString("R", CultureInfo.InvariantCulture),
        "--hang-rate", HangRate.ToString("R", CultureInfo.InvariantCulture),
        "--poison-rate", PoisonRate.ToString("R", CultureInfo.InvariantCulture),
        "--fault-log", log,
    ];
}

/// <summary>One fault the stand-in injected, as its log says.</summary>
/// <param name="Kind"><c>crash</c>, <c>torn-crash</c> or <c>hang</c>.</param>
/// <param name="Server">Which stand-in process (1 for the first).</param>
/// <param name="Id">The id of the request it was reading.</param>
/// <param name="Poison">Whether the request is a poison one (faults in every process).</param>
public sealed record InjectedFault(string Kind, int Server, string Id, bool Poison)
{
    /// <summary>The reason the client is to give for this fault.</summary>
    public LiveFailureReason Reason => Kind == "hang" ? LiveFailureReason.Timeout : LiveFailureReason.Crash;
}

/// <summary>
/// A long run of the client against the stand-in crashing and hanging at random: <see cref="FaultCampaignSettings.Cases"/>
/// recorded questions (the transcript's, cycled), case i under id <c>fault-i</c>; the stand-in finds each by its content
/// and answers with the recorded answer under the case's own id, so every answer says whose it is.
/// </summary>
public sealed class FaultCampaign
{
    /// <summary>How long the run waits for the next outcome before it calls that case lost: far longer than the
    /// retries of one case take (each a timeout and a restart).</summary>
    public static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(2);

    private FaultCampaign(FaultCampaignSettings settings, IReadOnlyList<TranscriptExchange> sources, IReadOnlyList<LiveRequest> requests,
        IReadOnlyList<LiveOutcome> outcomes, int serversStarted, IReadOnlyList<LiveIncident> incidents, int starts,
        IReadOnlyList<InjectedFault> injected, TimeSpan wall)
    {
        Settings = settings;
        Sources = sources;
        Requests = requests;
        Outcomes = outcomes;
        ServersStarted = serversStarted;
        Incidents = incidents;
        Starts = starts;
        Injected = injected;
        Wall = wall;
    }

    /// <summary>How it ran.</summary>
    public FaultCampaignSettings Settings { get; }

    /// <summary>The recorded exchange each case was asked from, by case.</summary>
    public IReadOnlyList<TranscriptExchange> Sources { get; }

    /// <summary>The requests, in order.</summary>
    public IReadOnlyList<LiveRequest> Requests { get; }

    /// <summary>What the client gave back, in the order it yielded them; fewer than the requests when an outcome did
    /// not come within <see cref="StallLimit"/> (that case, the next, is lost).</summary>
    public IReadOnlyList<LiveOutcome> Outcomes { get; }

    /// <summary>Servers the client started.</summary>
    public int ServersStarted { get; }

    /// <summary>The client's log of what ended a server.</summary>
    public IReadOnlyList<LiveIncident> Incidents { get; }

    /// <summary>Stand-in processes that logged their start.</summary>
    public int Starts { get; }

    /// <summary>The faults the stand-in logged, in order.</summary>
    public IReadOnlyList<InjectedFault> Injected { get; }

    /// <summary>From the first request to the last outcome and the server's exit (a stopwatch).</summary>
    public TimeSpan Wall { get; }

    /// <summary>The id case <paramref name="index"/> is sent under.</summary>
    public static string IdOf(int index) => $"fault-{index:D5}";

    /// <summary>Runs a campaign.</summary>
    public static async Task<FaultCampaign> RunAsync(FaultCampaignSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var questions = ServeTranscript.Exchanges.Zip(ServeTranscript.Requests()).Where(pair => pair.Second.Case is not null).ToArray();
        TranscriptExchange[] sources = Enumerable.Range(0, settings.Cases).Select(i => questions[i % questions.Length].First).ToArray();
        LiveRequest[] requests = Enumerable.Range(0, settings.Cases)
            .Select(i => questions[i % questions.Length].Second)
            .Select((source, i) => LiveRequest.For(source.Case!, source.Want, JsonValue.Create(IdOf(i))))
            .ToArray();

        string log = Path.Combine(Path.GetTempPath(), $"stand-in-faults-{Guid.NewGuid():N}.log");
        try
        {
            var oracle = new LiveOracle(new LiveOracleOptions
            {
                Command = StandIn.Command(settings.Flags(log)),
                HelloTimeout = TimeSpan.FromSeconds(30),
                AnswerTimeout = settings.AnswerTimeout,
                MaxRetries = settings.MaxRetries,
            });
            var clock = Stopwatch.StartNew();
            var outcomes = new List<LiveOutcome>(settings.Cases);
            IAsyncEnumerator<LiveOutcome> answers = oracle.AskAllAsync(requests).GetAsyncEnumerator();
            bool stalled = false;
            while (!stalled && outcomes.Count < requests.Length)
            {
                // A lost case would keep the run waiting forever: wait for each outcome a bounded time instead.
                Task<bool> next = answers.MoveNextAsync().AsTask();
                stalled = await Task.WhenAny(next, Task.Delay(StallLimit)) != next || !await next;
                if (!stalled)
                {
                    outcomes.Add(answers.Current);
                }
            }

            if (stalled)
            {
                // The enumerator may still be waiting: leave it, and close what the oracle still holds.
                await Task.WhenAny(oracle.DisposeAsync().AsTask(), Task.Delay(StallLimit));
            }
            else
            {
                await answers.DisposeAsync();
                await oracle.DisposeAsync();
            }

            TimeSpan wall = clock.Elapsed;
            (int starts, List<InjectedFault> injected) = ReadLog(log);
            return new FaultCampaign(settings, sources, requests, outcomes, oracle.ServersStarted, oracle.Incidents, starts, injected, wall);
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>The campaign in a few lines: what ran, what was injected, how each case ended.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        int answered = Outcomes.Count(o => o.Kind == LiveOutcomeKind.Answered);
        int refused = Outcomes.Count(o => o.Kind == LiveOutcomeKind.ProtocolError);
        LiveOutcome[] failed = Outcomes.Where(o => o.Kind == LiveOutcomeKind.Failed).ToArray();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Settings}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{Outcomes.Count} outcomes for {Requests.Count} cases in {Wall.TotalSeconds:0.0} s ({Requests.Count / Wall.TotalSeconds:0} cases/s): " +
            $"{answered} answered, {refused} protocol errors (recorded ones), {failed.Length} failed");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"injected: {Count("crash")} crashes, {Count("torn-crash")} torn crashes (half an answer), {Count("hang")} hangs; " +
            $"{Injected.Count(f => f.Poison)} of them on {Injected.Where(f => f.Poison).Select(f => f.Id).Distinct().Count()} poison cases");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"client: {ServersStarted} servers started ({Starts} logged their start), {Incidents.Count} incidents " +
            $"({string.Join(", ", Incidents.GroupBy(i => i.Reason).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"))}), " +
            $"{Outcomes.Sum(o => o.Sends) - Outcomes.Count} re-sends, {Outcomes.Count(o => o.Faults.Count > 0 && o.Kind != LiveOutcomeKind.Failed)} cases answered after a fault");
        foreach (LiveOutcome outcome in failed)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  unanswered: {outcome.Request.Name}: {outcome.FailureReason} after {string.Join(", ", outcome.Faults.Select(f => $"{f.Reason} (server {f.Server})"))}");
        }

        return text.ToString();
    }

    private int Count(string kind) => Injected.Count(f => f.Kind == kind);

    private static (int Starts, List<InjectedFault> Faults) ReadLog(string path)
    {
        int starts = 0;
        var faults = new List<InjectedFault>();
        foreach (string line in File.ReadAllLines(path))
        {
            string[] fields = line.Split('\t');
            if (fields is ["start", _])
            {
                starts++;
            }
            else if (fields is [var kind and ("crash" or "torn-crash" or "hang"), var server, var id, var cause and ("poison" or "random")])
            {
                faults.Add(new InjectedFault(kind, int.Parse(server, CultureInfo.InvariantCulture), JsonSerializer.Deserialize<string>(id)!, cause == "poison"));
            }
            else
            {
                throw new InvalidDataException($"not a fault log line: {line}");
            }
        }

        return (starts, faults);
    }
}

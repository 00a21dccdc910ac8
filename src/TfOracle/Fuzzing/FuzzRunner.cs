using System;
using System.Collections.Generic;
using System.Diagnostics;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Live;
using CsCheck;

namespace CosineParity.Oracle.Fuzzing;

/// <summary>
/// Runs fuzz cases: case <c>i</c> of seed <c>S</c> is generated from its own CsCheck seed (<see cref="CaseSeed"/>), so
/// any case is reproducible alone; profiles alternate unless one is given. A failing case is shrunk by CsCheck
/// (from its seed, on one thread) to the smallest case that fails the same way.
/// </summary>
public static class FuzzRunner
{
    private static readonly Dictionary<string, Gen<ParityCase>> Generators = new(StringComparer.Ordinal)
    {
        [Profiles.Keras2] = FuzzGenerators.Case(Profiles.Keras2),
        [Profiles.Keras3] = FuzzGenerators.Case(Profiles.Keras3),
    };

    /// <summary>The profile of case <paramref name="index"/>.</summary>
    /// <param name="profile">The run's profile, or null for both.</param>
    /// <param name="index">The case's index.</param>
    public static string ProfileOf(string? profile, int index) => profile ?? Profiles.All[index % 2];

    /// <summary>The CsCheck seed of case <paramref name="index"/> of a run.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="index">The case's index.</param>
    public static string CaseSeed(long seed, int index) =>
        new PCG(1, unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) + (ulong)index)).ToString();

    /// <summary>Regenerates a case from its CsCheck seed.</summary>
    /// <param name="profile">The case's profile.</param>
    /// <param name="caseSeed">Its seed (<see cref="CaseSeed"/>).</param>
    public static ParityCase Regenerate(string profile, string caseSeed) =>
        Generators[profile].Generate(PCG.Parse(caseSeed), null, out _);

    /// <summary>Generates and judges <paramref name="cases"/> cases.</summary>
    /// <param name="cases">How many.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="profile">One profile, or null for both (alternating).</param>
    /// <param name="judge">Judges a question.</param>
    /// <param name="advance">Called after each case (a progress bar).</param>
    /// <param name="maxShrunk">How many failures to shrink and keep (the rest are counted only).</param>
    /// <param name="shrinkIterations">CsCheck iterations per shrink.</param>
    public static FuzzRun Run(int cases, long seed, string? profile, Func<ParityCase, FuzzOutcome> judge, Action? advance = null,
        int maxShrunk = 5, int shrinkIterations = 400)
    {
        ArgumentNullException.ThrowIfNull(judge);
        var outcomes = new List<FuzzOutcome>(cases);
        var failing = new List<(int Index, FuzzOutcome Outcome)>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            string caseProfile = ProfileOf(profile, i);
            ParityCase question = Regenerate(caseProfile, CaseSeed(seed, i)) with { Id = $"{caseProfile}/fuzz-{seed}-{i}" };
            FuzzOutcome outcome = judge(question);
            outcomes.Add(outcome);
            if (outcome.Failed && failing.Count < maxShrunk)
            {
                failing.Add((i, outcome));
            }

            advance?.Invoke();
        }

        TimeSpan elapsed = clock.Elapsed;
        var failures = new List<FuzzFailure>();
        foreach ((int index, FuzzOutcome outcome) in failing)
        {
            string caseSeed = CaseSeed(seed, index);
            FuzzOutcome minimal = Shrink(outcome, Generators[outcome.Case.Profile], caseSeed, judge, shrinkIterations);
            failures.Add(new FuzzFailure(caseSeed, outcome, minimal, ReproLine(minimal.Case)));
        }

        return new FuzzRun(seed, outcomes, failures, elapsed);
    }

    /// <summary>The request line that asks TF the question, with exact and gradients.</summary>
    /// <param name="question">The question.</param>
    public static string ReproLine(ParityCase question) => LiveRequest.For(question, LiveWants.Exact | LiveWants.Gradients).Line;

    /// <summary>The elements of a case's tensor inputs: what makes a repro line long.</summary>
    /// <param name="question">The case.</param>
    public static int Elements(ParityCase question)
    {
        ArgumentNullException.ThrowIfNull(question);
        int count = 0;
        foreach (CaseInput input in question.Inputs.Values)
        {
            count += input is TensorInput tensor ? tensor.Tensor.ElementCount : 0;
        }

        return count;
    }

    /// <summary>CsCheck's shrink from the failing case's seed: it tries smaller cases only, so the last one that fails
    /// the same way is the smallest found.</summary>
    private static FuzzOutcome Shrink(FuzzOutcome failed, Gen<ParityCase> gen, string caseSeed, Func<ParityCase, FuzzOutcome> judge, int iterations)
    {
        FuzzOutcome smallest = failed;
        bool SameFailure(FuzzOutcome o) => failed.PortFailed ? o.PortFailed : o.Graph == GraphResult.Unexplained;
        try
        {
            gen.Select(c => c with { Id = $"{failed.Case.Id}-shrunk" }).Sample(
                question =>
                {
                    FuzzOutcome outcome = judge(question);
                    if (!SameFailure(outcome))
                    {
                        return true;
                    }

                    // CsCheck's size weighs the first draws most; the repro should also be no larger in elements.
                    if (Elements(outcome.Case) <= Elements(smallest.Case))
                    {
                        smallest = outcome;
                    }

                    return false;
                },
                writeLine: _ => { },
                seed: caseSeed,
                iter: iterations,
                threads: 1);
        }
#pragma warning disable CA1031 // CsCheck reports the shrunk failure by throwing; the smallest case is already kept
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return smallest;
    }
}

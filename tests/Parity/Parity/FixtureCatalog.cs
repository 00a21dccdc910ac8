using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fixtures;

namespace CosineParity.Tests.Parity;

/// <summary>The repository's fixtures, read once per test run through the one reader, by case id.</summary>
/// <remarks><see cref="All"/> honours <c>PARITY_FIXTURE_SAMPLE=N</c> (mutation testing: one run per mutant must be
/// cheap): it keeps every Nth case, in id order, of each (profile, api, expected kind, dtype) stratum, so every
/// stratum keeps at least its first case. Unset, empty or 1 keeps every case (CI). <see cref="Case"/> always finds
/// any id.</remarks>
public static class FixtureCatalog
{
    /// <summary>The environment variable naming the sampling step.</summary>
    public const string SampleVariable = "PARITY_FIXTURE_SAMPLE";

    private static readonly Lazy<IReadOnlyDictionary<string, ParityCase>> ById = new(() =>
        FixtureReader.Read(RepoPaths.Fixtures).SelectMany(set => set.Cases).ToDictionary(c => c.Id, StringComparer.Ordinal));

    private static readonly Lazy<IReadOnlyList<ParityCase>> Sampled = new(() => Sample(ById.Value.Values, SampleStep()));

    /// <summary>Whether <c>PARITY_FIXTURE_SAMPLE</c> asks for a sample (a step above 1): a mutation run.</summary>
    public static bool IsSampled => SampleStep() > 1;

    public static IEnumerable<ParityCase> All => Sampled.Value;

    public static ParityCase Case(string id) => ById.Value[id];

    /// <summary>Every <paramref name="step"/>th case of each (profile, api, expected kind, dtype) stratum, in id
    /// order, starting with the stratum's first.</summary>
    public static IReadOnlyList<ParityCase> Sample(IEnumerable<ParityCase> cases, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        return [.. cases
            .GroupBy(c => (c.Profile, c.Api, c.Expected.Kind, c.DType))
            .SelectMany(stratum => stratum.OrderBy(c => c.Id, StringComparer.Ordinal).Where((_, index) => index % step == 0))
            .OrderBy(c => c.Id, StringComparer.Ordinal)];
    }

    private static int SampleStep()
    {
        string? text = Environment.GetEnvironmentVariable(SampleVariable);
        if (string.IsNullOrEmpty(text))
        {
            return 1;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int step) && step >= 1
            ? step
            : throw new InvalidOperationException($"{SampleVariable} must be a whole number of at least 1, not '{text}'.");
    }
}

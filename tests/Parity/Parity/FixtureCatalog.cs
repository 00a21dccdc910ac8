using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fixtures;

namespace CosineParity.Tests.Parity;

/// <summary>The repository's fixtures, read once per test run through the one reader, by case id.</summary>
public static class FixtureCatalog
{
    private static readonly Lazy<IReadOnlyDictionary<string, ParityCase>> ById = new(() =>
        FixtureReader.Read(RepoPaths.Fixtures).SelectMany(set => set.Cases).ToDictionary(c => c.Id, StringComparer.Ordinal));

    public static IEnumerable<ParityCase> All => ById.Value.Values;

    public static ParityCase Case(string id) => ById.Value[id];
}

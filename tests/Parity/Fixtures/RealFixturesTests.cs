using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace CosineParity.Tests.Fixtures;

/// <summary>The committed recordings read without error and hold what fixtures/COVERAGE.md counts.</summary>
public sealed class RealFixturesTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("keras2")]
    [InlineData("keras3")]
    public void ProfileReadsWithTheCountsOfCoverage(string profile)
    {
        var clock = Stopwatch.StartNew();
        FixtureSet set = FixtureReader.ReadProfile(RepoPaths.Profile(profile));
        clock.Stop();
        output.WriteLine($"{profile}: {set.Cases.Count} cases read in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(profile, set.Profile);
        Dictionary<string, int> perApi = CoverageTable("Cases per api", profile);
        Assert.Equal(perApi.Values.Sum(), set.Cases.Count);
        foreach ((string api, int count) in perApi)
        {
            Assert.True(Apis.IsKnown(api), api);
            Assert.Equal(count, set.Cases.Count(c => c.Api == api));
        }

        Dictionary<string, int> outcomes = CoverageTable("Outcomes", profile);
        Assert.Equal(outcomes["TF error"], set.Cases.Count(c => c.Expected.Kind == ExpectedKind.Error));
        Assert.Equal(outcomes["config"], set.Cases.Count(c => c.Expected.Kind == ExpectedKind.Config));
        Assert.Equal(outcomes["value"], set.Cases.Count(c => c.Expected.Kind == ExpectedKind.Value));
        Assert.Equal(outcomes["with exact"], set.Cases.Count(c => c.Expected.Value?.Exact is not null));
        Assert.Equal(outcomes["with gradients"], set.Cases.Count(c => c.Gradients.Count > 0));
        Assert.Equal(CoverageTable("Cases per group", profile).Values.Sum(), set.Cases.Count);
        Assert.Equal(set.Cases.Count, set.Cases.Select(c => c.Id).Distinct().Count());
        // Generous: the point is to catch a reader gone quadratic, not to time a machine shared with other builds.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{profile} took {clock.Elapsed}");
    }

    [Fact]
    public void FixturesFolderReadsBothProfilesAndSkipsGraphs()
    {
        IReadOnlyList<FixtureSet> sets = FixtureReader.Read(RepoPaths.Fixtures);
        Assert.Equal(["keras2", "keras3"], sets.Select(s => s.Profile));
    }

    /// <summary>A two-column-per-profile table of COVERAGE.md ("| | keras2 | keras3 |") as row label to count.</summary>
    private static Dictionary<string, int> CoverageTable(string title, string profile)
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepoPaths.Fixtures, "COVERAGE.md"));
        int start = Array.FindIndex(lines, line => line.Trim() == $"## {title}");
        Assert.True(start >= 0, $"COVERAGE.md has no section '{title}'");
        string[] rows = lines.Skip(start + 1).SkipWhile(line => !line.StartsWith('|')).TakeWhile(line => line.StartsWith('|')).ToArray();
        string[] header = Cells(rows[0]);
        int column = Array.IndexOf(header, profile);
        Assert.True(column > 0, $"'{title}' has no column {profile}");
        return rows.Skip(2).Select(Cells).ToDictionary(cells => cells[0], cells => int.Parse(cells[column], CultureInfo.InvariantCulture));
    }

    private static string[] Cells(string row) => row.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
}

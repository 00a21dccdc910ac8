using System;
using System.IO;
using CosineParity.Oracle.Graphs;
using Xunit;

namespace CosineParity.Tests.Graphs;

/// <summary>The repository's graphs (fixtures/graphs), read once for the tests of one collection, sessions disposed
/// at its end.</summary>
public sealed class GraphOracleFixture : IDisposable
{
    public GraphOracleFixture() => Oracle = GraphOracle.Open(Folder);

    /// <summary>fixtures/graphs.</summary>
    public static string Folder => Path.Combine(RepoPaths.Fixtures, "graphs");

    public GraphOracle Oracle { get; }

    public void Dispose() => Oracle.Dispose();
}

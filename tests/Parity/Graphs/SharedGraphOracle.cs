using Xunit;

namespace CosineParity.Tests.Graphs;

/// <summary>The tests that share one <see cref="GraphOracleFixture"/> (and so run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class SharedGraphOracle : ICollectionFixture<GraphOracleFixture>
{
    public const string Name = "fixtures/graphs";
}

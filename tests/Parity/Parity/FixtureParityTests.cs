using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Replay;
using Xunit;

namespace CosineParity.Tests.Parity;

/// <summary>
/// Every case of both manifests the port answers (all but loss cases under <c>args.replicas</c>), one test each (the
/// case id is the test's argument): the port's value within the recorded bound of the exact value with TF's shape and
/// dtype (every metric step too), or the exception mapped to TF's error type (fixtures/README, "The error bound"), or
/// for <c>config</c> cases TF's JSON exactly and its round trip.
/// </summary>
public sealed class FixtureParityTests
{
    public static TheoryData<string> PortedCases() => Ids(c => PortRunner.SkipReason(c) is null);

    public static TheoryData<string> ReplicaCases() =>
        Ids(c => c.Api is Apis.Loss or Apis.Function && c.Args.Replicas is not null);

    [Theory]
    [MemberData(nameof(PortedCases))]
    public void Port_matches_TensorFlow(string id)
    {
        ParityCase parityCase = FixtureCatalog.Case(id);
        Verdict verdict = CaseReplay.Judge(parityCase);
        Assert.True(verdict.Passed, $"{id}: {verdict.Failure}");
    }

    [Theory(Skip = "replica context (args.replicas): a loss inside tf.distribute.Strategy.run is the training issue's")]
    [MemberData(nameof(ReplicaCases))]
    public void Port_matches_TensorFlow_in_a_replica_context(string id) =>
        Port_matches_TensorFlow(id);

    private static TheoryData<string> Ids(System.Func<ParityCase, bool> keep) =>
        new(FixtureCatalog.All.Where(keep).Select(c => c.Id).Order(System.StringComparer.Ordinal));
}

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

    [Theory]
    [MemberData(nameof(PortedCases))]
    public void Port_matches_TensorFlow(string id)
    {
        ParityCase parityCase = FixtureCatalog.Case(id);
        Verdict verdict = CaseReplay.Judge(parityCase);
        Assert.True(verdict.Passed, $"{id}: {verdict.Failure}");
    }

    private static TheoryData<string> Ids(System.Func<ParityCase, bool> keep) =>
        new(FixtureCatalog.All.Where(keep).Select(c => c.Id).Order(System.StringComparer.Ordinal));
}

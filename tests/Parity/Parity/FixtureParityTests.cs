using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Replay;
using Xunit;

namespace CosineParity.Tests.Parity;

/// <summary>
/// Every <c>loss</c> and <c>function</c> case of both manifests, one test each (the case id is the test's argument):
/// the port's value within the recorded bound of the exact value with TF's shape and dtype, or the exception mapped
/// to TF's error type (fixtures/README, "The error bound").
/// </summary>
public sealed class FixtureParityTests
{
    public static TheoryData<string> PortedCases() => Ids(c => PortRunner.SkipReason(c) is null);

    [Theory]
    [MemberData(nameof(PortedCases))]
    public void Port_matches_TensorFlow(string id)
    {
        ParityCase parityCase = FixtureCatalog.Case(id);
        Verdict verdict = CaseJudge.Judge(parityCase, PortRunner.Run(parityCase));
        Assert.True(verdict.Passed, $"{id}: {verdict.Failure}");
    }

    private static TheoryData<string> Ids(System.Func<ParityCase, bool> keep) =>
        new(FixtureCatalog.All.Where(keep).Select(c => c.Id).Order(System.StringComparer.Ordinal));
}

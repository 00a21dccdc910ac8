using CosineParity.Oracle.Judging;

namespace CosineParity.Oracle.Commands;

/// <summary>What <c>check</c> found for one case.</summary>
/// <param name="Id">The case id.</param>
/// <param name="Profile">The profile.</param>
/// <param name="Api">The api.</param>
/// <param name="DType">The case's dtype.</param>
/// <param name="Status"><c>pass</c>, <c>fail</c> or <c>skip</c>.</param>
/// <param name="Reason">Why it failed or was skipped; null when it passed.</param>
/// <param name="Verdict">The verdict, or null when skipped.</param>
internal sealed record CaseOutcome(string Id, string Profile, string Api, string DType, string Status, string? Reason, Verdict? Verdict)
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Skip = "skip";
}

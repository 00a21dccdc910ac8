using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Replay;
using Xunit;

namespace CosineParity.Tests.Parity;

/// <summary>The kernel's scalar path, which the SIMD path replaces where it can, passes every ported fixture case
/// too (the per-case tests run the default path).</summary>
public sealed class ScalarKernelParityTests
{
    [Fact]
    public void Scalar_kernel_matches_TensorFlow_on_every_case()
    {
        var failures = new List<string>();
        KernelSwitch.Vectorize = false;
        try
        {
            foreach (ParityCase parityCase in FixtureCatalog.All.Where(c => PortRunner.SkipReason(c) is null))
            {
                Verdict verdict = CaseReplay.Judge(parityCase);
                if (!verdict.Passed)
                {
                    failures.Add($"{parityCase.Id}: {verdict.Failure}");
                }
            }
        }
        finally
        {
            KernelSwitch.Vectorize = true;
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }
}

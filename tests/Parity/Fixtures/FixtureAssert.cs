using System;
using System.IO;
using CosineParity.Oracle.Fixtures;
using Xunit;

namespace CosineParity.Tests.Fixtures;

internal static class FixtureAssert
{
    /// <summary>Writes the fixture, reads it, and checks that the reader refuses it with a
    /// <see cref="FixtureFormatException"/> whose <c>File</c> is <paramref name="file"/> in the profile folder and whose
    /// message names that file and holds every fragment.</summary>
    public static FixtureFormatException Rejected(FixtureBuilder fixture, string file, params string[] fragments)
    {
        string folder = fixture.Write();
        FixtureFormatException e = Assert.Throws<FixtureFormatException>(() => FixtureReader.ReadProfile(folder));
        Assert.Equal(Path.Combine(folder, file), e.File);
        Assert.StartsWith(e.File + ": ", e.Message, StringComparison.Ordinal);
        foreach (string fragment in fragments)
        {
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"'{fragment}' is not in the message: {e.Message}");
        }

        Assert.Contains(e.Problem, e.Message, StringComparison.Ordinal);
        return e;
    }

    /// <summary>As <see cref="Rejected"/>, for a problem in a case of the manifest: the message names the case too.</summary>
    public static FixtureFormatException CaseRejected(FixtureBuilder fixture, string caseId, params string[] fragments)
    {
        FixtureFormatException e = Rejected(fixture, "manifest.json", fragments);
        Assert.Equal(caseId, e.CaseId);
        Assert.Contains($"case '{caseId}'", e.Message, StringComparison.Ordinal);
        return e;
    }
}

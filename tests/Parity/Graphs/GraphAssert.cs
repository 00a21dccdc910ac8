using System;
using System.IO;
using CosineParity.Oracle.Fixtures;
using CosineParity.Oracle.Graphs;
using Xunit;

namespace CosineParity.Tests.Graphs;

internal static class GraphAssert
{
    /// <summary>Writes the folder, reads it, and checks that the reader refuses it with a
    /// <see cref="FixtureFormatException"/> whose <c>File</c> is <paramref name="file"/> in the folder and whose
    /// message names that file and holds every fragment.</summary>
    public static FixtureFormatException Rejected(GraphFixtureBuilder fixture, string file, params string[] fragments)
    {
        string folder = fixture.Write();
        FixtureFormatException e = Assert.Throws<FixtureFormatException>(() => GraphManifestReader.Read(folder));
        Assert.Equal(Path.Combine(folder, file), e.File);
        Assert.StartsWith(e.File + ": ", e.Message, StringComparison.Ordinal);
        foreach (string fragment in fragments)
        {
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"'{fragment}' is not in the message: {e.Message}");
        }

        return e;
    }

    /// <summary>As <see cref="Rejected"/> for a problem of the manifest itself.</summary>
    public static FixtureFormatException ManifestRejected(GraphFixtureBuilder fixture, params string[] fragments) =>
        Rejected(fixture, GraphManifestReader.ManifestFileName, fragments);
}

using System;
using System.IO;

namespace CosineParity.Tests;

/// <summary>Paths in the repository, found from the test binaries wherever they were built.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root: the nearest folder above the test binaries that holds <c>Parity.sln</c>.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The <c>fixtures</c> folder.</summary>
    public static string Fixtures => Path.Combine(Root, "fixtures");

    /// <summary>A profile folder of the recorded fixtures, e.g. <c>fixtures/keras2</c>.</summary>
    /// <param name="profile"><c>keras2</c> or <c>keras3</c>.</param>
    public static string Profile(string profile) => Path.Combine(Fixtures, profile);

    private static string FindRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Parity.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds Parity.sln");
    }
}

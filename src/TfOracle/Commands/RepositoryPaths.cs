using System;
using System.IO;

namespace CosineParity.Oracle.Commands;

/// <summary>Finds the repository's <c>fixtures/</c> from the working directory or the program's own location.</summary>
internal static class RepositoryPaths
{
    public static string DefaultFixtures()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Parity.sln")) && Directory.Exists(Path.Combine(dir.FullName, "fixtures")))
                {
                    return Path.Combine(dir.FullName, "fixtures");
                }
            }
        }

        throw new DirectoryNotFoundException("no fixtures/ beside a Parity.sln above the working directory; pass --fixtures DIR");
    }
}

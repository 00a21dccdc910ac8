using System;
using System.IO;
using System.Linq;
using Xunit;

namespace CosineParity.Tests.Fuzzing;

/// <summary>A fact that needs headless Chromium (Debian's <c>chromium</c>; <c>.ci/run</c> installs it): skipped with
/// the reason where it is not on the PATH.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    private static readonly string[] Names = ["chromium", "chromium-browser"];

    public ChromiumFactAttribute()
    {
        if (Executable is null)
        {
            Skip = "chromium is not installed and could not be installed here (apt-get install -y chromium)";
        }
    }

    /// <summary>The chromium executable on the PATH, or null.</summary>
    public static string? Executable =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .SelectMany(dir => Names.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
}

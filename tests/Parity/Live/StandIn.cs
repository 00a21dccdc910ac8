using System;
using System.IO;
using System.Linq;
using CosineParity.Oracle.Live;

namespace CosineParity.Tests.Live;

/// <summary>The stand-in oracle (tests/StandInOracle) as a server command: it replays <see cref="ServeTranscript"/>
/// and injects the faults its flags name.</summary>
public static class StandIn
{
    /// <summary>The stand-in, built beside the tests (a project reference).</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "StandInOracle.dll");

    /// <summary>The command starting it with these flags.</summary>
    public static LiveServerCommand Command(params string[] flags)
    {
        string dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        return new LiveServerCommand(dotnet, [Assembly, "--transcript", ServeTranscript.Folder, .. flags]);
    }

    /// <summary>Options for tests: the stand-in with these flags, timeouts long enough for busy cores where no timeout
    /// is under test.</summary>
    public static LiveOracleOptions Options(params string[] flags) => new()
    {
        Command = Command(flags),
        HelloTimeout = TimeSpan.FromSeconds(30),
        AnswerTimeout = TimeSpan.FromSeconds(20),
        ShutdownGrace = TimeSpan.FromSeconds(10),
    };

    /// <summary>A path for <c>--fault-once</c> that does not exist yet.</summary>
    public static string OnceMarker() => Path.Combine(Path.GetTempPath(), $"stand-in-once-{Guid.NewGuid():N}");

    /// <summary>The flags as one string, for messages.</summary>
    public static string Describe(string[] flags) => flags.Length == 0 ? "(clean)" : string.Join(' ', flags.Select(f => f.Contains(' ', StringComparison.Ordinal) ? $"'{f}'" : f));
}

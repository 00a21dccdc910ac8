using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace CosineParity.Tests.Packaging;

/// <summary>Runs the <c>dotnet</c> CLI as a child process, as a user at a shell would.</summary>
internal static class DotnetCli
{
    // Generous for two shared cores: a cold build of the consumer took 18 s on a loaded machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The host running the tests when it is <c>dotnet</c>, else the one on the PATH.</summary>
    private static string Executable =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> and returns its output; fails the test with that
    /// output when it exits non-zero or outlives the timeout (then it is killed with its children).</summary>
    /// <param name="workingDirectory">Where it runs.</param>
    /// <param name="environment">Variables to set (a null value removes one).</param>
    /// <param name="arguments">The arguments, each passed as one.</param>
    public static string Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No MSBuild node or compiler server may outlive the command (nothing the tests start is left running).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        foreach ((string name, string? value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        string command = $"dotnet {string.Join(' ', arguments)} (in {workingDirectory})";
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{command} did not finish within {Timeout.TotalMinutes} minutes:\n{output.Result}\n{error.Result}");
        }

        string printed = output.Result + error.Result;
        Assert.True(process.ExitCode == 0, $"{command} exited with {process.ExitCode}:\n{printed}");
        return printed;
    }
}

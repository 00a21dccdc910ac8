using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;

namespace CosineParity.Oracle.Live;

/// <summary>
/// How to start the live oracle: an executable, its arguments, the folder to run it in and the environment variables
/// to set (a null value removes the variable). The default is <c>python3 -m tforacle serve</c> from the current folder
/// with the inherited environment, which needs tforacle installed; <see cref="ForRepository"/> puts the repository's
/// copy on <c>PYTHONPATH</c> instead.
/// </summary>
/// <param name="FileName">The executable (looked up on <c>PATH</c> when not a path).</param>
/// <param name="Arguments">Its arguments, each passed as one argument (no shell quoting).</param>
public sealed record LiveServerCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>The executable.</summary>
    public string FileName { get; init; } = string.IsNullOrEmpty(FileName) ? throw new ArgumentException("no executable", nameof(FileName)) : FileName;

    /// <summary>The arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = Arguments ?? throw new ArgumentNullException(nameof(Arguments));

    /// <summary>The folder to start in, or null for the current one.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables to set (null: remove) on top of the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = ReadOnlyDictionary<string, string?>.Empty;

    /// <summary><c>python3 -m tforacle serve</c>, as the protocol README says to start it (the entry point re-executes
    /// itself with <c>PYTHONHASHSEED=0</c>).</summary>
    public static LiveServerCommand Default { get; } = new("python3", ["-m", "tforacle", "serve"]);

    /// <summary>The default command with the repository's <c>src/TfOracle/python</c> first on <c>PYTHONPATH</c>.</summary>
    /// <param name="repositoryRoot">The folder holding <c>Parity.sln</c>.</param>
    /// <param name="python">The Python interpreter (one with TensorFlow and the requirements installed).</param>
    public static LiveServerCommand ForRepository(string repositoryRoot, string python = "python3")
    {
        ArgumentException.ThrowIfNullOrEmpty(repositoryRoot);
        string package = Path.GetFullPath(Path.Combine(repositoryRoot, "src", "TfOracle", "python"));
        string? inherited = System.Environment.GetEnvironmentVariable("PYTHONPATH");
        string path = string.IsNullOrEmpty(inherited) ? package : package + Path.PathSeparator + inherited;
        return (Default with { FileName = python }).WithEnvironment("PYTHONPATH", path);
    }

    /// <summary>This command with one more variable set (or removed, for null).</summary>
    /// <param name="name">The variable.</param>
    /// <param name="value">Its value, or null to remove it.</param>
    public LiveServerCommand WithEnvironment(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var environment = new Dictionary<string, string?>(Environment, StringComparer.Ordinal) { [name] = value };
        return this with { Environment = environment.AsReadOnly() };
    }

    /// <summary>The command line, for messages.</summary>
    public override string ToString() => string.Join(' ', new[] { FileName }.Concat(Arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)));
}

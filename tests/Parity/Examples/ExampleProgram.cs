using System;
using System.Globalization;
using System.IO;
using System.Reflection;

namespace CosineParity.Tests.Examples;

/// <summary>Runs an example (a project reference of the tests) in this process and returns what it printed.</summary>
internal static class ExampleProgram
{
    /// <summary>Calls the entry point of the assembly <paramref name="assemblyName"/> with the console redirected; the
    /// caller's test belongs to <see cref="ConsoleTests"/>.</summary>
    public static string Run(string assemblyName)
    {
        MethodInfo entry = Assembly.Load(assemblyName).EntryPoint ?? throw new InvalidOperationException($"{assemblyName} has no entry point");
        TextWriter original = Console.Out;
        CultureInfo culture = CultureInfo.CurrentCulture;
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(output);
        try
        {
            entry.Invoke(null, [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(original);
            CultureInfo.CurrentCulture = culture;
        }

        return output.ToString().Replace("\r", "", StringComparison.Ordinal);
    }
}

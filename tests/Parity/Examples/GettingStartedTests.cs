using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace CosineParity.Tests.Examples;

/// <summary>The getting-started example is the code src/Port/README.md shows, and prints Keras's numbers.</summary>
[Collection(ConsoleTests.Name)]
public sealed class GettingStartedTests
{
    private static readonly string ProgramPath = Path.Combine(RepoPaths.Root, "examples", "GettingStarted", "Program.cs");

    [Fact]
    public void Readme_shows_the_example_verbatim()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Port", "README.md"));
        int begin = readme.IndexOf("<!-- example:begin -->\n```csharp\n", StringComparison.Ordinal);
        int end = readme.IndexOf("```\n<!-- example:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "README has no example block");
        string shown = readme[(begin + "<!-- example:begin -->\n```csharp\n".Length)..end];
        Assert.Equal(File.ReadAllText(ProgramPath), shown);
    }

    // Keras's docstring (keras.losses.CosineSimilarity, axis=1): y_true = [[0, 1], [1, 1]], y_pred = [[1, 0], [1, 1]].
    // Per-sample cosines are 0 and 1 (float32: 0.99999994), so the mean is -(0 + 1)/2 = -0.5, weighted by [0.8, 0.2]
    // it is -(0 * 0.8 + 1 * 0.2)/2 = -0.1, the sum -1 and unreduced [-0, -1]. Keras's doctest accepts its printed
    // values (-0.5, -0.0999, -0.999, [-0., -0.999]) within 1e-3, the tolerance used here.
    [Fact]
    public void Example_prints_the_numbers_of_the_Keras_documentation()
    {
        string[] lines = Run().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        double[][] printed = lines.Select(l => l.Split(", ").Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        double[][] documented = [[-0.5], [-0.0999], [-0.999], [-0.0, -0.999], [-0.5]];
        Assert.Equal(documented.Length, printed.Length);
        for (int i = 0; i < documented.Length; i++)
        {
            Assert.Equal(documented[i].Length, printed[i].Length);
            for (int j = 0; j < documented[i].Length; j++)
            {
                Assert.True(Math.Abs(printed[i][j] - documented[i][j]) <= 1e-3, $"line {i}: {lines[i]} vs {documented[i][j]}");
            }
        }
    }

    private static string Run()
    {
        MethodInfo entry = Assembly.Load("GettingStarted").EntryPoint ?? throw new InvalidOperationException("no entry point");
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

/// <summary>Tests that redirect the process-wide console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleTests
{
    public const string Name = "console";
}

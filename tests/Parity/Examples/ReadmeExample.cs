using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Xunit;

namespace CosineParity.Tests.Examples;

/// <summary>
/// The getting-started example of src/Port/README.md (also the NuGet package's README) and the numbers Keras's
/// documentation prints for it: one source for the test that runs examples/GettingStarted and the test that runs the
/// same code from the packed package.
/// </summary>
internal static class ReadmeExample
{
    private const string Begin = "<!-- example:begin -->\n```csharp\n";
    private const string End = "```\n<!-- example:end -->";

    /// <summary>The C# between the README's example markers.</summary>
    public static string Code()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Port", "README.md"));
        int begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        int end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "README has no example block");
        return readme[(begin + Begin.Length)..end];
    }

    // Keras's docstring (keras.losses.CosineSimilarity, axis=1): y_true = [[0, 1], [1, 1]], y_pred = [[1, 0], [1, 1]].
    // Per-sample cosines are 0 and 1 (float32: 0.99999994), so the mean is -(0 + 1)/2 = -0.5, weighted by [0.8, 0.2]
    // it is -(0 * 0.8 + 1 * 0.2)/2 = -0.1, the sum -1 and unreduced [-0, -1]; the last line is the span overload's
    // mean again. Keras's doctest accepts its printed values (-0.5, -0.0999, -0.999, [-0., -0.999]) within 1e-3, the
    // tolerance used here.
    private static readonly double[][] Documented = [[-0.5], [-0.0999], [-0.999], [-0.0, -0.999], [-0.5]];

    /// <summary>Asserts that <paramref name="output"/>, the example's console output, prints Keras's numbers.</summary>
    public static void AssertPrintsTheKerasDocumentationNumbers(string output)
    {
        string[] lines = output.Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        double[][] printed = lines.Select(l => l.Split(", ").Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.Equal(Documented.Length, printed.Length);
        for (int i = 0; i < Documented.Length; i++)
        {
            Assert.Equal(Documented[i].Length, printed[i].Length);
            for (int j = 0; j < Documented[i].Length; j++)
            {
                Assert.True(Math.Abs(printed[i][j] - Documented[i][j]) <= 1e-3, $"line {i}: {lines[i]} vs {Documented[i][j]}");
            }
        }
    }
}

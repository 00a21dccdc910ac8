using System.IO;
using Xunit;

namespace CosineParity.Tests.Examples;

/// <summary>The getting-started example is the code src/Port/README.md shows, and prints Keras's numbers.</summary>
[Collection(ConsoleTests.Name)]
public sealed class GettingStartedTests
{
    private static readonly string ProgramPath = Path.Combine(RepoPaths.Root, "examples", "GettingStarted", "Program.cs");

    [Fact]
    public void Readme_shows_the_example_verbatim() => Assert.Equal(File.ReadAllText(ProgramPath), ReadmeExample.Code());

    [Fact]
    public void Example_prints_the_numbers_of_the_Keras_documentation() =>
        ReadmeExample.AssertPrintsTheKerasDocumentationNumbers(ExampleProgram.Run("GettingStarted"));
}

/// <summary>Tests that redirect the process-wide console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleTests
{
    public const string Name = "console";
}

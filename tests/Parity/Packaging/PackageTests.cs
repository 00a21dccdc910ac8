using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Security;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CosineParity.Tests.Examples;
using Xunit;

namespace CosineParity.Tests.Packaging;

/// <summary>
/// src/Port packed, once for the class, into a folder feed in a fresh temp folder, from the binaries this test run
/// was built with (<c>dotnet pack --no-build</c>, the configuration of the tests), under a version of its own
/// (<c>1.0.0-preview.1.t&lt;guid&gt;</c>). Why a version of its own: NuGet takes a package id and version it has
/// already extracted from the global packages folder or a fallback folder without looking at any feed, so a fixed
/// version would be served stale from the machine's cache once any earlier run (or a user) had restored it. The
/// consumer restores with a temp global packages folder and the machine's cache as a read-only fallback folder:
/// everything else comes from the cache as in any restore here, and nothing of this run is left in it.
/// </summary>
public sealed class PackedPort : IDisposable
{
    /// <summary>The package id (src/Port/Port.csproj).</summary>
    public const string Id = "CosineParity.Keras";

    public PackedPort()
    {
        Folder = Directory.CreateTempSubdirectory("cosineparity-package-").FullName;
        Feed = Path.Combine(Folder, "feed");
        string built = typeof(CosineSimilarityLoss).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        string release = built.Split('+')[0];
        Version = $"{release}{(release.Contains('-', StringComparison.Ordinal) ? '.' : '-')}t{Guid.NewGuid():N}";
        DotnetCli.Run(RepoPaths.Root, NoEnvironment,
            "pack", Path.Combine("src", "Port", "Port.csproj"), "-c", Configuration, "--no-build", "-o", Feed,
            $"-p:PackageVersion={Version}",
            $"-p:NuspecOutputPath={Path.Combine(Folder, "nuspec")}{Path.DirectorySeparatorChar}");
    }

    /// <summary>The build configuration of these tests, so of the src/Port binaries beside them.</summary>
    public static string Configuration =>
        typeof(PackedPort).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    /// <summary>The target framework folder of the build (<c>net10.0</c>), the tests' own.</summary>
    public static string TargetFramework => new DirectoryInfo(AppContext.BaseDirectory).Name;

    /// <summary>The assembly that was packed: src/Port's build output.</summary>
    public static string BuiltAssembly =>
        Path.Combine(RepoPaths.Root, "src", "Port", "bin", Configuration, TargetFramework, "CosineParity.dll");

    internal static IReadOnlyDictionary<string, string?> NoEnvironment { get; } = new Dictionary<string, string?>();

    /// <summary>The temp folder holding the feed and the consumer; deleted with the fixture.</summary>
    public string Folder { get; }

    /// <summary>The local folder feed.</summary>
    public string Feed { get; }

    /// <summary>This run's package version.</summary>
    public string Version { get; }

    /// <summary>The package.</summary>
    public string Package => Path.Combine(Feed, $"{Id}.{Version}.nupkg");

    /// <summary>The symbols package.</summary>
    public string Symbols => Path.Combine(Feed, $"{Id}.{Version}.snupkg");

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>The NuGet package of src/Port: what it holds, and that a fresh console project which adds it from a local
/// feed runs the README's getting-started example and prints the numbers of Keras's documentation.</summary>
public sealed class PackageTests(PackedPort packed) : IClassFixture<PackedPort>
{
    [Fact]
    public void Package_holds_the_library_its_docs_the_readme_and_the_metadata()
    {
        using ZipArchive package = ZipFile.OpenRead(packed.Package);
        XElement metadata = Nuspec(package);
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

        Assert.Equal(PackedPort.Id, Field("id"));
        Assert.Equal(packed.Version, Field("version"));
        Assert.Equal("Apache-2.0", Field("license"));
        Assert.Equal("expression", metadata.Elements().Single(e => e.Name.LocalName == "license").Attribute("type")?.Value);
        Assert.Equal("README.md", Field("readme"));
        Assert.Contains("Keras", Field("description"), StringComparison.Ordinal);
        string[] tags = Field("tags").Split(' ');
        Assert.All(["keras", "tensorflow", "cosine-similarity", "loss"], tag => Assert.Contains(tag, tags));

        // The one dependency, at the version Directory.Packages.props pins.
        XElement dependency = metadata.Descendants().Single(e => e.Name.LocalName == "dependency");
        Assert.Equal("System.Numerics.Tensors", dependency.Attribute("id")?.Value);
        Assert.Equal(PinnedVersion("System.Numerics.Tensors"), dependency.Attribute("version")?.Value);

        string lib = $"lib/{PackedPort.TargetFramework}/";
        Assert.Equal(File.ReadAllBytes(PackedPort.BuiltAssembly), Read(package, lib + "CosineParity.dll"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "src", "Port", "README.md")), Read(package, "README.md"));

        // The XML docs document every public type of the assembly and say which Keras generation it follows.
        XDocument docs = XDocument.Load(new MemoryStream(Read(package, lib + "CosineParity.xml")));
        var documented = docs.Descendants("member").ToDictionary(m => m.Attribute("name")!.Value, m => m.Value, StringComparer.Ordinal);
        Type[] publicTypes = typeof(CosineSimilarityLoss).Assembly.GetExportedTypes();
        Assert.NotEmpty(publicTypes);
        Assert.All(publicTypes, type =>
        {
            Assert.True(documented.TryGetValue("T:" + type.FullName, out string? text), $"{type} has no XML docs");
            Assert.Matches(GenerationNamed, text);
        });

        using ZipArchive symbols = ZipFile.OpenRead(packed.Symbols);
        Assert.NotNull(symbols.GetEntry(lib + "CosineParity.pdb"));
    }

    [Fact]
    public void Fresh_console_project_adding_the_package_runs_the_readme_example_with_the_Keras_documentation_numbers()
    {
        string consumer = Path.Combine(packed.Folder, "Consumer");
        string packages = Path.Combine(packed.Folder, "packages");
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = packages };

        // What a user types: a new console app, the package from a feed, the README's code as Program.cs.
        DotnetCli.Run(packed.Folder, PackedPort.NoEnvironment, "new", "console", "--output", consumer, "--name", "Consumer", "--no-restore");
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), NuGetConfig(packed.Feed, MachinePackagesFolder()));
        DotnetCli.Run(consumer, environment, "add", "package", PackedPort.Id, "--version", packed.Version);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ReadmeExample.Code());
        DotnetCli.Run(consumer, environment, "build", "-c", "Release", "--disable-build-servers");
        string output = DotnetCli.Run(consumer, environment,
            Path.Combine(consumer, "bin", "Release", PackedPort.TargetFramework, "Consumer.dll"));

        ReadmeExample.AssertPrintsTheKerasDocumentationNumbers(output);

        // It ran the packed library, taken from this run's feed (not a project reference, not a cached copy).
        Assert.True(Directory.Exists(Path.Combine(packages, PackedPort.Id.ToLowerInvariant(), packed.Version.ToLowerInvariant())),
            "the package was not restored from the local feed");
        Assert.Equal(File.ReadAllBytes(PackedPort.BuiltAssembly),
            File.ReadAllBytes(Path.Combine(consumer, "bin", "Release", PackedPort.TargetFramework, "CosineParity.dll")));
    }

    /// <summary>The local feed added to the sources this machine restores from (the user's NuGet config, inherited
    /// since nothing here clears it), and the machine's cache as a fallback folder.</summary>
    private static string NuGetConfig(string feed, string machinePackages) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="cosineparity-local" value="{SecurityElement.Escape(feed)}" />
          </packageSources>
          <fallbackPackageFolders>
            <add key="machine-cache" value="{SecurityElement.Escape(machinePackages)}" />
          </fallbackPackageFolders>
        </configuration>
        """;

    /// <summary>The global packages folder every other restore here uses, as NuGet itself reports it.</summary>
    private static string MachinePackagesFolder()
    {
        const string Prefix = "global-packages: ";
        string listed = DotnetCli.Run(RepoPaths.Root, PackedPort.NoEnvironment, "nuget", "locals", "global-packages", "--list");
        string line = listed.Split('\n').Single(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return line[Prefix.Length..].Trim();
    }

    private static readonly Regex GenerationNamed = new(@"Keras 2|Keras 3|[Bb]oth generations|either Keras generation", RegexOptions.CultureInvariant);

    private static XElement Nuspec(ZipArchive package)
    {
        ZipArchiveEntry entry = package.GetEntry($"{PackedPort.Id}.nuspec") ?? throw new InvalidOperationException("no nuspec");
        using Stream stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static byte[] Read(ZipArchive package, string path)
    {
        ZipArchiveEntry entry = package.GetEntry(path) ?? throw new InvalidOperationException($"the package has no {path}");
        using Stream stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string PinnedVersion(string id) =>
        XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => p.Attribute("Include")?.Value == id).Attribute("Version")!.Value;
}

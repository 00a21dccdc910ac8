using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CosineParity.Tests.Graphs;

/// <summary>
/// A small valid graphs folder in a temp dir, cut from the real one: its manifest with three of its graphs (a keras2
/// axis graph with a known difference, a keras3 mask graph, and a keras2 graph that fails validation) and their
/// files. A test changes one thing (the manifest object or text, a file's bytes, an extra file) and writes it.
/// </summary>
internal sealed class GraphFixtureBuilder : IDisposable
{
    public const string AxisGraph = "keras2/axis/loss/float16/true[d0]-pred[d0]/axis=0";

    private static readonly Lazy<JsonObject> Template = new(CutTemplate);

    private readonly string _root;

    public GraphFixtureBuilder()
    {
        _root = Path.Combine(Path.GetTempPath(), "graph-fixture-tests", Guid.NewGuid().ToString("N"));
        Folder = Path.Combine(_root, "graphs");
        Manifest = (JsonObject)Template.Value.DeepClone();
    }

    /// <summary>The graphs folder (written by <see cref="Write"/>).</summary>
    public string Folder { get; }

    public string ManifestPath => Path.Combine(Folder, "manifest.json");

    /// <summary>The manifest to write.</summary>
    public JsonObject Manifest { get; }

    /// <summary>Changes the manifest's text just before it is written.</summary>
    public Func<string, string>? EditManifestText { get; set; }

    /// <summary>Changes a graph file's bytes (by name) as it is copied.</summary>
    public Dictionary<string, Func<byte[], byte[]>> EditFile { get; } = new(StringComparer.Ordinal);

    /// <summary>Graph files of the manifest not to copy.</summary>
    public HashSet<string> OmitFiles { get; } = new(StringComparer.Ordinal);

    /// <summary>More files to write into the folder, by name.</summary>
    public Dictionary<string, byte[]> ExtraFiles { get; } = new(StringComparer.Ordinal);

    public JsonArray Graphs => Manifest["graphs"]!.AsArray();

    /// <summary>The graph entry with this id.</summary>
    public JsonObject Graph(string id) => Graphs.Select(g => g!.AsObject()).Single(g => (string)g["id"]! == id);

    public JsonObject FirstGraph => Graphs[0]!.AsObject();

    /// <summary>The first graph file listed.</summary>
    public string FirstFile => Manifest["files"]!.AsObject().First().Key;

    /// <summary>Writes the folder and returns its path.</summary>
    public string Write()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        Directory.CreateDirectory(Folder);
        string text = Manifest.ToJsonString();
        File.WriteAllText(ManifestPath, EditManifestText is null ? text : EditManifestText(text), new UTF8Encoding(false));
        foreach ((string name, JsonNode? _) in Template.Value["files"]!.AsObject())
        {
            if (OmitFiles.Contains(name))
            {
                continue;
            }

            byte[] bytes = File.ReadAllBytes(Path.Combine(GraphOracleFixture.Folder, name));
            File.WriteAllBytes(Path.Combine(Folder, name), EditFile.TryGetValue(name, out Func<byte[], byte[]>? edit) ? edit(bytes) : bytes);
        }

        foreach ((string name, byte[] bytes) in ExtraFiles)
        {
            File.WriteAllBytes(Path.Combine(Folder, name), bytes);
        }

        return Folder;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>The real manifest with three graphs kept and files cut to theirs.</summary>
    private static JsonObject CutTemplate()
    {
        JsonObject manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(GraphOracleFixture.Folder, "manifest.json")))!.AsObject();
        JsonObject[] graphs = manifest["graphs"]!.AsArray().Select(g => g!.AsObject()).ToArray();
        JsonObject[] kept =
        [
            graphs.Single(g => (string)g["id"]! == AxisGraph),
            graphs.First(g => (string)g["family"]! == "mask" && (string)g["profile"]! == "keras3"
                && g["validation"]!["known_differences"]!.AsArray().Count > 0),
            graphs.First(g => !(bool)g["validation"]!["passed"]!),
        ];
        var files = new JsonObject();
        foreach (JsonObject graph in kept)
        {
            string file = (string)graph["file"]!;
            if (!files.ContainsKey(file))
            {
                files[file] = (string)graph["sha256"]!;
            }
        }

        manifest["files"] = files;
        manifest["graphs"] = new JsonArray(kept.Select(g => (JsonNode)g.DeepClone()).ToArray());
        return manifest;
    }
}

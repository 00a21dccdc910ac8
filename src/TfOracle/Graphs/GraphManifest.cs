using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace CosineParity.Oracle.Graphs;

/// <summary>
/// A graphs folder read by <see cref="GraphManifestReader"/>: the manifest (<c>cosine-parity-graphs/1</c>) with every
/// field checked, and the bytes of every graph file, each checked against its SHA-256. Immutable and shareable.
/// </summary>
public sealed class GraphManifest
{
    private readonly IReadOnlyDictionary<string, byte[]> _fileBytes;

    internal GraphManifest(
        string directory,
        JsonObject provenance,
        int opset,
        string output,
        IReadOnlyList<string> rewrites,
        GraphSessionSettings session,
        IReadOnlyDictionary<string, string> causes,
        GraphValidationSettings validation,
        IReadOnlyDictionary<string, string> files,
        IReadOnlyList<GraphEntry> graphs,
        IReadOnlyList<FailedGraph> failed,
        IReadOnlyDictionary<string, byte[]> fileBytes)
    {
        Directory = directory;
        Provenance = provenance;
        Opset = opset;
        Output = output;
        Rewrites = rewrites;
        Session = session;
        Causes = causes;
        Validation = validation;
        Files = files;
        Graphs = graphs;
        Failed = failed;
        _fileBytes = fileBytes;
    }

    /// <summary>The full path of the graphs folder.</summary>
    public string Directory { get; }

    /// <summary>Where the graphs came from (library versions, tf2onnx, onnx, onnxruntime, CPU, ...), key order kept.
    /// Treat it as read-only: it is shared.</summary>
    public JsonObject Provenance { get; }

    /// <summary>The ONNX opset of every graph (17).</summary>
    public int Opset { get; }

    /// <summary>The name of every graph's output (<c>value</c>).</summary>
    public string Output { get; }

    /// <summary>What every graph went through after tf2onnx, as spelled (<c>name: what it does</c>).</summary>
    public IReadOnlyList<string> Rewrites { get; }

    /// <summary>How ONNX Runtime is to be run.</summary>
    public GraphSessionSettings Session { get; }

    /// <summary>The causes of the known differences, by key (text); <c>unexplained</c> among them.</summary>
    public IReadOnlyDictionary<string, string> Causes { get; }

    /// <summary>The validation settings.</summary>
    public GraphValidationSettings Validation { get; }

    /// <summary>Every graph file's name with its lowercase hex SHA-256 (all checked).</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>The graph entries, in manifest order.</summary>
    public IReadOnlyList<GraphEntry> Graphs { get; }

    /// <summary>Grid points that did not trace, convert or load.</summary>
    public IReadOnlyList<FailedGraph> Failed { get; }

    /// <summary>The checked bytes of a graph file (the ones whose SHA-256 matched): sessions are made from these,
    /// not from the file read again.</summary>
    internal byte[] FileBytes(string file) => _fileBytes[file];
}

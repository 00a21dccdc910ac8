using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Graphs;

/// <summary>
/// TensorFlow's own forward graphs (fixtures/graphs, exported to ONNX) as an oracle for questions no fixture holds:
/// pick the graph of the call and its shapes, feed it the inputs as Keras converts them, run it in ONNX Runtime in
/// process. Thread-safe; one session per graph file, made on first use and disposed with the oracle.
/// </summary>
/// <example><code>
/// using GraphOracle oracle = GraphOracle.Open("fixtures/graphs");
/// if (oracle.TryAnswer(question, out GraphAnswer? answer) &amp;&amp; answer.Value is { } value) { ... }
/// </code></example>
public sealed class GraphOracle : IDisposable
{
    private readonly GraphPicker _picker;
    private readonly GraphSessions _sessions;

    private GraphOracle(GraphManifest manifest)
    {
        Manifest = manifest;
        _picker = new GraphPicker(manifest.Graphs);
        _sessions = new GraphSessions(manifest);
    }

    /// <summary>The manifest, every file checked.</summary>
    public GraphManifest Manifest { get; }

    /// <summary>The known causes of differences between a graph and TF, by key (text).</summary>
    public IReadOnlyDictionary<string, string> Causes => Manifest.Causes;

    /// <summary>How many graph sessions have been made so far.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Reads a graphs folder strictly (<see cref="GraphManifestReader.Read"/>); no session is made yet.</summary>
    /// <param name="graphsDirectory">The folder holding the graph manifest, e.g. <c>fixtures/graphs</c>.</param>
    /// <returns>The oracle; dispose it.</returns>
    /// <exception cref="System.IO.DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="Fixtures.FixtureFormatException">The folder breaks the format.</exception>
    public static GraphOracle Open(string graphsDirectory) => new(GraphManifestReader.Read(graphsDirectory));

    /// <summary>The graph's answer to a <c>loss</c> or <c>function</c> question, when a graph fits it exactly.</summary>
    /// <param name="question">The case (its profile, api, args and inputs; its expected answer is not looked at).</param>
    /// <param name="answer">The answer: a value, or ONNX Runtime's failure.</param>
    /// <returns>Whether a graph fits.</returns>
    public bool TryAnswer(ParityCase question, [NotNullWhen(true)] out GraphAnswer? answer) =>
        TryAnswer(question, GraphMatching.Strict, out answer, out _);

    /// <summary>The graph's answer to a question, when a graph fits it under <paramref name="matching"/>, or why
    /// none does (bfloat16, numpy inputs, weights the graph cannot take exactly, shapes outside the grid, ...).</summary>
    /// <param name="question">The case.</param>
    /// <param name="matching">How the shapes must fit.</param>
    /// <param name="answer">The answer, when a graph fits.</param>
    /// <param name="noGraph">Otherwise why not.</param>
    /// <returns>Whether a graph fits.</returns>
    public bool TryAnswer(ParityCase question, GraphMatching matching, [NotNullWhen(true)] out GraphAnswer? answer,
        [NotNullWhen(false)] out string? noGraph)
    {
        ArgumentNullException.ThrowIfNull(question);
        answer = null;
        if (!GraphFeeds.TryQuestion(question, out GraphQuestion? graphQuestion, out noGraph))
        {
            return false;
        }

        GraphEntry? graph = _picker.Pick(graphQuestion, matching);
        if (graph is null)
        {
            noGraph = "no graph of the grid fits these arguments and shapes";
            return false;
        }

        if (!GraphFeeds.TryInputs(question, graph, out IReadOnlyDictionary<string, TensorData>? inputs, out noGraph))
        {
            return false;
        }

        GraphRun run = _sessions.Run(graph, inputs);
        answer = new GraphAnswer(graph, inputs, run.Value, run.Error, Causes);
        return true;
    }

    /// <summary>The graph entry that fits a question, or null.</summary>
    /// <param name="question">The call and its shapes.</param>
    /// <param name="matching">How the shapes must fit.</param>
    /// <returns>The entry, or null when none fits.</returns>
    public GraphEntry? Pick(GraphQuestion question, GraphMatching matching = GraphMatching.Strict) => _picker.Pick(question, matching);

    /// <summary>Every entry that fits a question (the grid is built so that at most one does).</summary>
    /// <param name="question">The call and its shapes.</param>
    /// <param name="matching">How the shapes must fit.</param>
    /// <returns>The entries, in manifest order.</returns>
    public IEnumerable<GraphEntry> Candidates(GraphQuestion question, GraphMatching matching = GraphMatching.Strict) =>
        _picker.Candidates(question, matching);

    /// <summary>Runs one graph on inputs of its own: one tensor per graph input, of its dtype and rank (a 0-d input
    /// has shape <c>[]</c>; zero-size dims are fine).</summary>
    /// <param name="graph">An entry of <see cref="Manifest"/>.</param>
    /// <param name="inputs">The inputs by name.</param>
    /// <returns>The value, or ONNX Runtime's failure.</returns>
    /// <exception cref="ArgumentException">An input is missing, extra, or of another dtype or rank.</exception>
    public GraphRun Run(GraphEntry graph, IReadOnlyDictionary<string, TensorData> inputs) => _sessions.Run(graph, inputs);

    /// <summary>Disposes every session. Call once no run is in progress.</summary>
    public void Dispose() => _sessions.Dispose();
}

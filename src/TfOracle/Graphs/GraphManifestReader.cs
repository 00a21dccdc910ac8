using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fixtures;
using Microsoft.ML.OnnxRuntime;

namespace CosineParity.Oracle.Graphs;

/// <summary>
/// The strict reader of a graphs folder (<c>fixtures/graphs</c>, format <c>cosine-parity-graphs/1</c>, see
/// fixtures/README.md "Graphs (ONNX)"): <c>manifest.json</c> and the <c>.onnx</c> files it lists. Every field of the
/// format is checked (format, provenance, opset, output, rewrites, session, causes, validation settings, files,
/// graphs, failed), every graph file's SHA-256 against the manifest, and file names that could leave the folder are
/// refused; the first departure throws a <see cref="FixtureFormatException"/> naming the file and the problem. A graph
/// answer from a file that is not what the manifest says would be trusted for the wrong reason.
/// </summary>
public static class GraphManifestReader
{
    /// <summary>The format string a graph manifest must carry.</summary>
    public const string Format = "cosine-parity-graphs/1";

    /// <summary>The manifest's file name in the graphs folder.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The ONNX opset of format 1.</summary>
    public const int Opset = 17;

    /// <summary>The name of every graph's output in format 1.</summary>
    public const string OutputName = "value";

    /// <summary>The largest a graph file may be (8 MiB; they are about 1.3 KiB); larger files are refused unread.</summary>
    public const int MaxGraphFileBytes = 8 * 1024 * 1024;

    /// <summary>The cause every failing difference without a known cause has.</summary>
    public const string Unexplained = "unexplained";

    private const string GraphFileExtension = ".onnx";

    private static readonly string[] TopFields =
        ["format", "provenance", "opset", "output", "rewrites", "session", "causes", "validation", "files", "graphs", "failed"];

    private static readonly string[] ProvenanceFields =
        ["tensorflow", "keras", "tf_keras", "numpy", "python", "platform", "recorder", "seed", "determinism", "tf2onnx", "onnx", "onnxruntime"];

    private static readonly string[] KnownRewrites = ["nonnegative_axes", "explicit_float16", "canonical"];

    private static readonly string[] SessionFields = ["provider", "graph_optimization_level", "intra_op_num_threads"];

    private static readonly string[] ValidationSettingFields =
        ["inputs_per_graph", "max_elements", "seed", "value_classes", "relative_tolerance_eps", "bound_tolerance", "failing_classes"];

    private static readonly string[] PointFields = ["id", "profile", "family", "api", "dtype", "args", "inputs", "dims_not_one"];

    private static readonly string[] GraphFields = [.. PointFields, "file", "sha256", "output", "opset", "validation"];

    private static readonly string[] FailedFields = [.. PointFields, "stage", "reason"];

    private static readonly string[] InputFields = ["name", "dtype", "rank", "shape"];

    private static readonly string[] OutputFields = ["name", "dtype", "rank"];

    private static readonly string[] GraphValidationFields =
        ["inputs", "measure", "identical", "tf_errors", "max_difference", "max_ulp", "unbounded_elements", "zero_bound_elements",
         "passed", "agreeing", "known_differences"];

    private static readonly string[] DifferenceFields = ["class", "inputs", "value_classes", "cause", "example"];

    private static readonly string[] ExampleFields = ["value_class", "tf_vs_ort", "shapes"];

    private static readonly string[] Families = ["axis", "reduction", "rank", "loss-dtype", "mask"];

    private static readonly string[] Stages = ["trace", "convert", "load"];

    private static readonly string[] Measures = ["bound", "relative"];

    /// <summary>Every difference class of format 1.</summary>
    public static IReadOnlyList<string> DifferenceClasses { get; } =
        ["value", "nan-vs-number", "inf", "dtype", "shape", "ort-error", "tf-error", "signed-zero", "subnormal"];

    private static readonly TensorDType[] GraphDTypes = [TensorDType.Float16, TensorDType.Float32, TensorDType.Float64];

    private static readonly TensorDType[] FloatDTypes = [TensorDType.Float16, TensorDType.BFloat16, TensorDType.Float32, TensorDType.Float64];

    private static readonly string[] InputOrder = ["y_true", "y_pred", "sample_weight", "mask"];

    private static readonly Dictionary<string, string?[]> Reductions = new(StringComparer.Ordinal)
    {
        [Profiles.Keras2] = ["auto", "sum_over_batch_size", "sum", "none"],
        [Profiles.Keras3] = ["sum_over_batch_size", "sum", "none", null, "mean", "mean_with_sample_weight"],
    };

    /// <summary>Reads a graphs folder: its manifest, and every graph file it lists, hashed.</summary>
    /// <param name="directory">The folder holding <c>manifest.json</c> (e.g. <c>fixtures/graphs</c>).</param>
    /// <returns>The manifest, every graph file's bytes checked.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FixtureFormatException">The folder breaks the format.</exception>
    public static GraphManifest Read(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!System.IO.Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: no such folder");
        }

        string manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new FixtureFormatException(manifestPath, "does not exist: a graphs folder holds a manifest", null);
        }

        byte[] manifestBytes = FolderFiles.ReadCapped(manifestPath, FixtureReader.MaxManifestBytes, "a manifest");
        using JsonDocument document = StrictJson.Parse(manifestBytes, manifestPath, "the manifest");
        var json = new GraphJson(manifestPath);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw json.Fail(string.Empty, "the manifest is not a JSON object");
        }

        CheckFormat(json, root);
        foreach (JsonProperty field in root.EnumerateObject())
        {
            if (!TopFields.Contains(field.Name))
            {
                throw json.Fail(string.Empty, $"unknown top-level field '{field.Name}' (a graph manifest has {string.Join(", ", TopFields)})");
            }
        }

        JsonElement Top(string name) => root.TryGetProperty(name, out JsonElement value)
            ? value
            : throw json.Fail(string.Empty, $"lacks the top-level field '{name}'");

        JsonObject provenance = ReadProvenance(json, Top("provenance"));
        int opset = json.Int(Top("opset"), "opset", Opset, Opset);
        string output = json.String(Top("output"), "output");
        if (output != OutputName)
        {
            throw json.Fail("output", $"is \"{output}\", not \"{OutputName}\"");
        }

        IReadOnlyList<string> rewrites = ReadRewrites(json, Top("rewrites"));
        GraphSessionSettings session = ReadSession(json, Top("session"));
        IReadOnlyDictionary<string, string> causes = ReadCauses(json, Top("causes"));
        GraphValidationSettings validation = ReadValidationSettings(json, Top("validation"));
        IReadOnlyDictionary<string, string> files = ReadFileList(json, Top("files"));
        CheckNoStrayFiles(folder, files);

        var context = new EntryContext(json, opset, output, causes, validation, files);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<GraphEntry> graphs = ReadList(json, Top("graphs"), "graphs", (e, where) => ReadGraph(context, e, where, ids));
        IReadOnlyList<FailedGraph> failed = ReadList(json, Top("failed"), "failed", (e, where) => ReadFailed(context, e, where, ids));

        var used = graphs.Select(g => g.File).ToHashSet(StringComparer.Ordinal);
        foreach (string file in files.Keys)
        {
            if (!used.Contains(file))
            {
                throw json.Fail("files", $"'{file}' is used by no graph entry (every listed file belongs to a graph)");
            }
        }

        var bytes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach ((string name, string digest) in files)
        {
            bytes.Add(name, ReadGraphFile(Path.Combine(folder, name), digest));
        }

        return new GraphManifest(folder, provenance, opset, output, rewrites, session, causes, validation, files, graphs, failed,
            bytes.AsReadOnly());
    }

    private static void CheckFormat(GraphJson json, JsonElement root)
    {
        if (!root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String
            || format.GetString() != Format)
        {
            string found = root.TryGetProperty("format", out JsonElement f) ? JsonText.Compact(f) : "missing";
            throw json.Fail(string.Empty, $"format is {found}, not \"{Format}\": this reader reads only that format");
        }
    }

    private static JsonObject ReadProvenance(GraphJson json, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw json.Fail("provenance", $"is {GraphJson.Describe(element)}, not an object");
        }

        string[] missing = ProvenanceFields.Where(key => !element.TryGetProperty(key, out _)).ToArray();
        if (missing.Length > 0)
        {
            throw json.Fail("provenance", $"lacks {string.Join(", ", missing)}");
        }

        foreach (string key in ProvenanceFields)
        {
            JsonElement value = element.GetProperty(key);
            string where = GraphJson.Field("provenance", key);
            if (key == "seed")
            {
                json.Integer(value, where, long.MinValue, long.MaxValue);
            }
            else
            {
                json.NonEmptyString(value, where);
            }
        }

        return JsonNodes.ToObject(element);
    }

    private static ReadOnlyCollection<string> ReadRewrites(GraphJson json, JsonElement element)
    {
        IReadOnlyList<string> rewrites = json.StringSet(element, "rewrites");
        var names = new List<string>();
        for (int i = 0; i < rewrites.Count; i++)
        {
            string text = rewrites[i];
            int colon = text.IndexOf(": ", StringComparison.Ordinal);
            string name = colon > 0 ? text[..colon] : text;
            string where = GraphJson.Index("rewrites", i);
            if (colon <= 0 || colon + 2 >= text.Length)
            {
                throw json.Fail(where, $"\"{text}\" is not \"<name>: <what it does>\"");
            }

            if (!KnownRewrites.Contains(name))
            {
                throw json.Fail(where, $"'{name}' is not a rewrite of format 1 ({string.Join(", ", KnownRewrites)}): what it does to a graph is unknown");
            }

            if (names.Contains(name))
            {
                throw json.Fail(where, $"names the rewrite '{name}' twice");
            }

            names.Add(name);
        }

        string[] absent = KnownRewrites.Where(name => !names.Contains(name)).ToArray();
        return absent.Length == 0
            ? rewrites.ToList().AsReadOnly()
            : throw json.Fail("rewrites", $"lacks {string.Join(", ", absent)}: ONNX Runtime would not compute what TF computes without it");
    }

    private static GraphSessionSettings ReadSession(GraphJson json, JsonElement element)
    {
        json.Object(element, "session", SessionFields);
        string provider = json.String(element.GetProperty("provider"), "session.provider");
        if (provider != "CPUExecutionProvider")
        {
            throw json.Fail("session.provider", $"is \"{provider}\", not \"CPUExecutionProvider\" (the only provider the graphs were validated on)");
        }

        string levelText = json.NonEmptyString(element.GetProperty("graph_optimization_level"), "session.graph_optimization_level");
        string levelName = levelText.Split(' ', 2)[0];
        if (!levelName.StartsWith("ORT_", StringComparison.Ordinal)
            || !Enum.TryParse(levelName, ignoreCase: false, out GraphOptimizationLevel level) || !Enum.IsDefined(level))
        {
            throw json.Fail("session.graph_optimization_level",
                $"\"{levelText}\" does not start with an ONNX Runtime optimization level ({string.Join(", ", Enum.GetNames<GraphOptimizationLevel>())})");
        }

        int threads = json.Int(element.GetProperty("intra_op_num_threads"), "session.intra_op_num_threads", 1, 1024);
        return new GraphSessionSettings(provider, levelText, level, threads);
    }

    private static ReadOnlyDictionary<string, string> ReadCauses(GraphJson json, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw json.Fail("causes", $"is {GraphJson.Describe(element)}, not an object mapping cause keys to their text");
        }

        var causes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty cause in element.EnumerateObject())
        {
            if (cause.Name.Length == 0)
            {
                throw json.Fail("causes", "has an empty key");
            }

            causes.Add(cause.Name, json.NonEmptyString(cause.Value, GraphJson.Field("causes", cause.Name)));
        }

        return causes.ContainsKey(Unexplained)
            ? causes.AsReadOnly()
            : throw json.Fail("causes", $"lacks '{Unexplained}', the cause of a difference no known cause explains");
    }

    private static GraphValidationSettings ReadValidationSettings(GraphJson json, JsonElement element)
    {
        const string Where = "validation";
        json.Object(element, Where, ValidationSettingFields);
        JsonElement Get(string name) => element.GetProperty(name);
        int inputs = json.Int(Get("inputs_per_graph"), "validation.inputs_per_graph", 1);
        int maxElements = json.Int(Get("max_elements"), "validation.max_elements", 1);
        long seed = json.Integer(Get("seed"), "validation.seed", long.MinValue, long.MaxValue);
        IReadOnlyList<string> valueClasses = json.StringSet(Get("value_classes"), "validation.value_classes");
        if (valueClasses.Count == 0)
        {
            throw json.Fail("validation.value_classes", "is empty");
        }

        double relative = Positive(json, Get("relative_tolerance_eps"), "validation.relative_tolerance_eps");
        double bound = Positive(json, Get("bound_tolerance"), "validation.bound_tolerance");
        IReadOnlyList<string> failing = json.StringSet(Get("failing_classes"), "validation.failing_classes");
        foreach (string name in failing)
        {
            if (!DifferenceClasses.Contains(name))
            {
                throw json.Fail("validation.failing_classes", $"'{name}' is not a difference class ({string.Join(", ", DifferenceClasses)})");
            }
        }

        return new GraphValidationSettings(inputs, maxElements, seed, valueClasses, relative, bound, failing);
    }

    private static double Positive(GraphJson json, JsonElement element, string where)
    {
        double value = json.Number(element, where, 0);
        return value > 0 ? value : throw json.Fail(where, "is 0, not a positive tolerance");
    }

    /// <summary>The <c>files</c> object: plain <c>&lt;16 hex&gt;.onnx</c> names inside the folder, each the first 16
    /// digits of its lowercase hex SHA-256.</summary>
    private static ReadOnlyDictionary<string, string> ReadFileList(GraphJson json, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw json.Fail("files", $"is {GraphJson.Describe(element)}, not an object mapping file names to SHA-256 digests");
        }

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty file in element.EnumerateObject())
        {
            if (NameProblem(file.Name) is { } problem)
            {
                throw json.Fail("files", $"'{Printable(file.Name)}' is not a plain graph file name of the graphs folder: {problem}");
            }

            string where = GraphJson.Field("files", file.Name);
            string digest = file.Value.ValueKind == JsonValueKind.String ? file.Value.GetString()! : string.Empty;
            if (!FolderFiles.IsLowercaseSha256(digest))
            {
                throw json.Fail(where, $"{JsonText.Compact(file.Value)} is not a lowercase hex SHA-256 digest");
            }

            if (file.Name != digest[..16] + GraphFileExtension)
            {
                throw json.Fail(where, $"a graph file is named by the first 16 hex digits of its SHA-256, so this one is '{digest[..16]}{GraphFileExtension}'");
            }

            files.Add(file.Name, digest);
        }

        return files.Count > 0 ? files.AsReadOnly() : throw json.Fail("files", "lists no graph file");
    }

    /// <summary>A stray graph file may be a leftover of another export that a reader in another language would pick up.</summary>
    private static void CheckNoStrayFiles(string folder, IReadOnlyDictionary<string, string> files)
    {
        foreach (string path in System.IO.Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(GraphFileExtension, StringComparison.OrdinalIgnoreCase) && !files.ContainsKey(name))
            {
                throw new FixtureFormatException(path, "a graph file in the graphs folder that the manifest's files does not list", null);
            }
        }
    }

    private static byte[] ReadGraphFile(string path, string digest) =>
        FolderFiles.ReadVerified(path, digest, MaxGraphFileBytes, "a graph file");

    private static ReadOnlyCollection<T> ReadList<T>(GraphJson json, JsonElement element, string where, Func<JsonElement, string, T> read)
    {
        var items = new List<T>();
        int i = 0;
        foreach (JsonElement item in json.Array(element, where).EnumerateArray())
        {
            items.Add(read(item, GraphJson.Index(where, i++)));
        }

        return items.AsReadOnly();
    }

    private static GraphEntry ReadGraph(EntryContext context, JsonElement element, string index, HashSet<string> ids)
    {
        GraphJson json = context.Json;
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out JsonElement idElement)
            && idElement.ValueKind == JsonValueKind.String)
        {
            index = $"{index} ('{Printable(idElement.GetString()!)}')";
        }

        json.Object(element, index, GraphFields);
        Point point = ReadPoint(context, element, index, ids, graphDTypes: true);
        string where(string field) => GraphJson.Field(index, field);

        string file = json.String(element.GetProperty("file"), where("file"));
        if (!context.Files.TryGetValue(file, out string? listed))
        {
            throw json.Fail(where("file"), $"'{Printable(file)}' is not among the manifest's files");
        }

        string sha = json.String(element.GetProperty("sha256"), where("sha256"));
        if (sha != listed)
        {
            throw json.Fail(where("sha256"), $"'{Printable(sha)}' differs from the digest files lists for '{file}', {listed}");
        }

        JsonElement outputElement = json.Object(element.GetProperty("output"), where("output"), OutputFields);
        string outputName = json.String(outputElement.GetProperty("name"), where("output.name"));
        if (outputName != context.Output)
        {
            throw json.Fail(where("output.name"), $"is \"{Printable(outputName)}\", not the manifest's output \"{context.Output}\"");
        }

        TensorDType outputDType = json.DType(outputElement.GetProperty("dtype"), where("output.dtype"), GraphDTypes);
        int maxRank = point.Inputs.Max(input => input.Rank);
        int outputRank = json.Int(outputElement.GetProperty("rank"), where("output.rank"), 0, maxRank);
        int opset = json.Int(element.GetProperty("opset"), where("opset"), 0);
        if (opset != context.Opset)
        {
            throw json.Fail(where("opset"), string.Create(CultureInfo.InvariantCulture, $"is {opset}, not the manifest's opset {context.Opset}"));
        }

        GraphValidation validation = ReadGraphValidation(context, element.GetProperty("validation"), where("validation"), point.Inputs);
        return new GraphEntry(point.Id, point.Profile, point.Family, point.Api, point.DType, point.Args, point.Inputs, point.DimsNotOne,
            file, sha, new GraphOutputSpec(outputName, outputDType, outputRank), opset, validation);
    }

    private static FailedGraph ReadFailed(EntryContext context, JsonElement element, string index, HashSet<string> ids)
    {
        GraphJson json = context.Json;
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out JsonElement idElement)
            && idElement.ValueKind == JsonValueKind.String)
        {
            index = $"{index} ('{Printable(idElement.GetString()!)}')";
        }

        json.Object(element, index, FailedFields);
        Point point = ReadPoint(context, element, index, ids, graphDTypes: false);
        string stage = json.String(element.GetProperty("stage"), GraphJson.Field(index, "stage"));
        if (!Stages.Contains(stage))
        {
            throw json.Fail(GraphJson.Field(index, "stage"), $"\"{Printable(stage)}\" is not one of {string.Join(", ", Stages)}");
        }

        string reason = json.NonEmptyString(element.GetProperty("reason"), GraphJson.Field(index, "reason"));
        return new FailedGraph(point.Id, point.Profile, point.Family, point.Api, point.DType, point.Args, point.Inputs, point.DimsNotOne,
            stage, reason);
    }

    /// <summary>The fields a graph entry and a failed grid point share: the call and its inputs.</summary>
    private static Point ReadPoint(EntryContext context, JsonElement element, string index, HashSet<string> ids, bool graphDTypes)
    {
        GraphJson json = context.Json;
        string where(string field) => GraphJson.Field(index, field);
        string id = json.NonEmptyString(element.GetProperty("id"), where("id"));
        if (!ids.Add(id))
        {
            throw json.Fail(where("id"), $"'{Printable(id)}' is the id of an earlier entry (ids are unique across graphs and failed)");
        }

        string profile = json.String(element.GetProperty("profile"), where("profile"));
        if (!Profiles.IsKnown(profile))
        {
            throw json.Fail(where("profile"), $"\"{Printable(profile)}\" is not one of {string.Join(", ", Profiles.All)}");
        }

        string family = json.String(element.GetProperty("family"), where("family"));
        if (!Families.Contains(family))
        {
            throw json.Fail(where("family"), $"\"{Printable(family)}\" is not one of {string.Join(", ", Families)}");
        }

        string api = json.String(element.GetProperty("api"), where("api"));
        if (api is not (Apis.Loss or Apis.Function))
        {
            throw json.Fail(where("api"), $"\"{Printable(api)}\" is not loss or function (the only calls a graph is made of)");
        }

        TensorDType dtype = json.DType(element.GetProperty("dtype"), where("dtype"), graphDTypes ? GraphDTypes : FloatDTypes);
        JsonElement argsElement = element.GetProperty("args");
        CaseArgs args = ReadArgs(json, argsElement, where("args"), profile, api);
        IReadOnlyList<GraphInputSpec> inputs = ReadInputs(json, element.GetProperty("inputs"), where("inputs"), api, family, dtype);
        IReadOnlyList<string> dimsNotOne = json.StringSet(element.GetProperty("dims_not_one"), where("dims_not_one"));
        var named = inputs.SelectMany(input => input.Shape).Where(dim => !dim.IsStaticOne).Select(dim => dim.Name!).ToHashSet(StringComparer.Ordinal);
        foreach (string dim in dimsNotOne)
        {
            if (!named.Contains(dim))
            {
                throw json.Fail(where("dims_not_one"), $"'{Printable(dim)}' is not a dynamic dim of the inputs ({string.Join(", ", named.Order(StringComparer.Ordinal))})");
            }
        }

        string expected = $"{profile}/{family}/{api}/{dtype.CaseName()}/{ShapeKey(inputs)}/{ArgsKey(argsElement)}";
        if (id != expected)
        {
            throw json.Fail(where("id"), $"'{Printable(id)}' does not spell the entry's call, '{expected}'");
        }

        return new Point(id, profile, family, api, dtype, args, inputs, dimsNotOne);
    }

    private static CaseArgs ReadArgs(GraphJson json, JsonElement element, string where, string profile, string api)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw json.Fail(where, $"is {GraphJson.Describe(element)}, not an object");
        }

        string[] allowed = api == Apis.Function ? ["axis"] : ["axis", "reduction", "dtype"];
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                throw json.Fail(where, $"'{property.Name}' is not an argument a {api} graph is made with ({string.Join(", ", allowed)})");
            }
        }

        if (!CaseArgs.TryRead(JsonNodes.ToObject(element), out CaseArgs? args, out string? problem))
        {
            throw json.Fail(where, problem);
        }

        if (args.HasReduction && !Reductions[profile].Contains(args.Reduction))
        {
            throw json.Fail(GraphJson.Field(where, "reduction"),
                $"{JsonText.Compact(element.GetProperty("reduction"))} is not a reduction of {profile} ({string.Join(", ", Reductions[profile].Select(r => r ?? "null"))})");
        }

        if (args.DType is { } lossDType && (profile != Profiles.Keras3
            || !TensorDTypes.TryParseCaseName(lossDType, out TensorDType parsed) || !parsed.IsFloatingPoint()))
        {
            throw json.Fail(GraphJson.Field(where, "dtype"), $"\"{Printable(lossDType)}\" is not a floating dtype a keras3 loss computes in");
        }

        return args;
    }

    private static ReadOnlyCollection<GraphInputSpec> ReadInputs(GraphJson json, JsonElement element, string where, string api,
        string family, TensorDType dtype)
    {
        var inputs = new List<GraphInputSpec>();
        int i = 0;
        foreach (JsonElement item in json.Array(element, where).EnumerateArray())
        {
            string at = GraphJson.Index(where, i++);
            json.Object(item, at, InputFields);
            string name = json.String(item.GetProperty("name"), GraphJson.Field(at, "name"));
            int order = Array.IndexOf(InputOrder, name);
            int previous = inputs.Count == 0 ? -1 : Array.IndexOf(InputOrder, inputs[^1].Name);
            if (order < 0 || order <= previous || (inputs.Count < 2 && order != inputs.Count))
            {
                throw json.Fail(GraphJson.Field(at, "name"),
                    $"\"{Printable(name)}\" out of place: the inputs are y_true, y_pred, then sample_weight and mask where the call took them, in that order");
            }

            if (name == "sample_weight" && api != Apis.Loss)
            {
                throw json.Fail(GraphJson.Field(at, "name"), "only the loss takes a sample_weight");
            }

            if (name == "mask" && family != "mask")
            {
                throw json.Fail(GraphJson.Field(at, "name"), "only graphs of the mask family take a mask");
            }

            TensorDType expected = name == "mask" ? TensorDType.Bool : dtype;
            TensorDType inputDType = json.DType(item.GetProperty("dtype"), GraphJson.Field(at, "dtype"), TensorDTypes.All);
            if (inputDType != expected)
            {
                throw json.Fail(GraphJson.Field(at, "dtype"),
                    $"is {inputDType.CaseName()}, but {(name == "mask" ? "a mask is bool" : $"every input but a mask has the entry's dtype, {dtype.CaseName()}")}");
            }

            int rank = json.Int(item.GetProperty("rank"), GraphJson.Field(at, "rank"), 0, 8);
            ReadOnlyCollection<GraphDim> shape = ReadShape(json, item.GetProperty("shape"), GraphJson.Field(at, "shape"));
            if (shape.Count != rank)
            {
                throw json.Fail(GraphJson.Field(at, "shape"), string.Create(CultureInfo.InvariantCulture, $"has {shape.Count} dims, not rank {rank}"));
            }

            inputs.Add(new GraphInputSpec(name, inputDType, shape));
        }

        if (inputs.Count < 2)
        {
            throw json.Fail(where, "lacks y_true and y_pred");
        }

        if (family == "mask" && inputs[^1].Name != "mask")
        {
            throw json.Fail(where, "a graph of the mask family takes a mask as its last input");
        }

        return inputs.AsReadOnly();
    }

    private static ReadOnlyCollection<GraphDim> ReadShape(GraphJson json, JsonElement element, string where)
    {
        var dims = new List<GraphDim>();
        int i = 0;
        foreach (JsonElement item in json.Array(element, where).EnumerateArray())
        {
            string at = GraphJson.Index(where, i++);
            if (item.ValueKind == JsonValueKind.String)
            {
                string name = item.GetString()!;
                if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    throw json.Fail(at, $"\"{Printable(name)}\" is not a dim name (letters, digits, '_')");
                }

                dims.Add(GraphDim.Dynamic(name));
            }
            else if (item.ValueKind == JsonValueKind.Number && item.GetRawText() == "1")
            {
                dims.Add(GraphDim.StaticOne);
            }
            else
            {
                throw json.Fail(at, $"is {GraphJson.Describe(item)}: a dim is a name (dynamic) or the integer 1 (static)");
            }
        }

        return dims.AsReadOnly();
    }

    private static GraphValidation ReadGraphValidation(EntryContext context, JsonElement element, string where,
        IReadOnlyList<GraphInputSpec> graphInputs)
    {
        GraphJson json = context.Json;
        json.Object(element, where, GraphValidationFields);
        JsonElement Get(string name) => element.GetProperty(name);
        string at(string field) => GraphJson.Field(where, field);
        int inputs = json.Int(Get("inputs"), at("inputs"), 0);
        if (inputs != context.Validation.InputsPerGraph)
        {
            throw json.Fail(at("inputs"), string.Create(CultureInfo.InvariantCulture,
                $"is {inputs}, not the validation's inputs_per_graph {context.Validation.InputsPerGraph}"));
        }

        string measure = json.String(Get("measure"), at("measure"));
        if (!Measures.Contains(measure))
        {
            throw json.Fail(at("measure"), $"\"{Printable(measure)}\" is not one of {string.Join(", ", Measures)}");
        }

        int identical = json.Int(Get("identical"), at("identical"), 0, inputs);
        int tfErrors = json.Int(Get("tf_errors"), at("tf_errors"), 0, inputs);
        double maxDifference = json.Number(Get("max_difference"), at("max_difference"), 0);
        long maxUlp = json.Integer(Get("max_ulp"), at("max_ulp"), 0, long.MaxValue);
        int unbounded = json.Int(Get("unbounded_elements"), at("unbounded_elements"), 0);
        int zeroBound = json.Int(Get("zero_bound_elements"), at("zero_bound_elements"), 0);
        bool passed = json.Bool(Get("passed"), at("passed"));
        int agreeing = json.Int(Get("agreeing"), at("agreeing"), 0, inputs);
        var differences = new List<KnownDifference>();
        int i = 0;
        foreach (JsonElement item in json.Array(Get("known_differences"), at("known_differences")).EnumerateArray())
        {
            KnownDifference difference = ReadDifference(context, item, GraphJson.Index(at("known_differences"), i++), inputs, graphInputs);
            if (differences.Any(d => d.Class == difference.Class && d.Cause == difference.Cause))
            {
                throw json.Fail(at("known_differences"), $"lists the class '{difference.Class}' with the cause '{difference.Cause}' twice");
            }

            differences.Add(difference);
        }

        // The format's rule: passed = no failing class left unexplained, and TF agreed on some input.
        bool shouldPass = agreeing >= 1
            && !differences.Any(d => d.Cause == Unexplained && context.Validation.FailingClasses.Contains(d.Class));
        if (passed != shouldPass)
        {
            throw json.Fail(at("passed"), $"is {(passed ? "true" : "false")}, but {(shouldPass
                ? "no failing class is unexplained and some input agreed"
                : agreeing == 0 ? "no input agreed" : "a failing class is unexplained")}");
        }

        return new GraphValidation(inputs, measure, identical, tfErrors, maxDifference, maxUlp, unbounded, zeroBound, passed, agreeing,
            differences.AsReadOnly());
    }

    private static KnownDifference ReadDifference(EntryContext context, JsonElement element, string where, int inputs,
        IReadOnlyList<GraphInputSpec> graphInputs)
    {
        GraphJson json = context.Json;
        json.Object(element, where, DifferenceFields);
        string at(string field) => GraphJson.Field(where, field);
        string cls = json.String(element.GetProperty("class"), at("class"));
        if (!DifferenceClasses.Contains(cls))
        {
            throw json.Fail(at("class"), $"\"{Printable(cls)}\" is not a difference class ({string.Join(", ", DifferenceClasses)})");
        }

        int count = json.Int(element.GetProperty("inputs"), at("inputs"), 1, inputs);
        IReadOnlyList<string> valueClasses = json.StringSet(element.GetProperty("value_classes"), at("value_classes"));
        if (valueClasses.Count == 0)
        {
            throw json.Fail(at("value_classes"), "is empty");
        }

        foreach (string valueClass in valueClasses)
        {
            if (!context.Validation.ValueClasses.Contains(valueClass))
            {
                throw json.Fail(at("value_classes"), $"'{Printable(valueClass)}' is not among the validation's value_classes");
            }
        }

        string cause = json.String(element.GetProperty("cause"), at("cause"));
        if (!context.Causes.ContainsKey(cause))
        {
            throw json.Fail(at("cause"), $"'{Printable(cause)}' is not a key of causes ({string.Join(", ", context.Causes.Keys)})");
        }

        JsonElement example = json.Object(element.GetProperty("example"), at("example"), ExampleFields);
        string valueClassOfExample = json.String(example.GetProperty("value_class"), at("example.value_class"));
        if (!valueClasses.Contains(valueClassOfExample))
        {
            throw json.Fail(at("example.value_class"), $"'{Printable(valueClassOfExample)}' is not among the difference's value_classes");
        }

        string tfVsOrt = json.NonEmptyString(example.GetProperty("tf_vs_ort"), at("example.tf_vs_ort"));
        JsonElement shapesElement = example.GetProperty("shapes");
        if (shapesElement.ValueKind != JsonValueKind.Object)
        {
            throw json.Fail(at("example.shapes"), $"is {GraphJson.Describe(shapesElement)}, not an object of shapes by input name");
        }

        var shapes = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        foreach (JsonProperty shape in shapesElement.EnumerateObject())
        {
            string shapeAt = GraphJson.Field(at("example.shapes"), shape.Name);
            GraphInputSpec? input = graphInputs.FirstOrDefault(g => g.Name == shape.Name);
            if (input is null)
            {
                throw json.Fail(shapeAt, "is not an input of the graph");
            }

            var dims = new List<int>();
            int d = 0;
            foreach (JsonElement dim in json.Array(shape.Value, shapeAt).EnumerateArray())
            {
                dims.Add(json.Int(dim, GraphJson.Index(shapeAt, d++), 0));
            }

            if (dims.Count != input.Rank)
            {
                throw json.Fail(shapeAt, string.Create(CultureInfo.InvariantCulture, $"has {dims.Count} dims, but the input has rank {input.Rank}"));
            }

            shapes.Add(shape.Name, dims.AsReadOnly());
        }

        return new KnownDifference(cls, count, valueClasses, cause, new DifferenceExample(valueClassOfExample, tfVsOrt, shapes.AsReadOnly()));
    }

    /// <summary>The shapes part of an id, as the exporter spells it: <c>true[d0,1]-pred[d0]-weight[]</c>.</summary>
    private static string ShapeKey(IReadOnlyList<GraphInputSpec> inputs) =>
        string.Join("-", inputs.Select(input => $"{input.Name.Split('_')[^1]}[{string.Join(",", input.Shape)}]"));

    /// <summary>The args part of an id, as the exporter spells it (Python's <c>str</c> of each value, in key order):
    /// <c>axis=0,2_reduction=sum</c>, <c>reduction=None</c>, or <c>default</c> for none.</summary>
    private static string ArgsKey(JsonElement args)
    {
        var parts = new List<string>();
        foreach (JsonProperty property in args.EnumerateObject())
        {
            string text = property.Value.ValueKind == JsonValueKind.Array
                ? string.Join(",", property.Value.EnumerateArray().Select(PythonText))
                : PythonText(property.Value);
            parts.Add($"{property.Name}={text}");
        }

        return parts.Count == 0 ? "default" : string.Join("_", parts);
    }

    private static string PythonText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "None",
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };

    /// <summary>Why a <c>files</c> key is not a plain graph file name inside the folder, or null: the shared rules,
    /// then the stem, the first 16 hex digits of the file's SHA-256.</summary>
    private static string? NameProblem(string name) =>
        FolderFiles.PlainNameProblem(name, GraphFileExtension)
        ?? (FolderFiles.IsLowercaseHex(name[..^GraphFileExtension.Length], 16) ? null : "it is not 16 lowercase hex digits and .onnx");

    /// <summary>A name as a message shows it: control characters escaped.</summary>
    private static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            builder.Append(char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString());
        }

        return builder.ToString();
    }

    private sealed record EntryContext(
        GraphJson Json,
        int Opset,
        string Output,
        IReadOnlyDictionary<string, string> Causes,
        GraphValidationSettings Validation,
        IReadOnlyDictionary<string, string> Files);

    private sealed record Point(
        string Id,
        string Profile,
        string Family,
        string Api,
        TensorDType DType,
        CaseArgs Args,
        IReadOnlyList<GraphInputSpec> Inputs,
        IReadOnlyList<string> DimsNotOne);
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CosineParity.Tests.Fixtures;

/// <summary>
/// A small valid profile folder in a temp dir: a manifest and one array file with a case of each api, tensors of
/// each dtype (with NaN payloads, signed zeros, subnormals), a zero-size tensor and an inline scalar. A test changes
/// one thing (the manifest object or text, the header object or text, the file bytes, an extra file) and writes it.
/// </summary>
internal sealed class FixtureBuilder : IDisposable
{
    public const string ArrayFileName = "cases-000.safetensors";

    private readonly string _root;

    public FixtureBuilder(string profile = "keras2", string? folderName = null)
    {
        Profile = profile;
        _root = Path.Combine(Path.GetTempPath(), "fixture-tests", Guid.NewGuid().ToString("N"));
        Folder = Path.Combine(_root, folderName ?? profile);
        Tensors = DefaultTensors(profile);
        Manifest = DefaultManifest(profile);
    }

    public string Profile { get; }

    /// <summary>The profile folder (written by <see cref="Write"/>).</summary>
    public string Folder { get; }

    /// <summary>The folder holding the profile folder.</summary>
    public string Root => _root;

    public string ManifestPath => Path.Combine(Folder, "manifest.json");

    public string ArrayFilePath => Path.Combine(Folder, ArrayFileName);

    /// <summary>The tensors of the array file, in file order.</summary>
    public List<TensorSpec> Tensors { get; }

    /// <summary>The manifest; its digest of the array file is filled in by <see cref="Write"/>.</summary>
    public JsonObject Manifest { get; }

    public Dictionary<string, string>? Metadata { get; set; } = new() { ["format"] = "pt" };

    /// <summary>Changes the header object before it is written (offsets already computed).</summary>
    public Action<JsonObject>? EditHeader { get; set; }

    /// <summary>Changes the header text before it is padded and written.</summary>
    public Func<string, string>? EditHeaderText { get; set; }

    /// <summary>Changes the array file's bytes after they are assembled (the digest is taken afterwards unless
    /// <see cref="UpdateDigest"/> is false).</summary>
    public Func<byte[], byte[]>? EditFile { get; set; }

    public bool PadHeader { get; set; } = true;

    public bool UpdateDigest { get; set; } = true;

    /// <summary>Changes the manifest's text (UTF-8 bytes) just before it is written.</summary>
    public Func<string, string>? EditManifestText { get; set; }

    public Func<byte[], byte[]>? EditManifestBytes { get; set; }

    /// <summary>More files to write into the profile folder, by name.</summary>
    public Dictionary<string, byte[]> ExtraFiles { get; } = [];

    /// <summary>The case with this id suffix (e.g. <c>loss/000000</c>).</summary>
    public JsonObject Case(string suffix) =>
        Cases.Single(c => (string)c["id"]! == $"{Profile}/{suffix}");

    public IEnumerable<JsonObject> Cases => Manifest["cases"]!.AsArray().Select(c => c!.AsObject());

    public static string TensorName(string profile, string suffix) => $"{profile}/{suffix}";

    /// <summary>Writes the folder and returns its path.</summary>
    public string Write()
    {
        Directory.CreateDirectory(Folder);
        JsonObject header = SafetensorsWriter.Header(Tensors, Metadata);
        EditHeader?.Invoke(header);
        string headerText = header.ToJsonString();
        headerText = EditHeaderText?.Invoke(headerText) ?? headerText;
        byte[] file = SafetensorsWriter.Assemble(headerText, Tensors.SelectMany(t => t.Data).ToArray(), PadHeader);
        file = EditFile?.Invoke(file) ?? file;
        File.WriteAllBytes(ArrayFilePath, file);

        JsonObject files = Manifest["files"]!.AsObject();
        if (UpdateDigest && files.ContainsKey(ArrayFileName))
        {
            files[ArrayFileName] = Convert.ToHexStringLower(SHA256.HashData(file));
        }

        foreach ((string name, byte[] bytes) in ExtraFiles)
        {
            File.WriteAllBytes(Path.Combine(Folder, name), bytes);
        }

        string text = Manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        text = EditManifestText?.Invoke(text) ?? text;
        byte[] manifestBytes = Encoding.UTF8.GetBytes(text);
        manifestBytes = EditManifestBytes?.Invoke(manifestBytes) ?? manifestBytes;
        File.WriteAllBytes(ManifestPath, manifestBytes);
        return Folder;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    // Float bit patterns: a NaN with a payload, -0, the smallest subnormal, +inf, 1, -0.5.
    public static readonly uint[] YTrueBits = [0x7FC0_1234, 0x8000_0000, 0x0000_0001, 0x7F80_0000, 0x3F80_0000, 0xBF00_0000];
    public static readonly ushort[] BFloat16Bits = [0x7FC1, 0x8000, 0x0001, 0x3F80];
    public static readonly ushort[] Float16Bits = [0x7E01, 0x8000];
    public static readonly ulong[] Float64Bits = [0x7FF8_0000_0000_1234, 0x8000_0000_0000_0000, 0x0000_0000_0000_0001, 0x000F_FFFF_FFFF_FFFF];
    public static readonly long[] Int64Values = [long.MinValue, -1, 0, long.MaxValue];

    private static List<TensorSpec> DefaultTensors(string p)
    {
        string N(string suffix) => TensorName(p, suffix);
        int[] scalar = [];
        int[] matrix = [2, 3];
        return
        [
            // loss/000000: float32 with a mask, a Python int weight and gradients.
            TensorSpec.F32Bits(N("loss/000000/inputs/y_true"), matrix, YTrueBits),
            TensorSpec.F32(N("loss/000000/inputs/y_pred"), matrix, 1, 2, 3, 4, 5, 6),
            TensorSpec.Bool(N("loss/000000/inputs/mask"), [2], true, false),
            TensorSpec.F32(N("loss/000000/expected/value"), scalar, -0.5f),
            TensorSpec.F64(N("loss/000000/expected/exact"), scalar, -0.5),
            TensorSpec.F64(N("loss/000000/expected/bound"), scalar, 1e-7),
            TensorSpec.F32(N("loss/000000/gradients/y_true"), matrix, 0, 0, 0, 0, 0, 0),
            TensorSpec.F32(N("loss/000000/gradients/y_pred"), matrix, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f),
            TensorSpec.F64(N("loss/000000/expected/gradients/y_true/exact"), matrix, 0, 0, 0, 0, 0, 0),
            TensorSpec.F64(N("loss/000000/expected/gradients/y_true/bound"), matrix, 0, 0, 0, 0, 0, double.PositiveInfinity),
            TensorSpec.F64(N("loss/000000/expected/gradients/y_pred/exact"), matrix, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
            TensorSpec.F64(N("loss/000000/expected/gradients/y_pred/bound"), matrix, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8, 1e-8),
            // function/000000: bfloat16, TF raised.
            TensorSpec.BF16(N("function/000000/inputs/y_true"), [2, 2], BFloat16Bits),
            TensorSpec.BF16(N("function/000000/inputs/y_pred"), [2, 2], 0x3F80, 0x4000, 0x4040, 0x4080),
            // function/000001: float64, an empty batch.
            TensorSpec.F64(N("function/000001/inputs/y_true"), [0, 4]),
            TensorSpec.F64(N("function/000001/inputs/y_pred"), [0, 4]),
            TensorSpec.F64(N("function/000001/expected/value"), [0]),
            TensorSpec.F64(N("function/000001/expected/exact"), [0]),
            TensorSpec.F64(N("function/000001/expected/bound"), [0]),
            // metric/000000: float16, update, reset, update.
            TensorSpec.F16(N("metric/000000/steps/0/inputs/y_true"), [1, 2], Float16Bits),
            TensorSpec.F16(N("metric/000000/steps/0/inputs/y_pred"), [1, 2], 0x0001, 0x3C00),
            TensorSpec.F32(N("metric/000000/steps/0/value"), scalar, 0.25f),
            TensorSpec.F64(N("metric/000000/steps/0/exact"), scalar, 0.25),
            TensorSpec.F64(N("metric/000000/steps/0/bound"), scalar, 1e-6),
            TensorSpec.F16(N("metric/000000/steps/2/inputs/y_true"), [1, 2], 0x3C00, 0x3C00),
            TensorSpec.F16(N("metric/000000/steps/2/inputs/y_pred"), [1, 2], 0x3C00, 0x3C00),
            TensorSpec.F32(N("metric/000000/steps/2/value"), scalar, 1f),
            TensorSpec.F64(N("metric/000000/steps/2/exact"), scalar, 1),
            TensorSpec.F64(N("metric/000000/steps/2/bound"), scalar, 1e-6),
            TensorSpec.F32(N("metric/000000/expected/value"), scalar, 1f),
            TensorSpec.F64(N("metric/000000/expected/exact"), scalar, 1),
            TensorSpec.F64(N("metric/000000/expected/bound"), scalar, 1e-6),
            // average-loss/000000: float64 losses, int64 weights.
            TensorSpec.F64Bits(N("average-loss/000000/inputs/per_example_loss"), [4], Float64Bits),
            TensorSpec.I64(N("average-loss/000000/inputs/sample_weight"), [4], Int64Values),
            TensorSpec.F64(N("average-loss/000000/expected/value"), scalar, double.NaN),
            TensorSpec.F64(N("average-loss/000000/expected/exact"), scalar, double.NaN),
            TensorSpec.F64(N("average-loss/000000/expected/bound"), scalar, 0),
        ];
    }

    private static JsonObject DefaultManifest(string p)
    {
        string N(string suffix) => TensorName(p, suffix);
        JsonObject Number(string suffix) => new()
        {
            ["value"] = N($"{suffix}/value"),
            ["exact"] = N($"{suffix}/exact"),
            ["bound"] = N($"{suffix}/bound"),
        };

        JsonObject loss = Number("loss/000000/expected");
        loss["gradients"] = new JsonObject
        {
            ["y_true"] = new JsonObject
            {
                ["exact"] = N("loss/000000/expected/gradients/y_true/exact"),
                ["bound"] = N("loss/000000/expected/gradients/y_true/bound"),
            },
            ["y_pred"] = new JsonObject
            {
                ["exact"] = N("loss/000000/expected/gradients/y_pred/exact"),
                ["bound"] = N("loss/000000/expected/gradients/y_pred/bound"),
            },
        };

        JsonObject step0 = Number("metric/000000/steps/0");
        step0.Insert(0, "inputs", new JsonObject
        {
            ["y_true"] = N("metric/000000/steps/0/inputs/y_true"),
            ["y_pred"] = N("metric/000000/steps/0/inputs/y_pred"),
            ["sample_weight"] = new JsonObject { ["scalar"] = JsonNode.Parse("0.5") },
        });
        JsonObject step2 = Number("metric/000000/steps/2");
        step2.Insert(0, "inputs", new JsonObject
        {
            ["y_true"] = N("metric/000000/steps/2/inputs/y_true"),
            ["y_pred"] = N("metric/000000/steps/2/inputs/y_pred"),
        });

        return new JsonObject
        {
            ["format"] = "cosine-parity/1",
            ["profile"] = p,
            ["provenance"] = new JsonObject
            {
                ["tensorflow"] = "2.21.0", ["keras"] = "3.15.1", ["tf_keras"] = "2.21.0", ["numpy"] = "2.4.6",
                ["python"] = "3.11.7", ["platform"] = "Linux-x86_64", ["recorder"] = "test", ["seed"] = 1234,
                ["determinism"] = "test", ["cpu_flags"] = new JsonArray("avx2", "fma"),
            },
            ["files"] = new JsonObject { [ArrayFileName] = new string('0', 64) },
            ["cases"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = N("loss/000000"), ["group"] = "special", ["api"] = "loss", ["dtype"] = "float32",
                    ["args"] = new JsonObject { ["axis"] = -1, ["reduction"] = "sum_over_batch_size" },
                    ["file"] = ArrayFileName,
                    ["inputs"] = new JsonObject
                    {
                        ["y_true"] = N("loss/000000/inputs/y_true"),
                        ["y_pred"] = N("loss/000000/inputs/y_pred"),
                        ["sample_weight"] = new JsonObject { ["scalar"] = 2 },
                        ["mask"] = N("loss/000000/inputs/mask"),
                    },
                    ["tags"] = new JsonArray("zero-rows", "tiny-norm"),
                    ["expected"] = loss,
                    ["gradients"] = new JsonObject
                    {
                        ["y_true"] = N("loss/000000/gradients/y_true"),
                        ["y_pred"] = N("loss/000000/gradients/y_pred"),
                    },
                },
                new JsonObject
                {
                    ["id"] = N("function/000000"), ["group"] = "errors", ["api"] = "function", ["dtype"] = "bfloat16",
                    ["args"] = new JsonObject { ["axis"] = new JsonArray(0, 1) },
                    ["file"] = ArrayFileName,
                    ["inputs"] = new JsonObject
                    {
                        ["y_true"] = N("function/000000/inputs/y_true"),
                        ["y_pred"] = N("function/000000/inputs/y_pred"),
                    },
                    ["expected"] = new JsonObject
                    {
                        ["error"] = new JsonObject { ["type"] = "InvalidArgumentError", ["message"] = "Incompatible shapes: [2,2] vs. [3]" },
                    },
                },
                new JsonObject
                {
                    ["id"] = N("function/000001"), ["group"] = "special", ["api"] = "function", ["dtype"] = "float64",
                    ["args"] = new JsonObject(),
                    ["file"] = ArrayFileName,
                    ["inputs"] = new JsonObject
                    {
                        ["y_true"] = N("function/000001/inputs/y_true"),
                        ["y_pred"] = N("function/000001/inputs/y_pred"),
                    },
                    ["expected"] = Number("function/000001/expected"),
                },
                new JsonObject
                {
                    ["id"] = N("metric/000000"), ["group"] = "metric", ["api"] = "metric", ["dtype"] = "float16",
                    ["args"] = new JsonObject(),
                    ["file"] = ArrayFileName,
                    ["inputs"] = new JsonObject(),
                    ["steps"] = new JsonArray(step0, new JsonObject { ["reset"] = true }, step2),
                    ["expected"] = Number("metric/000000/expected"),
                },
                new JsonObject
                {
                    ["id"] = N("average-loss/000000"), ["group"] = "average-loss", ["api"] = "compute_average_loss",
                    ["dtype"] = "float64",
                    ["args"] = new JsonObject { ["global_batch_size"] = 4 },
                    ["file"] = ArrayFileName,
                    ["inputs"] = new JsonObject
                    {
                        ["per_example_loss"] = N("average-loss/000000/inputs/per_example_loss"),
                        ["sample_weight"] = N("average-loss/000000/inputs/sample_weight"),
                    },
                    ["expected"] = Number("average-loss/000000/expected"),
                },
                new JsonObject
                {
                    ["id"] = N("config/000000"), ["group"] = "config", ["api"] = "config", ["dtype"] = "",
                    ["args"] = new JsonObject { ["target"] = "loss", ["from_logits"] = false },
                    ["file"] = ArrayFileName,
                    ["inputs"] = new JsonObject(),
                    ["expected"] = new JsonObject
                    {
                        ["config"] = new JsonObject
                        {
                            ["name"] = "cosine_similarity", ["reduction"] = "auto", ["axis"] = -1, ["fn"] = "cosine_similarity",
                        },
                    },
                }),
        };
    }
}

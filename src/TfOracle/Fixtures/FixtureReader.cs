using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Fixtures;

/// <summary>
/// The one strict reader of <c>cosine-parity/1</c> fixtures (fixtures/README.md): a profile folder holds
/// <c>manifest.json</c> and the safetensors array files it lists. Everything the format promises is checked, and the
/// first departure from it throws a <see cref="FixtureFormatException"/> naming the file, the case and the tensor:
/// a port compared against a fixture that is not what it claims would pass or fail for the wrong reason. Each array
/// file is read once; tensors slice its buffer. Thread-safe (no shared state).
/// </summary>
public static class FixtureReader
{
    /// <summary>The format string a manifest must carry.</summary>
    public const string Format = "cosine-parity/1";

    /// <summary>The manifest's file name in a profile folder.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The largest a manifest may be, of fixtures or graphs (64 MiB; the recorded ones are under 4 MB); larger
    /// ones are refused before they are read.</summary>
    public const int MaxManifestBytes = 64 * 1024 * 1024;

    /// <summary>The largest an array file may be (8 MiB); larger files are refused before they are read.</summary>
    public const int MaxArrayFileBytes = 8 * 1024 * 1024;

    private const string ArrayFileExtension = ".safetensors";

    private static readonly string[] ManifestFields = ["format", "profile", "provenance", "files", "cases"];

    private static readonly string[] ProvenanceFields =
        ["tensorflow", "keras", "tf_keras", "numpy", "python", "platform", "recorder", "seed", "determinism"];

    /// <summary>Reads a profile folder (one holding <c>manifest.json</c>), or every profile folder directly inside a
    /// folder of them (e.g. <c>fixtures/</c>), in the order of their names. A profile folder there is one named as a
    /// profile (<see cref="Profiles.All"/>) that holds a manifest; other folders are skipped, such as <c>graphs/</c>,
    /// whose manifest is of another format (<c>cosine-parity-graphs/1</c>).</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>One set per profile folder.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FixtureFormatException">No manifest was found, or a profile breaks the format.</exception>
    public static IReadOnlyList<FixtureSet> Read(string directory)
    {
        string root = FullDirectory(directory);
        if (File.Exists(Path.Combine(root, ManifestFileName)))
        {
            return [ReadProfile(root)];
        }

        string[] profiles = Directory.EnumerateDirectories(root)
            .Where(sub => Profiles.IsKnown(Path.GetFileName(sub)) && File.Exists(Path.Combine(sub, ManifestFileName)))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (profiles.Length == 0)
        {
            throw new FixtureFormatException(root, $"holds no {ManifestFileName}, nor any profile folder ({string.Join(", ", Profiles.All)}) with one", null);
        }

        return Array.AsReadOnly(profiles.Select(ReadProfile).ToArray());
    }

    /// <summary>Reads one profile folder: <c>manifest.json</c> and the array files it lists.</summary>
    /// <param name="directory">The profile folder; its name is the profile (<c>keras2</c>, <c>keras3</c>).</param>
    /// <returns>The profile's cases with every tensor resolved.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FixtureFormatException">The folder breaks the format.</exception>
    public static FixtureSet ReadProfile(string directory)
    {
        string folder = FullDirectory(directory);
        string manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new FixtureFormatException(manifestPath, "does not exist: a profile folder holds a manifest", null);
        }

        byte[] manifestBytes = FolderFiles.ReadCapped(manifestPath, MaxManifestBytes, "a manifest");
        using JsonDocument document = StrictJson.Parse(manifestBytes, manifestPath, "the manifest");
        JsonElement manifest = document.RootElement;
        if (manifest.ValueKind != JsonValueKind.Object)
        {
            throw Fail(manifestPath, "the manifest is not a JSON object");
        }

        foreach (JsonProperty field in manifest.EnumerateObject())
        {
            if (!ManifestFields.Contains(field.Name))
            {
                throw Fail(manifestPath, $"unknown top-level field '{field.Name}' (a manifest has {string.Join(", ", ManifestFields)})");
            }
        }

        CheckFormat(manifestPath, manifest);
        string profile = ReadProfileName(manifestPath, manifest, Path.GetFileName(folder));
        JsonObject provenance = ReadProvenance(manifestPath, manifest);
        Dictionary<string, ArrayFile> files = ReadArrayFiles(folder, manifestPath, manifest);
        IReadOnlyList<ParityCase> cases = ReadCases(manifestPath, manifest, profile, files);
        CheckAllReferenced(files);
        return new FixtureSet(folder, profile, provenance, cases);
    }

    private static string FullDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        return Directory.Exists(full) ? full : throw new DirectoryNotFoundException($"{full}: no such folder");
    }

    private static void CheckFormat(string manifestPath, JsonElement manifest)
    {
        if (!manifest.TryGetProperty("format", out JsonElement format)
            || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
        {
            string found = manifest.TryGetProperty("format", out JsonElement f) ? f.GetRawText() : "missing";
            throw Fail(manifestPath, $"format is {found}, not \"{Format}\": this reader reads only that format");
        }
    }

    private static string ReadProfileName(string manifestPath, JsonElement manifest, string folderName)
    {
        if (!manifest.TryGetProperty("profile", out JsonElement element) || element.ValueKind != JsonValueKind.String
            || !Profiles.IsKnown(element.GetString()))
        {
            string found = manifest.TryGetProperty("profile", out JsonElement p) ? p.GetRawText() : "missing";
            throw Fail(manifestPath, $"profile is {found}, not one of {string.Join(", ", Profiles.All)}");
        }

        string profile = element.GetString()!;
        return profile == folderName
            ? profile
            : throw Fail(manifestPath, $"profile '{profile}' differs from the name of its folder, '{folderName}'");
    }

    private static JsonObject ReadProvenance(string manifestPath, JsonElement manifest)
    {
        if (!manifest.TryGetProperty("provenance", out JsonElement element) || element.ValueKind != JsonValueKind.Object)
        {
            throw Fail(manifestPath, "provenance is missing or not an object");
        }

        string[] missing = ProvenanceFields.Where(key => !element.TryGetProperty(key, out _)).ToArray();
        return missing.Length == 0
            ? JsonNodes.ToObject(element)
            : throw Fail(manifestPath, $"provenance lacks {string.Join(", ", missing)}");
    }

    /// <summary>Checks the <c>files</c> list and the folder against each other, then reads, hashes and decodes every
    /// listed array file.</summary>
    private static Dictionary<string, ArrayFile> ReadArrayFiles(string folder, string manifestPath, JsonElement manifest)
    {
        if (!manifest.TryGetProperty("files", out JsonElement filesElement) || filesElement.ValueKind != JsonValueKind.Object)
        {
            throw Fail(manifestPath, "files is missing or not an object mapping file names to SHA-256 digests");
        }

        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty file in filesElement.EnumerateObject())
        {
            if (FolderFiles.PlainNameProblem(file.Name, ArrayFileExtension) is { } problem)
            {
                throw Fail(manifestPath, $"files: '{file.Name}' is not a plain array file name of the profile folder: {problem}");
            }

            if (file.Value.ValueKind != JsonValueKind.String || !FolderFiles.IsLowercaseSha256(file.Value.GetString()!))
            {
                throw Fail(manifestPath, $"files: '{file.Name}': {file.Value.GetRawText()} is not a lowercase hex SHA-256 digest");
            }

            digests.Add(file.Name, file.Value.GetString()!);
        }

        // A stray array file may be a leftover of another recording that a reader in another language would pick up.
        foreach (string path in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(ArrayFileExtension, StringComparison.OrdinalIgnoreCase) && !digests.ContainsKey(name))
            {
                throw new FixtureFormatException(path, "an array file in the profile folder that the manifest's files does not list", null);
            }
        }

        var files = new Dictionary<string, ArrayFile>(StringComparer.Ordinal);
        foreach ((string name, string digest) in digests)
        {
            files.Add(name, ReadArrayFile(Path.Combine(folder, name), name, digest));
        }

        return files;
    }

    private static ArrayFile ReadArrayFile(string path, string name, string digest)
    {
        byte[] data = FolderFiles.ReadVerified(path, digest, MaxArrayFileBytes, "an array file");

        return ArrayFile.Parse(name, path, data);
    }

    private static ReadOnlyCollection<ParityCase> ReadCases(string manifestPath, JsonElement manifest, string profile,
        Dictionary<string, ArrayFile> files)
    {
        if (!manifest.TryGetProperty("cases", out JsonElement casesElement) || casesElement.ValueKind != JsonValueKind.Array)
        {
            throw Fail(manifestPath, "cases is missing or not a list");
        }

        var reader = new CaseReader(manifestPath, profile, files);
        var cases = new List<ParityCase>(casesElement.GetArrayLength());
        foreach (JsonElement element in casesElement.EnumerateArray())
        {
            cases.Add(reader.Read(element, cases.Count));
        }

        return cases.AsReadOnly();
    }

    private static void CheckAllReferenced(Dictionary<string, ArrayFile> files)
    {
        foreach (ArrayFile file in files.Values)
        {
            foreach (ArrayTensor tensor in file.Tensors.Values)
            {
                if (!tensor.Referenced)
                {
                    throw new FixtureFormatException(file.Path, "no case references it (every tensor belongs to a case)", null, tensor.Name);
                }
            }
        }
    }

    private static FixtureFormatException Fail(string manifestPath, string problem) => new(manifestPath, problem, null);
}

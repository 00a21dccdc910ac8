using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using CosineParity.Oracle.Fixtures;
using CosineParity.Oracle.Graphs;

namespace CosineParity.ReaderFuzz;

/// <summary>
/// One fuzz input, turned into a folder and read. Layout: byte 0 picks the reader (even: the fixture reader on a
/// profile folder, odd: the graph manifest reader on a graphs folder); the bytes up to the first NUL are
/// <c>manifest.json</c>; the bytes after it, if there is a NUL, are the one listed file (the profile's
/// <c>cases-000.safetensors</c>, or the graph file). In the manifest, <c>$SHA</c> becomes that file's SHA-256 and
/// <c>$FILE</c> its name (a graph file is named by its digest), so mutations get past the digest checks and still
/// reach them when they change a placeholder. JSON text holds no NUL, so the split loses no manifest afl can write.
/// </summary>
internal static class FuzzInput
{
    /// <summary>The name the profile's array file gets.</summary>
    public const string ArrayFileName = "cases-000.safetensors";

    private static readonly byte[] DigestPlaceholder = "$SHA"u8.ToArray();

    private static readonly byte[] NamePlaceholder = "$FILE"u8.ToArray();

    /// <summary>Reads one input through the reader it picks.</summary>
    /// <returns>What the reader did: how much it read, or the problem it named.</returns>
    /// <exception cref="Exception">Anything but <see cref="FixtureFormatException"/>: a crash, for afl.</exception>
    public static string Read(Stream input, FuzzFolders folders)
    {
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        ReadOnlySpan<byte> bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.IsEmpty)
        {
            return "empty input: nothing read";
        }

        bool graphs = (bytes[0] & 1) == 1;
        ReadOnlySpan<byte> rest = bytes[1..];
        int split = rest.IndexOf((byte)0);
        ReadOnlySpan<byte> manifest = split < 0 ? rest : rest[..split];
        byte[]? file = split < 0 ? null : rest[(split + 1)..].ToArray();

        string folder = graphs ? folders.Graphs : folders.Profile;
        FuzzFolders.Clear(folder);
        string digest = Convert.ToHexStringLower(SHA256.HashData(file ?? []));
        string fileName = graphs ? digest[..16] + ".onnx" : ArrayFileName;
        byte[] manifestBytes = Replace(Replace(manifest, DigestPlaceholder, Encoding.ASCII.GetBytes(digest)),
            NamePlaceholder, Encoding.ASCII.GetBytes(fileName));
        File.WriteAllBytes(Path.Combine(folder, FixtureReader.ManifestFileName), manifestBytes);
        if (file is not null)
        {
            File.WriteAllBytes(Path.Combine(folder, fileName), file);
        }

        try
        {
            return graphs
                ? $"graphs read: {GraphManifestReader.Read(folder).Graphs.Count} graphs"
                : $"fixture read: {FixtureReader.ReadProfile(folder).Cases.Count} cases";
        }
        catch (FixtureFormatException refused)
        {
            return $"refused: {refused.Problem}";
        }
    }

    private static byte[] Replace(ReadOnlySpan<byte> text, ReadOnlySpan<byte> placeholder, ReadOnlySpan<byte> value)
    {
        using var output = new MemoryStream(text.Length);
        int at;
        while ((at = text.IndexOf(placeholder)) >= 0)
        {
            output.Write(text[..at]);
            output.Write(value);
            text = text[(at + placeholder.Length)..];
        }

        output.Write(text);
        return output.ToArray();
    }
}

using System;
using System.IO;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;

namespace CosineParity.Oracle.Fixtures;

/// <summary>The rules both manifests (fixtures and graphs) apply to the files they list: a plain name that cannot
/// leave its folder, and a lowercase hex SHA-256.</summary>
internal static class FolderFiles
{
    /// <summary>Why <paramref name="name"/> is not a plain <c>&lt;stem&gt;&lt;extension&gt;</c> file inside the folder, or null.</summary>
    public static string? PlainNameProblem(string name, string extension)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            return "it holds a path separator";
        }

        if (name.Contains("..", StringComparison.Ordinal))
        {
            return "it holds '..'";
        }

        if (Path.IsPathRooted(name) || name.Contains(':', StringComparison.Ordinal))
        {
            return "it is rooted or names a drive";
        }

        if (name.Any(char.IsControl))
        {
            return "it holds control characters";
        }

        if (name.StartsWith('.'))
        {
            return "it starts with '.'";
        }

        return name.EndsWith(extension, StringComparison.Ordinal) && name.Length > extension.Length
            ? null
            : $"it does not end in {extension}";
    }

    public static bool IsLowercaseHex(string text, int length) =>
        text.Length == length && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public static bool IsLowercaseSha256(string digest) => IsLowercaseHex(digest, 64);

    /// <summary>A file's bytes, after checking it is at most <paramref name="maxBytes"/> before reading it, so a huge
    /// file is refused rather than loaded.</summary>
    /// <exception cref="FixtureFormatException">It is larger.</exception>
    public static byte[] ReadCapped(string path, long maxBytes, string what)
    {
        long length = new FileInfo(path).Length;
        return length <= maxBytes
            ? File.ReadAllBytes(path)
            : throw new FixtureFormatException(path, string.Create(CultureInfo.InvariantCulture,
                $"{length} bytes, more than the {maxBytes} ({maxBytes >> 20} MiB) {what} may hold"), null);
    }

    /// <summary>A listed file's bytes, after checking it exists, is at most <paramref name="maxBytes"/> (before reading
    /// it) and has the listed SHA-256.</summary>
    /// <exception cref="FixtureFormatException">It is missing, too large, or its digest differs.</exception>
    public static byte[] ReadVerified(string path, string digest, long maxBytes, string what)
    {
        if (!File.Exists(path))
        {
            throw new FixtureFormatException(path, "is listed in the manifest's files but does not exist", null);
        }

        byte[] data = ReadCapped(path, maxBytes, what);
        string actual = Convert.ToHexStringLower(SHA256.HashData(data));
        return actual == digest
            ? data
            : throw new FixtureFormatException(path, $"SHA-256 {actual} differs from the manifest's {digest}", null);
    }
}

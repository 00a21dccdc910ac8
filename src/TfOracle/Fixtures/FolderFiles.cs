using System;
using System.IO;
using System.Linq;

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
}

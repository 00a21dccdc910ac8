using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Fixtures;
using Xunit;

namespace CosineParity.Tests.Fixtures;

/// <summary>Each rule of the manifest and its file list, broken once in an otherwise valid fixture.</summary>
public sealed class ManifestRulesTests : IDisposable
{
    private readonly FixtureBuilder _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private const string Manifest = "manifest.json";

    [Theory]
    [InlineData("\"cosine-parity/2\"")]
    [InlineData("\"cosine-parity-graphs/1\"")]
    [InlineData("1")]
    public void FormatMustBeCosineParity1(string format)
    {
        _fixture.Manifest["format"] = JsonNode.Parse(format);
        FixtureAssert.Rejected(_fixture, Manifest, $"format is {format}", "\"cosine-parity/1\"");
    }

    [Fact]
    public void FormatMustBePresent()
    {
        _fixture.Manifest.Remove("format");
        FixtureAssert.Rejected(_fixture, Manifest, "format is missing");
    }

    [Fact]
    public void ProfileMustEqualTheFolderName()
    {
        _fixture.Manifest["profile"] = "keras3";
        FixtureAssert.Rejected(_fixture, Manifest, "profile 'keras3' differs from the name of its folder, 'keras2'");
    }

    [Fact]
    public void ProfileMustBeKeras2OrKeras3()
    {
        using var fixture = new FixtureBuilder("keras4");
        FixtureAssert.Rejected(fixture, Manifest, "profile is \"keras4\", not one of keras2, keras3");
    }

    [Fact]
    public void ManifestMustBeAnObject()
    {
        _fixture.EditManifestText = _ => "[]";
        FixtureAssert.Rejected(_fixture, Manifest, "not a JSON object");
    }

    [Fact]
    public void UnknownTopLevelFieldIsRefused()
    {
        _fixture.Manifest["comment"] = "hi";
        FixtureAssert.Rejected(_fixture, Manifest, "unknown top-level field 'comment'");
    }

    [Fact]
    public void ProvenanceMustHoldTheContractKeys()
    {
        _fixture.Manifest["provenance"]!.AsObject().Remove("seed");
        FixtureAssert.Rejected(_fixture, Manifest, "provenance lacks seed");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void NonFiniteLiteralsAreNotJson(string literal)
    {
        _fixture.EditManifestText = text => text.Replace("\"seed\": 1234", $"\"seed\": {literal}", StringComparison.Ordinal);
        FixtureAssert.Rejected(_fixture, Manifest, "the manifest is not strict JSON");
    }

    [Fact]
    public void RepeatedTopLevelKeyIsRefused()
    {
        _fixture.EditManifestText = text => text.Replace("\"profile\": \"keras2\",", "\"profile\": \"keras2\", \"profile\": \"keras2\",",
            StringComparison.Ordinal);
        FixtureAssert.Rejected(_fixture, Manifest, "repeats the key 'profile' in the object at $");
    }

    [Fact]
    public void RepeatedKeyDeepInACaseIsRefused()
    {
        // Two y_pred: one reader would take the first, another the last.
        _fixture.EditManifestText = text => ReplaceFirst(text, "\"y_pred\": \"keras2/function/000001/inputs/y_pred\"",
            "\"y_pred\": \"keras2/function/000001/inputs/y_pred\", \"y_pred\": \"keras2/function/000001/inputs/y_true\"");
        FixtureAssert.Rejected(_fixture, Manifest, "repeats the key 'y_pred' in the object at $.cases[2].inputs");
    }

    [Fact]
    public void RepeatedKeyWrittenWithAnEscapeIsStillRepeated()
    {
        _fixture.EditManifestText = text => text.Replace("\"format\": \"cosine-parity/1\",",
            "\"format\": \"cosine-parity/1\", \"\\u0066ormat\": \"cosine-parity/1\",", StringComparison.Ordinal);
        FixtureAssert.Rejected(_fixture, Manifest, "repeats the key 'format'");
    }

    [Fact]
    public void TrailingCommaIsNotJson()
    {
        _fixture.EditManifestText = text => text.Replace("\"fma\"", "\"fma\",", StringComparison.Ordinal);
        FixtureAssert.Rejected(_fixture, Manifest, "the manifest is not strict JSON", "trailing comma");
    }

    [Fact]
    public void CommentIsNotJson()
    {
        _fixture.EditManifestText = text => "// recorded\n" + text;
        FixtureAssert.Rejected(_fixture, Manifest, "the manifest is not strict JSON");
    }

    [Fact]
    public void ByteOrderMarkIsRefused()
    {
        _fixture.EditManifestBytes = bytes => [.. Encoding.UTF8.Preamble, .. bytes];
        FixtureAssert.Rejected(_fixture, Manifest, "byte order mark");
    }

    [Fact]
    public void InvalidUtf8IsRefused()
    {
        _fixture.EditManifestBytes = bytes =>
        {
            int at = IndexOf(bytes, "Linux-x86_64"u8.ToArray());
            bytes[at] = 0xFF;
            return bytes;
        };
        FixtureAssert.Rejected(_fixture, Manifest, "not valid UTF-8");
    }

    [Fact]
    public void LoneSurrogateEscapeIsRefused()
    {
        _fixture.EditManifestText = text => text.Replace("\"recorder\": \"test\"", "\"recorder\": \"\\ud800\"", StringComparison.Ordinal);
        FixtureAssert.Rejected(_fixture, Manifest, "holds a string that is not valid Unicode");
    }

    [Fact]
    public void MissingManifestIsReported()
    {
        Directory.CreateDirectory(_fixture.Folder);
        FixtureFormatException e = Assert.Throws<FixtureFormatException>(() => FixtureReader.ReadProfile(_fixture.Folder));
        Assert.Equal(_fixture.ManifestPath, e.File);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FolderWithoutProfilesIsReported()
    {
        Directory.CreateDirectory(Path.Combine(_fixture.Root, "graphs"));
        FixtureFormatException e = Assert.Throws<FixtureFormatException>(() => FixtureReader.Read(_fixture.Root));
        Assert.Equal(_fixture.Root, e.File);
        Assert.Contains("holds no manifest.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFolderIsNotFound() =>
        Assert.Throws<DirectoryNotFoundException>(() => FixtureReader.ReadProfile(Path.Combine(_fixture.Root, "nowhere")));

    // files

    [Fact]
    public void ListedFileMustExist()
    {
        _fixture.Manifest["files"]!["cases-001.safetensors"] = new string('a', 64);
        FixtureAssert.Rejected(_fixture, "cases-001.safetensors", "is listed in the manifest's files but does not exist");
    }

    [Fact]
    public void Sha256MustMatch()
    {
        _fixture.Write();
        string good = (string)_fixture.Manifest["files"]![FixtureBuilder.ArrayFileName]!;
        _fixture.UpdateDigest = false;
        _fixture.EditFile = bytes =>
        {
            bytes[^1] ^= 1;   // the last data byte: the layout is still valid, only the hash tells
            return bytes;
        };
        FixtureAssert.Rejected(_fixture, FixtureBuilder.ArrayFileName, "differs from the manifest's " + good);
    }

    [Theory]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678")]
    [InlineData("not hex")]
    public void DigestMustBeLowercaseHexSha256(string digest)
    {
        _fixture.UpdateDigest = false;
        _fixture.Manifest["files"]![FixtureBuilder.ArrayFileName] = digest;
        FixtureAssert.Rejected(_fixture, Manifest, "is not a lowercase hex SHA-256 digest");
    }

    [Theory]
    [InlineData("../cases-000.safetensors", "path separator")]
    [InlineData("sub/cases-000.safetensors", "path separator")]
    [InlineData("sub\\cases-000.safetensors", "path separator")]
    [InlineData("/tmp/cases-000.safetensors", "path separator")]
    [InlineData("..safetensors", "'..'")]
    [InlineData("..", "'..'")]
    [InlineData("C:cases.safetensors", "rooted or names a drive")]
    [InlineData("", "it is empty")]
    [InlineData(".hidden.safetensors", "starts with '.'")]
    [InlineData("cases-000.bin", "does not end in .safetensors")]
    [InlineData("a\nb.safetensors", "control characters")]
    public void FileNamesMustStayInTheFolder(string name, string reason)
    {
        _fixture.Manifest["files"]![name] = new string('a', 64);
        FixtureAssert.Rejected(_fixture, Manifest, "is not a plain array file name of the profile folder", reason);
    }

    [Fact]
    public void UnlistedArrayFileInTheFolderIsRefused()
    {
        _fixture.ExtraFiles["cases-001.safetensors"] = SafetensorsWriter.Write([]);
        FixtureAssert.Rejected(_fixture, "cases-001.safetensors", "the manifest's files does not list");
    }

    [Fact]
    public void OtherFilesInTheFolderAreAllowed()
    {
        _fixture.ExtraFiles["README.md"] = "notes"u8.ToArray();
        Assert.Equal(6, FixtureReader.ReadProfile(_fixture.Write()).Cases.Count);
    }

    [Fact]
    public void ArrayFileOver8MiBIsRefusedBeforeReading()
    {
        _fixture.EditFile = bytes => [.. bytes, .. new byte[FixtureReader.MaxArrayFileBytes]];
        FixtureAssert.Rejected(_fixture, FixtureBuilder.ArrayFileName, "more than the 8388608 (8 MiB)");
    }

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        int at = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(at >= 0, old);
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + old.Length));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        int at = haystack.AsSpan().IndexOf(needle);
        Assert.True(at >= 0);
        return at;
    }
}

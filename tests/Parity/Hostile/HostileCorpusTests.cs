using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using CosineParity.Oracle.Fixtures;
using CosineParity.Oracle.Graphs;
using Xunit;

namespace CosineParity.Tests.Hostile;

/// <summary>
/// Replays the committed corpus of hostile folders (tests/Parity/Hostile/corpus, written by make_corpus.py; each
/// entry a valid one-case fixture or one-graph folder with one defect, and its expect.json): the reader must refuse
/// each with a <see cref="FixtureFormatException"/> naming the file and the problem, within a time limit and without
/// a large allocation, and must read the two defect-free entries, so each refusal is its defect's.
/// </summary>
public sealed class HostileCorpusTests
{
    /// <summary>Far above a read of these few-KiB folders (milliseconds), far below a hang.</summary>
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(20);

    /// <summary>A read of a few-KiB folder allocates well under a MiB; a header length near 2^64 taken at its word
    /// would allocate gigabytes.</summary>
    private const long AllocationLimit = 16L * 1024 * 1024;

    private static string Corpus => Path.Combine(RepoPaths.Root, "tests", "Parity", "Hostile", "corpus");

    public static TheoryData<string> Entries() => new(EntryNames());

    private static IEnumerable<string> EntryNames() =>
        Directory.EnumerateDirectories(Corpus).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [Theory]
    [MemberData(nameof(Entries))]
    public void EntryGivesItsClearError(string name)
    {
        string entry = Path.Combine(Corpus, name);
        using JsonDocument expect = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(entry, "expect.json")));
        JsonElement rules = expect.RootElement;
        string folder = Path.Combine(entry, rules.GetProperty("folder").GetString()!);
        bool graphs = rules.GetProperty("reader").GetString() switch
        {
            "fixture" => false,
            "graphs" => true,
            var other => throw new InvalidDataException($"{name}/expect.json: unknown reader '{other}'"),
        };

        (int read, Exception? error, long allocated) = ReadBounded(folder, graphs);

        Assert.True(allocated < AllocationLimit, $"{name}: the read allocated {allocated} bytes");
        if (rules.TryGetProperty("reads", out JsonElement count))
        {
            Assert.Null(error);
            Assert.Equal(count.GetInt32(), read);
            return;
        }

        FixtureFormatException refused = Assert.IsType<FixtureFormatException>(error);
        string file = Path.GetFullPath(Path.Combine(entry, rules.GetProperty("file").GetString()!));
        Assert.Equal(file, refused.File);
        Assert.StartsWith(file + ": ", refused.Message, StringComparison.Ordinal);
        foreach (JsonElement fragment in rules.GetProperty("message").EnumerateArray())
        {
            Assert.True(refused.Message.Contains(fragment.GetString()!, StringComparison.Ordinal),
                $"{name}: '{fragment.GetString()}' is not in the message: {refused.Message}");
        }
    }

    /// <summary>The corpus holds every kind of hostile input issue 18 names, so deleting an entry fails a test.</summary>
    [Fact]
    public void CorpusHoldsEveryKindOfHostileInput()
    {
        string[] kinds =
        [
            "truncated-array-file", "truncated-data", "manifest-truncated", "header-length-past-end",
            "header-length-2pow64-minus-1", "offsets-past-end", "overlapping-spans", "gapped-spans", "manifest-nan",
            "manifest-infinity", "header-nan", "manifest-duplicate-key", "header-duplicate-tensor",
            "graphs-duplicate-key", "file-name-dotdot-path", "file-name-absolute", "graphs-file-name-dotdot-path",
            "wrong-sha256", "graphs-wrong-sha256", "dtype-shape-mismatch", "case-dtype-mismatch", "bf16-odd-length",
            "missing-tensor", "valid-fixture", "valid-graphs",
        ];
        Assert.Empty(kinds.Except(EntryNames()));
    }

    /// <summary>A manifest over <see cref="FixtureReader.MaxManifestBytes"/> (a sparse file: it takes no disk, so it is made
    /// here rather than committed) is refused by its size before a byte of it is read.</summary>
    [Theory]
    [InlineData("keras2", false)]
    [InlineData("graphs", true)]
    public void ManifestOverTheCapIsRefusedUnread(string folderName, bool graphs)
    {
        string root = Directory.CreateTempSubdirectory("hostile-").FullName;
        try
        {
            string folder = Directory.CreateDirectory(Path.Combine(root, folderName)).FullName;
            string manifest = Path.Combine(folder, FixtureReader.ManifestFileName);
            using (FileStream stream = File.Create(manifest))
            {
                stream.SetLength(FixtureReader.MaxManifestBytes + 1L);
            }

            (_, Exception? error, long allocated) = ReadBounded(folder, graphs);

            FixtureFormatException refused = Assert.IsType<FixtureFormatException>(error);
            Assert.Equal(manifest, refused.File);
            Assert.Contains("67108865 bytes, more than the 67108864 (64 MiB) a manifest may hold", refused.Message, StringComparison.Ordinal);
            Assert.True(allocated < AllocationLimit, $"the read allocated {allocated} bytes");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Reads on a worker thread (its own allocation counter) and gives up after <see cref="TimeLimit"/>.</summary>
    private static (int Read, Exception? Error, long Allocated) ReadBounded(string folder, bool graphs)
    {
        Task<(int, Exception?, long)> read = Task.Run(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                int count = graphs ? GraphManifestReader.Read(folder).Graphs.Count : FixtureReader.ReadProfile(folder).Cases.Count;
                return (count, (Exception?)null, GC.GetAllocatedBytesForCurrentThread() - before);
            }
#pragma warning disable CA1031 // The test judges every exception, whatever its type.
            catch (Exception e)
#pragma warning restore CA1031
            {
                return (0, e, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        });
        Assert.True(read.Wait(TimeLimit), $"{folder}: no answer within {TimeLimit.TotalSeconds} s");
        return read.Result;
    }
}

using System.IO;

namespace CosineParity.ReaderFuzz;

/// <summary>The two folders the harness rewrites for every input: a <c>keras2</c> profile folder (its name is the
/// profile the manifest must claim) and a graphs folder.</summary>
internal sealed class FuzzFolders
{
    public FuzzFolders(string root)
    {
        Profile = Directory.CreateDirectory(Path.Combine(root, "keras2")).FullName;
        Graphs = Directory.CreateDirectory(Path.Combine(root, "graphs")).FullName;
    }

    /// <summary>The profile folder that <c>FixtureReader.ReadProfile</c> reads.</summary>
    public string Profile { get; }

    /// <summary>The folder that <c>GraphManifestReader.Read</c> reads.</summary>
    public string Graphs { get; }

    /// <summary>Empties <paramref name="folder"/>, so no file of the last input is read as a stray one.</summary>
    public static void Clear(string folder)
    {
        foreach (string file in Directory.EnumerateFiles(folder))
        {
            File.Delete(file);
        }
    }
}

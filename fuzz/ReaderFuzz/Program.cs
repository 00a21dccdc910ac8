using System;
using System.IO;
using SharpFuzz;

namespace CosineParity.ReaderFuzz;

/// <summary>
/// The AFL++ harness of the fixture reader and the graph manifest reader (fuzz/README.md). Without arguments it
/// serves afl-fuzz through SharpFuzz: each input (<see cref="FuzzInput"/>) becomes a folder that one reader reads, a
/// <c>FixtureFormatException</c> is the documented refusal, and any other exception is a crash. With file arguments
/// it replays those inputs and prints each outcome, to analyse what afl found.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string root = Path.Combine(Path.GetTempPath(), $"readerfuzz-{Environment.ProcessId}");
        try
        {
            var folders = new FuzzFolders(root);
            if (args.Length == 0)
            {
                Fuzzer.OutOfProcess.Run(stream => FuzzInput.Read(stream, folders));
                return 0;
            }

            foreach (string path in args)
            {
                using FileStream input = File.OpenRead(path);
                Console.WriteLine($"{path}: {FuzzInput.Read(input, folders)}");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

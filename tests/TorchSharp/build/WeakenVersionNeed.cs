// An MSBuild task (compiled by RoslynCodeTaskFactory against netstandard2.0, see LibTorchSharpOnOlderLibstdcxx.targets):
// marks one version an ELF shared library needs as weak, so the dynamic loader no longer refuses the library where
// that version is missing.
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const int VerFlgWeak = 0x2;

    [Required]
    public string File { get; set; } = "";

    [Required]
    public string Version { get; set; } = "";

    public override bool Execute()
    {
        byte[] elf = System.IO.File.ReadAllBytes(File);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogError($"{File} is not a 64-bit little-endian ELF file");
            return false;
        }

        long sectionHeaders = (long)U64(elf, 0x28);
        int headerSize = U16(elf, 0x3A);
        int sectionCount = U16(elf, 0x3C);
        for (int s = 0; s < sectionCount; s++)
        {
            int header = checked((int)(sectionHeaders + s * headerSize));
            if (U32(elf, header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            int strings = checked((int)U64(elf, checked((int)(sectionHeaders + U32(elf, header + 40) * headerSize)) + 24));
            int need = checked((int)U64(elf, header + 24));
            while (true)
            {
                int aux = need + (int)U32(elf, need + 8);
                for (int a = 0; a < U16(elf, need + 2); a++)
                {
                    if (Name(elf, strings + (int)U32(elf, aux + 8)) == Version)
                    {
                        int flags = U16(elf, aux + 4) | VerFlgWeak;
                        elf[aux + 4] = (byte)flags;
                        elf[aux + 5] = (byte)(flags >> 8);
                        Replace(elf);
                        Log.LogMessage(MessageImportance.High, $"{Path.GetFileName(File)}: version {Version} marked weak");
                        return true;
                    }

                    aux += (int)U32(elf, aux + 12);
                }

                uint next = U32(elf, need + 12);
                if (next == 0)
                {
                    break;
                }

                need += (int)next;
            }
        }

        Log.LogMessage(MessageImportance.High, $"{Path.GetFileName(File)} does not need version {Version}: left as it is");
        return true;
    }

    private static int U16(byte[] b, int at) => b[at] | b[at + 1] << 8;

    private static uint U32(byte[] b, int at) => (uint)(U16(b, at) | U16(b, at + 2) << 16);

    private static ulong U64(byte[] b, int at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;

    private static string Name(byte[] b, int at)
    {
        int end = System.Array.IndexOf(b, (byte)0, at);
        return Encoding.ASCII.GetString(b, at, end - at);
    }

    // A new file in place of the old one: the old one may be a hard link into the NuGet cache, which must stay as it is.
    private void Replace(byte[] elf)
    {
        string temporary = File + ".weakened";
        System.IO.File.WriteAllBytes(temporary, elf);
        System.IO.File.Delete(File);
        System.IO.File.Move(temporary, File);
    }
}

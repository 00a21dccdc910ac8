using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace CosineParity.Oracle.Live;

/// <summary>Splits a byte stream into <c>\n</c>-terminated lines, as bytes: the answers' UTF-8 is checked by the
/// strict JSON reader, not repaired by a text decoder.</summary>
internal sealed class LineReader(Stream stream, int maxLineBytes)
{
    private const int KeepCapacity = 1 << 20;

    private readonly byte[] _buffer = new byte[64 * 1024];
    private ArrayBufferWriter<byte> _line = new();
    private int _start;
    private int _end;

    /// <summary>The bytes after the last <c>\n</c> when the stream ended (a line cut off).</summary>
    public int PartialBytes { get; private set; }

    /// <summary>The next line without its <c>\n</c>, or null at the end of the stream.</summary>
    /// <exception cref="InvalidDataException">A line is longer than the limit.</exception>
    public async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_start < _end)
            {
                ReadOnlySpan<byte> available = _buffer.AsSpan(_start, _end - _start);
                int newline = available.IndexOf((byte)'\n');
                int take = newline < 0 ? available.Length : newline;
                if ((long)_line.WrittenCount + take > maxLineBytes)
                {
                    throw new InvalidDataException($"a line longer than {maxLineBytes} bytes");
                }

                _line.Write(available[..take]);
                _start += newline < 0 ? take : take + 1;
                if (newline >= 0)
                {
                    byte[] line = _line.WrittenSpan.ToArray();
                    // A huge answer's buffer is not kept for the small ones after it.
                    _line = _line.Capacity > KeepCapacity ? new ArrayBufferWriter<byte>() : _line;
                    _line.ResetWrittenCount();
                    return line;
                }
            }

            int read = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                PartialBytes = _line.WrittenCount;
                return null;
            }

            _start = 0;
            _end = read;
        }
    }
}

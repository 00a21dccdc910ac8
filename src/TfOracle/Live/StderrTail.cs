using System;
using System.Text;

namespace CosineParity.Oracle.Live;

/// <summary>The last bytes a server wrote to stderr, for failure details. Thread-safe: the drain writes, the loop reads.</summary>
internal sealed class StderrTail(int capacity)
{
    private readonly object _gate = new();
    private readonly byte[] _ring = new byte[Math.Max(capacity, 1)];
    private long _total;
    private int _head;

    /// <summary>Every byte seen so far.</summary>
    public long Total
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            _total += bytes.Length;
            if (bytes.Length >= _ring.Length)
            {
                bytes[^_ring.Length..].CopyTo(_ring);
                _head = 0;
                return;
            }

            int first = Math.Min(bytes.Length, _ring.Length - _head);
            bytes[..first].CopyTo(_ring.AsSpan(_head));
            bytes[first..].CopyTo(_ring);
            _head = (_head + bytes.Length) % _ring.Length;
        }
    }

    /// <summary>The kept bytes as text (invalid UTF-8 replaced), oldest first.</summary>
    public override string ToString()
    {
        lock (_gate)
        {
            if (_total < _ring.Length)
            {
                return Encoding.UTF8.GetString(_ring, 0, (int)_total);
            }

            byte[] ordered = new byte[_ring.Length];
            _ring.AsSpan(_head).CopyTo(ordered);
            _ring.AsSpan(0, _head).CopyTo(ordered.AsSpan(_ring.Length - _head));
            return Encoding.UTF8.GetString(ordered);
        }
    }

    /// <summary>The last <paramref name="characters"/> characters, marked when cut.</summary>
    public string Last(int characters)
    {
        string text = ToString();
        return text.Length <= characters && _total <= _ring.Length ? text : "..." + text[Math.Max(0, text.Length - characters)..];
    }
}

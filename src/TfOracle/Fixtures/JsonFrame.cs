using System;
using System.Collections.Generic;

namespace CosineParity.Oracle.Fixtures;

/// <summary>One open object or array while <see cref="StrictJson"/> walks a document: the keys seen so far (to find
/// repeats) and where it is (for the path in a message). Reused for the next container at the same depth.</summary>
internal sealed class JsonFrame
{
    /// <summary>Whether the container is an array.</summary>
    public bool IsArray { get; private set; }

    /// <summary>An array's elements so far.</summary>
    public int Count { get; set; }

    /// <summary>An object's key being read.</summary>
    public string? Key { get; set; }

    /// <summary>An object's keys so far.</summary>
    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts a new container at this depth.</summary>
    public void Open(bool isArray)
    {
        IsArray = isArray;
        Count = 0;
        Key = null;
        Keys.Clear();
    }
}

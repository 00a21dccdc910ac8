namespace CosineParity.Oracle.Live;

/// <summary>What woke the oracle's loop.</summary>
internal enum LiveEventKind
{
    /// <summary>A request was submitted.</summary>
    Submit,

    /// <summary>A caller waits for a started server.</summary>
    Connect,

    /// <summary>A server wrote a line (or one too long: no bytes, a detail).</summary>
    Line,

    /// <summary>A server's stdout ended.</summary>
    End,

    /// <summary>The oracle is being disposed.</summary>
    Shutdown,
}

namespace CosineParity.Oracle.Fuzzing;

/// <summary>How TF's graph stood on a fuzz case.</summary>
public enum GraphResult
{
    /// <summary>No graph fits the case (or no graphs were given, or nothing to judge the graph by).</summary>
    None,

    /// <summary>Within the reference's bound.</summary>
    Within,

    /// <summary>Outside it, for one of the manifest's known causes.</summary>
    Explained,

    /// <summary>Outside it (or failed) for no known cause.</summary>
    Unexplained,
}

namespace CosineParity;

/// <summary>A key of a <c>get_config()</c> dictionary of the cosine loss or metric.</summary>
internal enum ConfigKey
{
    /// <summary><c>axis</c>: an int, or a list of ints when given as one.</summary>
    Axis,

    /// <summary><c>dtype</c>: the metric's dtype name.</summary>
    DType,

    /// <summary><c>fn</c>: Keras 2's <c>LossFunctionWrapper</c> names its function, <c>"cosine_similarity"</c>.</summary>
    Fn,

    /// <summary><c>name</c>.</summary>
    Name,

    /// <summary><c>reduction</c>: the generation's spelling, or <c>null</c> for Keras 3's Python <c>None</c>.</summary>
    Reduction,
}

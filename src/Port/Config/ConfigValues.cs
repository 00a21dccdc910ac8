namespace CosineParity;

/// <summary>What a <c>get_config()</c> may write: the object's constructor arguments, spelled as Keras spells them.</summary>
/// <param name="Axis">The axis or axes.</param>
/// <param name="Name">The name.</param>
/// <param name="Reduction">The reduction's spelling (<see langword="null"/>: Python's <c>None</c>); unused by the metric.</param>
/// <param name="DType">The metric's dtype name; unused by the loss.</param>
internal readonly record struct ConfigValues(Axes Axis, string Name, string? Reduction, string? DType);

namespace CosineParity.Oracle.Fuzzing;

/// <summary>Everything drawn for one fuzz case, before <see cref="FuzzGenerators"/> builds it.</summary>
internal sealed record FuzzDraw(string Profile, string Api, string DType, string TrueDType, int[] Shape, int[]? Axes, bool TrailingOne,
    ValueClass Class, double Pick, double[] U, double[] V, string? Reduction, string? LossDType, WeightForm WeightForm,
    double[] WeightUnits, double[]? MaskUnits);

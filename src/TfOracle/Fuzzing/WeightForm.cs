namespace CosineParity.Oracle.Fuzzing;

/// <summary>How a fuzz case passes <c>sample_weight</c>.</summary>
public enum WeightForm
{
    /// <summary>Not passed.</summary>
    Absent,

    /// <summary>A Python float.</summary>
    PythonFloat,

    /// <summary>A Python int.</summary>
    PythonInt,

    /// <summary>A 0-d tensor.</summary>
    Scalar0D,

    /// <summary>One weight per sample (the loss shape's first dim).</summary>
    PerSample,

    /// <summary>One per sample with a trailing 1.</summary>
    PerSampleTrailing1,

    /// <summary>The full loss shape.</summary>
    LossShape,

    /// <summary>The loss shape with a trailing 1.</summary>
    LossShapeTrailing1,
}

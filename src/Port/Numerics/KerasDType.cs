namespace CosineParity;

/// <summary>
/// The floating-point dtypes a Keras cosine similarity computes in, named as Keras names them
/// (<c>"float16"</c>, <c>"bfloat16"</c>, <c>"float32"</c>, <c>"float64"</c>). The .NET element types are
/// <see cref="System.Half"/>, <see cref="BFloat16"/>, <see cref="float"/> and <see cref="double"/>.
/// </summary>
/// <remarks>
/// Keras 3: the loss's <c>dtype</c> argument (<c>dtype_policies.get(dtype or floatx())</c> in
/// <c>keras/src/losses/loss.py</c>), which both inputs are converted to. Keras 2 takes no such argument and computes
/// in the inputs' dtype. In both it is also the dtype of every result.
/// </remarks>
public enum KerasDType
{
    /// <summary>IEEE binary16, <see cref="System.Half"/>.</summary>
    Float16,

    /// <summary>bfloat16, <see cref="BFloat16"/>.</summary>
    BFloat16,

    /// <summary>IEEE binary32, <see cref="float"/>: Keras's <c>floatx()</c> default.</summary>
    Float32,

    /// <summary>IEEE binary64, <see cref="double"/>.</summary>
    Float64,
}

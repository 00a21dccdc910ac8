using System.Diagnostics.CodeAnalysis;

namespace CosineParity.Oracle.Cases;

/// <summary>
/// The element types a case's tensors can have: the dtypes of <c>cosine-parity/1</c> array files. See
/// <see cref="TensorDTypes"/> for their spellings (safetensors code, case dtype name) and sizes.
/// </summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name",
    Justification = "The names are the dtypes' own (TF's float32, int64), not CLR type names leaking out.")]
public enum TensorDType
{
    /// <summary>IEEE 754 binary16 (<c>F16</c>, <c>float16</c>), read as <see cref="System.Half"/>.</summary>
    Float16,

    /// <summary>bfloat16, the upper 16 bits of a binary32 (<c>BF16</c>, <c>bfloat16</c>), read as <see cref="CosineParity.BFloat16"/>.</summary>
    BFloat16,

    /// <summary>IEEE 754 binary32 (<c>F32</c>, <c>float32</c>), read as <see cref="float"/>.</summary>
    Float32,

    /// <summary>IEEE 754 binary64 (<c>F64</c>, <c>float64</c>), read as <see cref="double"/>.</summary>
    Float64,

    /// <summary>Two's-complement signed 64-bit integer (<c>I64</c>, <c>int64</c>), read as <see cref="long"/>.</summary>
    Int64,

    /// <summary>One byte, 0 or 1 (<c>BOOL</c>, <c>bool</c>), read as <see cref="bool"/>.</summary>
    Bool,
}

using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Fixtures;

/// <summary>One tensor of a safetensors header, checked on its own (dtype known, shape and span agree, inside the
/// data), before the file's layout as a whole is checked.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DType">Its dtype.</param>
/// <param name="Shape">Its dims.</param>
/// <param name="Count">Its element count.</param>
/// <param name="Start">The first byte of its data, from the start of the data.</param>
/// <param name="End">One past its last byte.</param>
internal sealed record HeaderEntry(string Name, TensorDType DType, int[] Shape, int Count, long Start, long End);

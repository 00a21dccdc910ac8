using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Fixtures;

/// <summary>A tensor of an array file and whether a case has named it yet (every tensor must be named by one).</summary>
internal sealed class ArrayTensor(string name, TensorData data)
{
    /// <summary>The tensor's name in the header.</summary>
    public string Name { get; } = name;

    /// <summary>The tensor, over the file's buffer.</summary>
    public TensorData Data { get; } = data;

    /// <summary>Whether a case references it.</summary>
    public bool Referenced { get; set; }
}

using System;
using System.Buffers.Binary;
using System.Linq;

namespace CosineParity.Tests.Fixtures;

/// <summary>A tensor as the test writes it, independently of the code under test: a safetensors dtype code (any
/// string, so tests can write wrong ones), a shape and the raw little-endian bytes.</summary>
/// <param name="Name">The tensor's name in the header.</param>
/// <param name="DType">The safetensors code, e.g. <c>F32</c>.</param>
/// <param name="Shape">The dims.</param>
/// <param name="Data">The raw bytes.</param>
internal sealed record TensorSpec(string Name, string DType, int[] Shape, byte[] Data)
{
    public static TensorSpec F16(string name, int[] shape, params ushort[] bits) =>
        new(name, "F16", shape, Bytes(bits.Length, 2, (span, i) => BinaryPrimitives.WriteUInt16LittleEndian(span, bits[i])));

    public static TensorSpec BF16(string name, int[] shape, params ushort[] bits) =>
        new(name, "BF16", shape, Bytes(bits.Length, 2, (span, i) => BinaryPrimitives.WriteUInt16LittleEndian(span, bits[i])));

    public static TensorSpec F32(string name, int[] shape, params float[] values) =>
        F32Bits(name, shape, values.Select(BitConverter.SingleToUInt32Bits).ToArray());

    public static TensorSpec F32Bits(string name, int[] shape, params uint[] bits) =>
        new(name, "F32", shape, Bytes(bits.Length, 4, (span, i) => BinaryPrimitives.WriteUInt32LittleEndian(span, bits[i])));

    public static TensorSpec F64(string name, int[] shape, params double[] values) =>
        F64Bits(name, shape, values.Select(BitConverter.DoubleToUInt64Bits).ToArray());

    public static TensorSpec F64Bits(string name, int[] shape, params ulong[] bits) =>
        new(name, "F64", shape, Bytes(bits.Length, 8, (span, i) => BinaryPrimitives.WriteUInt64LittleEndian(span, bits[i])));

    public static TensorSpec I64(string name, int[] shape, params long[] values) =>
        new(name, "I64", shape, Bytes(values.Length, 8, (span, i) => BinaryPrimitives.WriteInt64LittleEndian(span, values[i])));

    public static TensorSpec Bool(string name, int[] shape, params bool[] values) =>
        new(name, "BOOL", shape, values.Select(v => v ? (byte)1 : (byte)0).ToArray());

    private static byte[] Bytes(int count, int size, SpanWriter write)
    {
        var bytes = new byte[count * size];
        for (int i = 0; i < count; i++)
        {
            write(bytes.AsSpan(i * size, size), i);
        }

        return bytes;
    }

    private delegate void SpanWriter(Span<byte> target, int index);
}

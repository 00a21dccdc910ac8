using System;
using System.Linq;
using CosineParity.Oracle.Cases;
using Xunit;

namespace CosineParity.Tests.Fixtures;

/// <summary>Tensors made in memory (as a fuzzer or the wire protocol makes them).</summary>
public sealed class TensorDataTests
{
    [Fact]
    public void CreateKeepsValuesShapeAndLittleEndianBytes()
    {
        TensorData tensor = TensorData.Create<float>([1f, -0f, float.NaN, float.Epsilon, 2f, 3f], [2, 3]);
        Assert.Equal(TensorDType.Float32, tensor.DType);
        Assert.Equal([2, 3], tensor.Shape);
        Assert.Equal(2, tensor.Rank);
        Assert.Equal(6, tensor.ElementCount);
        Assert.Equal(24, tensor.Bytes.Length);
        Assert.Equal([0x00, 0x00, 0x80, 0x3F], tensor.Bytes[..4].ToArray());
        Assert.Equal(0x8000_0000u, BitConverter.SingleToUInt32Bits(tensor.AsSpan<float>()[1]));
        Assert.Equal("float32[2, 3]", tensor.ToString());
    }

    [Fact]
    public void EveryElementTypeRoundTrips()
    {
        Half nanPayload = BitConverter.UInt16BitsToHalf(0x7E01);
        Assert.Equal([(ushort)0x7E01, (ushort)0x8000],
            TensorData.Create<Half>([nanPayload, BitConverter.UInt16BitsToHalf(0x8000)], [2]).ToArray<Half>().Select(BitConverter.HalfToUInt16Bits));
        Assert.Equal([(ushort)0x7FC1, (ushort)0x0001],
            TensorData.Create<BFloat16>([BFloat16.FromRawBits(0x7FC1), BFloat16.Epsilon], [2]).ToArray<BFloat16>().Select(b => b.RawBits));
        double nan = BitConverter.UInt64BitsToDouble(0x7FF8_0000_0000_1234);
        Assert.Equal(0x7FF8_0000_0000_1234UL, BitConverter.DoubleToUInt64Bits(TensorData.CreateScalar(nan).ToArray<double>()[0]));
        Assert.Equal([long.MinValue, long.MaxValue], TensorData.Create<long>([long.MinValue, long.MaxValue], [2]).ToArray<long>());
        Assert.Equal([true, false], TensorData.Create<bool>([true, false], [2]).AsSpan<bool>().ToArray());
        Assert.Equal(TensorDType.Bool, TensorData.CreateScalar(true).DType);
    }

    [Fact]
    public void ScalarHasShapeEmptyAndOneElement()
    {
        TensorData scalar = TensorData.CreateScalar(2.5);
        Assert.Empty(scalar.Shape);
        Assert.Equal(1, scalar.ElementCount);
        Assert.Equal([2.5], scalar.ToDoubles());
    }

    [Fact]
    public void ZeroSizeDimensionEmptiesTheTensor()
    {
        TensorData empty = TensorData.Create<float>([], [0, int.MaxValue, int.MaxValue]);
        Assert.Equal(0, empty.ElementCount);
        Assert.Equal(0, empty.Bytes.Length);
        Assert.Empty(empty.ToDoubles());
    }

    [Fact]
    public void ShapeMustHoldExactlyTheValues()
    {
        var e = Assert.Throws<ArgumentException>(() => TensorData.Create<float>([1f, 2f, 3f], [2, 2]));
        Assert.Contains("shape [2, 2] holds 4 elements but 3 values were given", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TensorData.Create<float>([], [-1]));
        Assert.Throws<ArgumentException>(() => TensorData.Create<float>([], [int.MaxValue, 4]));
    }

    [Fact]
    public void UnsupportedElementTypeIsRefused()
    {
        var e = Assert.Throws<NotSupportedException>(() => TensorData.Create<int>([1], [1]));
        Assert.Contains("Int32 is not a tensor element type", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadingAsTheWrongTypeNamesBoth()
    {
        TensorData tensor = TensorData.Create<float>([1f], [1]);
        var e = Assert.Throws<InvalidOperationException>(() => tensor.ToArray<double>());
        Assert.Contains("float32", e.Message, StringComparison.Ordinal);
        Assert.Contains("Double", e.Message, StringComparison.Ordinal);
        Assert.Contains("float64", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<InvalidOperationException>(() => tensor.AsSpan<Half>().ToArray());
        Assert.Contains("Half", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<InvalidOperationException>(() => tensor.ToArray<int>());
        Assert.Contains("Int32, which is not a tensor element type", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToDoublesWidensExactly()
    {
        Assert.Equal([65504.0, Math.Pow(2, -24)], TensorData.Create<Half>([Half.MaxValue, Half.Epsilon], [2]).ToDoubles());
        Assert.Equal([(double)float.MaxValue, 0.1f], TensorData.Create<float>([float.MaxValue, 0.1f], [2]).ToDoubles());
        Assert.Equal([1.0, 0.0], TensorData.Create<bool>([true, false], [2]).ToDoubles());
        Assert.Equal([-9007199254740992.0, 1L << 62], TensorData.Create<long>([-(1L << 53), 1L << 62], [2]).ToDoubles());
        var e = Assert.Throws<InvalidOperationException>(() => TensorData.Create<long>([(1L << 53) + 1], [1]).ToDoubles());
        Assert.Contains("int64 element 0 (9007199254740993) has no exact double", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => TensorData.CreateScalar(long.MaxValue).ToDoubles());
    }

    [Fact]
    public void FromBytesKeepsTheBufferAndChecksIt()
    {
        byte[] bytes = [0x80, 0x3F, 0x00, 0x40];
        TensorData tensor = TensorData.FromBytes(TensorDType.BFloat16, [2], bytes);
        Assert.Equal([1.0, 2.0], tensor.ToDoubles());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(tensor.Bytes, out ArraySegment<byte> segment));
        Assert.Same(bytes, segment.Array);

        var e = Assert.Throws<ArgumentException>(() => TensorData.FromBytes(TensorDType.BFloat16, [2], bytes.AsMemory(0, 3)));
        Assert.Contains("bfloat16 of shape [2] takes 4 bytes, not 3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TensorData.FromBytes(TensorDType.Bool, [1], new byte[] { 2 }));
    }

    [Fact]
    public void EqualityIsBitForBit()
    {
        TensorData a = TensorData.Create<float>([float.NaN, 0f], [2]);
        Assert.Equal(a, TensorData.Create<float>([float.NaN, 0f], [2]));
        Assert.Equal(a.GetHashCode(), TensorData.Create<float>([float.NaN, 0f], [2]).GetHashCode());
        Assert.NotEqual(a, TensorData.Create<float>([float.NaN, -0f], [2]));
        Assert.NotEqual(a, TensorData.Create<float>([float.NaN, 0f], [2, 1]));
        Assert.NotEqual(a, TensorData.FromBytes(TensorDType.Int64, [1], a.Bytes));
    }

    [Fact]
    public void ShapeCannotBeChangedThroughItsList()
    {
        TensorData tensor = TensorData.Create<float>([1f, 2f], [2]);
        Assert.False(tensor.Shape is int[]);
    }
}

using System;
using CosineParity.Oracle.Cases;
using Xunit;

namespace CosineParity.Tests.Fixtures;

public sealed class TensorDTypesTests
{
    [Theory]
    [InlineData(TensorDType.Float16, "F16", "float16", 2, typeof(Half))]
    [InlineData(TensorDType.BFloat16, "BF16", "bfloat16", 2, typeof(BFloat16))]
    [InlineData(TensorDType.Float32, "F32", "float32", 4, typeof(float))]
    [InlineData(TensorDType.Float64, "F64", "float64", 8, typeof(double))]
    [InlineData(TensorDType.Int64, "I64", "int64", 8, typeof(long))]
    [InlineData(TensorDType.Bool, "BOOL", "bool", 1, typeof(bool))]
    public void SpellingsAndSizes(TensorDType dtype, string code, string name, int size, Type clrType)
    {
        Assert.Equal(code, dtype.SafetensorsCode());
        Assert.Equal(name, dtype.CaseName());
        Assert.Equal(size, dtype.ElementSize());
        Assert.Equal(clrType, dtype.ClrType());
        Assert.Equal(dtype, TensorDTypes.ParseSafetensorsCode(code));
        Assert.Equal(dtype, TensorDTypes.ParseCaseName(name));
        Assert.True(TensorDTypes.TryOf(clrType, out TensorDType of));
        Assert.Equal(dtype, of);
        Assert.Equal(dtype is not (TensorDType.Int64 or TensorDType.Bool), dtype.IsFloatingPoint());
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("float32")]
    [InlineData("F8")]
    [InlineData("")]
    public void UnknownCodeIsNamed(string code)
    {
        Assert.False(TensorDTypes.TryParseSafetensorsCode(code, out _));
        var e = Assert.Throws<FormatException>(() => TensorDTypes.ParseSafetensorsCode(code));
        Assert.Contains($"'{code}'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("F32")]
    [InlineData("Float32")]
    [InlineData("half")]
    [InlineData("int32")]
    public void UnknownCaseNameIsNamed(string name)
    {
        Assert.False(TensorDTypes.TryParseCaseName(name, out _));
        var e = Assert.Throws<FormatException>(() => TensorDTypes.ParseCaseName(name));
        Assert.Contains($"'{name}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UndefinedValueIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((TensorDType)42).ElementSize());
}

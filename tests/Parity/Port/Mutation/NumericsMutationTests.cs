using System;
using Xunit;

namespace CosineParity.Tests.Port.Mutation;

/// <summary>
/// The dtype rules of <c>src/Port/Numerics</c> pinned where the fixture sample leaves them unchecked
/// (src/Port/MUTATION.md): TF's dtype names, the element types the port refuses, and IEEE comparison of bfloat16.
/// </summary>
public sealed class NumericsMutationTests
{
    [Fact]
    public void Dtypes_carry_TFs_names()
    {
        Assert.Equal("float16", KerasDTypes.Name(KerasDType.Float16));
        Assert.Equal("bfloat16", KerasDTypes.Name(KerasDType.BFloat16));
        Assert.Equal("float32", KerasDTypes.Name(KerasDType.Float32));
        Assert.Equal("float64", KerasDTypes.Name(KerasDType.Float64));
        Assert.Equal("int64", Element.Name<long>());   // a numpy int array reaches TF as int64
        Assert.Equal("float32", Element.Name<float>());
    }

    [Fact]
    public void A_value_outside_the_four_floating_dtypes_is_refused_with_a_reason()
    {
        var name = Assert.Throws<ArgumentOutOfRangeException>(() => KerasDTypes.Name((KerasDType)99));
        Assert.Contains("not a Keras floating-point dtype", name.Message, StringComparison.Ordinal);
        var precision = Assert.Throws<ArgumentOutOfRangeException>(() => Precision.Of((KerasDType)99));
        Assert.Contains("not a Keras floating-point dtype", precision.Message, StringComparison.Ordinal);
        var parse = Assert.Throws<ArgumentException>(() => KerasDTypes.Parse("int32"));
        Assert.Contains("'int32' is not a floating-point dtype", parse.Message, StringComparison.Ordinal);
        var of = Assert.Throws<NotSupportedException>(() => KerasDTypes.Of<int>());
        Assert.Contains("Int32 is not a floating-point element type", of.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Element_types_outside_the_port_are_refused_naming_the_input()
    {
        var input = Assert.Throws<NotSupportedException>(() => Element.RequireInput<int>("y_true"));
        Assert.StartsWith("y_true: element type Int32 is not supported", input.Message, StringComparison.Ordinal);
        var read = Assert.Throws<NotSupportedException>(() => Element.ToDouble(3));
        Assert.Contains("Int32 is not supported", read.Message, StringComparison.Ordinal);
        var write = Assert.Throws<NotSupportedException>(() => Element.FromDouble<long>(3));
        Assert.Contains("Int64 is not a floating-point type", write.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BFloat16_compares_as_IEEE_numbers()
    {
        BFloat16 one = BFloat16.One, sameOne = (BFloat16)1f, two = (BFloat16)2f, nan = BFloat16.NaN, otherNaN = BFloat16.NaN;
        Assert.True(one < two);
        Assert.False(two < one);
        Assert.False(one < sameOne);
        Assert.True(two > one);
        Assert.False(one > two);
        Assert.False(one > sameOne);
        Assert.True(one <= sameOne);
        Assert.True(one <= two);
        Assert.False(two <= one);
        Assert.True(one >= sameOne);
        Assert.True(two >= one);
        Assert.False(one >= two);
        Assert.True(one == sameOne);
        Assert.False(one == two);
        Assert.True(one != two);
        Assert.False(one != sameOne);
        Assert.False(nan == otherNaN);   // IEEE: NaN equals nothing, itself included
        Assert.True(nan != otherNaN);
    }

    [Fact]
    public void BFloat16_infinities_and_NaN_are_not_finite()
    {
        Assert.True(BFloat16.IsFinite(BFloat16.MaxValue));
        Assert.True(BFloat16.IsFinite(BFloat16.Epsilon));
        Assert.False(BFloat16.IsFinite(BFloat16.PositiveInfinity));
        Assert.False(BFloat16.IsFinite(BFloat16.NegativeInfinity));
        Assert.False(BFloat16.IsFinite(BFloat16.NaN));
    }
}

using System;
using System.Collections.Generic;
using Xunit;

namespace CosineParity.Tests.Port.Mutation;

/// <summary>
/// <c>from_config</c>'s reading of a <c>get_config()</c> dictionary and Python's spelling of values in messages
/// (<c>src/Port/Config</c>, <c>src/Port/Errors</c>), pinned where the fixture sample leaves them unchecked
/// (src/Port/MUTATION.md).
/// </summary>
public sealed class ConfigMutationTests
{
    private static readonly int[] ZeroTwo = [0, 2];

    [Fact]
    public void Values_are_described_as_Python_prints_them()
    {
        Assert.Equal("None", KerasArguments.Describe(null));
        Assert.Equal("'sum'", KerasArguments.Describe("sum"));
        Assert.Equal("[0, 2]", KerasArguments.Describe(ZeroTwo));
        Assert.Equal("1.5", KerasArguments.Describe(1.5));
    }

    [Fact]
    public void A_config_must_be_given()
    {
        var error = Assert.Throws<ArgumentNullException>(() => KerasConfig.Read(null!));
        Assert.Equal("config", error.ParamName);
    }

    [Fact]
    public void Python_json_reads_1_as_an_int_and_1_0_as_a_float_which_is_no_axis()
    {
        Assert.Equal(1, KerasConfig.Read("""{"axis": 1}""")["axis"]);
        Assert.Equal(ZeroTwo, Assert.IsType<int[]>(KerasConfig.Read("""{"axis": [0, 2]}""")["axis"]));
        Assert.Throws<ArgumentException>(() => KerasConfig.Read("""{"axis": 1.0}"""));
        Assert.Throws<ArgumentException>(() => KerasConfig.Read("""{"axis": ["a"]}"""));
        Assert.Throws<ArgumentException>(() => KerasConfig.Read("""{"axis": true}"""));
    }

    [Fact]
    public void Null_is_Pythons_None_and_is_kept()
    {
        Dictionary<string, object?> arguments = KerasConfig.Read("""{"reduction": null}""");
        Assert.True(arguments.ContainsKey("reduction"));
        Assert.Null(arguments["reduction"]);
    }

    [Fact]
    public void Only_class_name_with_config_is_a_serialized_object()
    {
        // cls(**config) with a lone class_name key is an unexpected keyword, for the constructor to reject.
        Assert.Equal("x", KerasConfig.Read("""{"class_name": "x"}""")["class_name"]);
        Assert.Throws<ArgumentException>(() => KerasConfig.Read("""{"class_name": "x", "config": {}}"""));
    }

    [Fact]
    public void An_axis_error_names_the_axis_argument()
    {
        Assert.Equal("axis", new KerasAxisException("bad axis").ParamName);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CosineParity.Tests.Port.Mutation;

/// <summary>
/// The profiles' names and reduction spellings (<c>src/Port/Profiles</c>), pinned where the fixture sample leaves
/// them unchecked (src/Port/MUTATION.md). The spellings are Keras's own: Keras 2's <c>ReductionV2.all()</c>
/// (<c>keras/utils/losses_utils.py</c>), Keras 3's <c>standardize_reduction</c> (<c>keras/src/losses/loss.py</c>),
/// where Python's <c>None</c> is the unreduced loss.
/// </summary>
public sealed class ProfilesMutationTests
{
    public static TheoryData<string, string?[]> KerasSpellings => new()
    {
        { "keras2", ["auto", "sum_over_batch_size", "sum", "none"] },
        { "keras3", ["sum_over_batch_size", "sum", "none", null, "mean", "mean_with_sample_weight"] },
    };

    [Theory]
    [InlineData("keras2")]
    [InlineData("keras3")]
    public void A_profile_is_named_as_its_fixture_folder(string name)
    {
        KerasProfile profile = KerasProfile.Parse(name);
        Assert.Equal(name, profile.Name);
        Assert.Equal(name, profile.ToString());
    }

    [Fact]
    public void An_unknown_profile_name_is_an_argument_error_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => KerasProfile.Parse("keras4"));
        Assert.Equal("name", error.ParamName);
        Assert.Contains("'keras4'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KerasSpellings))]
    public void Every_reduction_is_spelled_as_Keras_spells_it_and_reads_back(string name, string?[] spellings)
    {
        KerasProfile profile = KerasProfile.Parse(name);
        string?[] written = profile.Reductions.Select(profile.ReductionName).ToArray();
        Assert.Equal(spellings.OrderBy(s => s ?? "None", StringComparer.Ordinal), written.OrderBy(s => s ?? "None", StringComparer.Ordinal));
        Assert.Equal(spellings[0], profile.ReductionName(profile.DefaultReduction));
        foreach (LossReduction reduction in profile.Reductions)
        {
            Assert.Equal(reduction, profile.ParseReduction(profile.ReductionName(reduction)));
        }
    }

    /// <summary><c>ReductionV2.validate(None)</c>: <c>ValueError: Invalid Reduction Key: None. ...</c>.</summary>
    [Fact]
    public void Keras2_has_no_None_reduction()
    {
        var error = Assert.Throws<KerasArgumentException>(() => KerasProfile.Keras2.ParseReduction(null));
        Assert.StartsWith("Invalid Reduction Key: None.", error.Message, StringComparison.Ordinal);
    }
}

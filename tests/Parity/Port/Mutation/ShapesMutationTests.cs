using System;
using System.Numerics.Tensors;
using Xunit;

namespace CosineParity.Tests.Port.Mutation;

/// <summary>
/// The shape rules of <c>src/Port/Shapes</c> pinned where the fixture sample leaves them unchecked (src/Port/MUTATION.md):
/// TF's broadcasting and squeeze rules and their recorded error messages, the axis checks of TF's
/// <c>ReductionHelper</c>, and the public contracts of <see cref="Axes"/>, <see cref="ShapedSpan{T}"/> and
/// <see cref="ShapedArray{T}"/>.
/// </summary>
public sealed class ShapesMutationTests
{
    private static readonly Precision Float32 = Precision.Of(KerasDType.Float32);

    // ---- Axes ------------------------------------------------------------------------------------------------------

    [Fact]
    public void An_axis_list_must_be_given_and_hold_an_axis()
    {
        Assert.Throws<ArgumentNullException>(() => Axes.List(null!));
        var empty = Assert.Throws<ArgumentException>(() => Axes.List());
        Assert.Contains("at least one axis", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_axis_outside_the_rank_fails_with_TFs_reduction_message()
    {
        // fixtures (keras2 errors): "Invalid reduction dimension (2 for input with 2 dimension(s) [Op:Sum]"
        var error = Assert.Throws<KerasAxisException>(() => Axes.One(2).Resolve(2));
        Assert.StartsWith("Invalid reduction dimension (2 for input with 2 dimension(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Axes_resolve_ascending_and_a_repeated_dimension_fails_as_in_TF()
    {
        Assert.Equal([0, 2], Axes.List(-1, 0).Resolve(3));

        // TF's ReductionHelper: "Invalid reduction arguments: Axes contains duplicate dimension: 1"; -1 and 1 name
        // the same dimension of a rank-2 tensor even when another axis sits between them.
        var error = Assert.Throws<KerasAxisException>(() => Axes.List(1, 0, -1).Resolve(2));
        Assert.StartsWith("Invalid reduction arguments: Axes contains duplicate dimension: 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Axes_print_as_Keras_writes_them()
    {
        Assert.Equal("-1", Axes.Last.ToString());
        Assert.Equal("2", Axes.One(2).ToString());
        Assert.Equal("[0, 2]", Axes.List(0, 2).ToString());
    }

    [Fact]
    public void An_axis_and_a_one_element_list_are_different_arguments()
    {
        // Keras 2's get_config writes axis=-1 as -1 and axis=[-1] as [-1]: equal axes, different arguments.
        Assert.NotEqual(Axes.Last, Axes.List(-1));
        Assert.NotEqual(Axes.List(-1), Axes.Last);
        Assert.NotEqual(Axes.List(0, 1), Axes.List(0, 2));
        Assert.True(Axes.List(0, 2) == Axes.List(0, 2));
        Assert.True(Axes.One(1) != Axes.One(2));
        Assert.False(Axes.One(1) != Axes.One(1));
    }

    [Fact]
    public void Equal_axes_hash_alike_and_different_lists_apart()
    {
        Assert.Equal(Axes.One(3).GetHashCode(), Axes.One(3).GetHashCode());
        Assert.Equal(Axes.List(0, 2).GetHashCode(), Axes.List(0, 2).GetHashCode());
        Assert.NotEqual(Axes.List(0, 1).GetHashCode(), Axes.List(0, 2).GetHashCode());
    }

    // ---- Shape -----------------------------------------------------------------------------------------------------

    [Fact]
    public void Broadcasting_aligns_the_shorter_shape_at_the_end_on_either_side()
    {
        Assert.Equal([2, 3], Shape.Broadcast([3], [2, 3]));
        Assert.Equal([2, 3], Shape.Broadcast([2, 3], [3]));
        Assert.Equal([4, 2, 3], Shape.Broadcast([2, 1], [4, 1, 3]));
    }

    [Fact]
    public void Squeezing_a_last_dimension_other_than_1_fails_with_TFs_message()
    {
        // fixtures (keras2 errors): "Can not squeeze dim[1], expected a dimension of 1, got 3 [Op:Squeeze]"
        var error = Assert.Throws<KerasShapeException>(() => Shape.SqueezeLast([2, 3]));
        Assert.StartsWith("Can not squeeze dim[1], expected a dimension of 1, got 3", error.Message, StringComparison.Ordinal);
        Assert.Throws<KerasShapeException>(() => Shape.SqueezeLast([]));
        Assert.Equal([2], Shape.SqueezeLast([2, 1]));
    }

    [Fact]
    public void A_0d_weight_is_not_expanded_by_TFs_squeeze_or_expand_dimensions()
    {
        // squeeze_or_expand_dimensions returns a rank-0 weight as it is (it broadcasts), even one rank below the values.
        Assert.Empty(Shape.AlignWeight([4], []));
        Assert.Equal([4, 1], Shape.AlignWeight([4, 2], [4]));
        Assert.Equal([4], Shape.AlignWeight([4], [4, 1]));
    }

    // ---- BroadcastPlan ---------------------------------------------------------------------------------------------

    [Fact]
    public void A_broadcast_beyond_int_range_is_refused_rather_than_wrapped()
    {
        Assert.Throws<OverflowException>(() => BroadcastPlan.Create([65536, 1], [1, 65536]));
    }

    [Fact]
    public void The_Mul_gradient_sums_each_upstream_element_back_to_the_broadcast_operand()
    {
        // TF's Mul gradient: d(sum(u * l * r))/dl = reduce_sum(u * r) over the broadcast dimension, for l of shape
        // [2, 1] and r of shape [2, 3]: row 0 = 1*1 + 2*2 + 3*3 = 14, row 1 = 4*1 + 5*1 + 6*1 = 15.
        var plan = BroadcastPlan.Create([2, 1], [2, 3]);
        double[] upstream = [1, 2, 3, 4, 5, 6];
        double[] right = [1, 2, 3, 1, 1, 1];
        var left = new double[2];
        plan.MultiplyAndSumToLeft(upstream, right, left, Float32);
        Assert.Equal([14d, 15d], left);
    }

    [Fact]
    public void The_Mul_gradient_is_summed_in_the_dtype()
    {
        // TF reduces the float32 gradient in float32: 1 + 2^-30 rounds to 1.
        var plan = BroadcastPlan.Create([1], [2]);
        var left = new double[1];
        plan.MultiplyAndSumToLeft([1d, 1d], [1d, Math.ScaleB(1, -30)], left, Float32);
        Assert.Equal(1d, left[0]);
    }

    // ---- StridedWalk, Operand, Views -------------------------------------------------------------------------------

    [Fact]
    public void A_walk_starts_at_the_origin_whatever_its_scratch_held()
    {
        Span<int> scratch = [1, 1];
        var walk = new StridedWalk([2, 2], [2, 1], [2, 1], scratch);
        var offsets = new int[4];
        for (int n = 0; n < offsets.Length; n++, walk.Next())
        {
            offsets[n] = walk.First;
        }

        Assert.Equal([0, 1, 2, 3], offsets);
    }

    [Fact]
    public void A_0d_operand_is_seen_as_a_vector_of_one_element()
    {
        var operand = new Operand([], []);
        operand.ExpandScalar();
        Assert.Equal([1], operand.Dims);
        Assert.Equal([1], operand.Strides);
    }

    [Fact]
    public void Dimensions_and_strides_beyond_int_range_are_refused_rather_than_wrapped()
    {
        Assert.Throws<OverflowException>(() => Views.Operand(new ShapedSpan<float>([], [(nint)1 << 31, 0])));
        Assert.Throws<OverflowException>(() => Views.Operand(new ShapedSpan<float>([], [0, 1 << 16, 1 << 16])));
    }

    // ---- ShapedSpan, ShapedArray -----------------------------------------------------------------------------------

    [Fact]
    public void A_dense_view_rejects_a_negative_dimension_and_a_length_that_does_not_fill_its_shape()
    {
        var negative = Assert.Throws<ArgumentException>(() => { _ = new ShapedSpan<float>([1f], [2, -1]); });
        Assert.Contains("shape [2,-1] has a negative dimension", negative.Message, StringComparison.Ordinal);
        var short_ = Assert.Throws<ArgumentException>(() => { _ = new ShapedSpan<float>([1f, 2f, 3f], [2, 2]); });
        Assert.Contains("3 elements do not fill shape [2,2] (4 elements)", short_.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_view_addresses_exactly_its_elements()
    {
        ShapedSpan<float> view = Tensor.Create(new float[6], [2, 3]);
        Assert.Equal(6, view.Data.Length);
        ShapedSpan<float> empty = Tensor.Create(Array.Empty<float>(), [0, 3]);
        Assert.Equal(0, empty.Data.Length);
    }

    [Fact]
    public void Only_a_0d_result_has_a_scalar_and_only_a_ranked_one_a_tensor()
    {
        var vector = new ShapedArray<float>([1f, 2f], [2]);
        var scalarError = Assert.Throws<InvalidOperationException>(() => vector.Scalar);
        Assert.Contains("shape [2], not []", scalarError.Message, StringComparison.Ordinal);
        Tensor<float> tensor = vector.ToTensor();
        Assert.Equal([(nint)2], tensor.Lengths.ToArray());
        Assert.Equal(2f, tensor[1]);
        Assert.Equal("[2] 1, 2", vector.ToString());

        var scalar = new ShapedArray<float>([3f], []);
        Assert.Equal(3f, scalar.Scalar);
        var tensorError = Assert.Throws<InvalidOperationException>(() => scalar.ToTensor());
        Assert.Contains("use Scalar", tensorError.Message, StringComparison.Ordinal);
    }
}

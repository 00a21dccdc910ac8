using System;
using System.Collections.Generic;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Reference;
using Xunit;

namespace CosineParity.Tests.Reference;

/// <summary>The rules of fixtures/README "How the bound is computed", row by row, on hand-sized numbers.</summary>
public sealed class BoundRulesTests
{
    private static readonly FloatFormat F32 = FloatFormat.Float32;
    private static readonly double U = Math.ScaleB(1.0, -24);

    [Theory]
    [InlineData(65519.0, 65504.0)]
    [InlineData(65520.0, double.PositiveInfinity)]                 // max + half an ulp overflows (tie to even)
    [InlineData(2.9802322387695312e-08, 0.0)]                      // 2^-25: half the subnormal quantum, to even
    [InlineData(4.4703483581542969e-08, 5.9604644775390625e-08)]   // 3 * 2^-26
    [InlineData(1.00048828125, 1.0)]                               // 1 + 2^-11: tie, to even
    [InlineData(1e-12, 0.0)]
    public void Float16_casts_round_to_nearest_even(double value, double expected) =>
        Assert.Equal(expected, FloatFormat.Float16.Round(value));

    [Fact]
    public void Bfloat16_casts_go_through_float32_as_ml_dtypes_and_Eigen_do()
    {
        double x = 1 + Math.ScaleB(1.0, -8) + Math.ScaleB(1.0, -40);   // just above the midpoint 1 + 2^-8
        Assert.Equal(1.0, FloatFormat.BFloat16.Round(x));              // float32 makes it the midpoint, then even
        Assert.Equal(10027008.0, FloatFormat.BFloat16.Round(1.0 / 1e-7));
    }

    [Fact]
    public void Gamma_is_infinite_once_ku_reaches_one_half()
    {
        Assert.True(FloatFormat.Float16.Gamma(1023).IsFinite);
        Assert.True(FloatFormat.Float16.Gamma(1024).IsInfinity);
        Assert.Equal(3 * U / (1 - 3 * U), F32.Gamma(3).ToDouble(), 1e-22);
    }

    [Fact]
    public void One_rounding_adds_u_and_below_tiny_up_to_tiny()
    {
        Bounded r = Bounded.Rounded(XFloat.FromDouble(3), XFloat.FromDouble(1e-7), F32);
        Assert.Equal(1e-7 + U * (3 + 1e-7), r.E.ToDouble(), 1e-20);
        Bounded small = Bounded.Rounded(XFloat.FromDouble(1e-40), XFloat.Zero, F32);
        Assert.Equal(1e-40 + U * 1e-40, small.E.ToDouble(), 1e-50);
        Assert.True(Bounded.Rounded(XFloat.FromDouble(3e38), XFloat.FromDouble(1e38), F32).E.IsInfinity);
        Bounded forced = Bounded.Rounded(XFloat.PositiveInfinity, XFloat.FromDouble(1), F32);
        Assert.True(forced.E.IsZero);
    }

    [Fact]
    public void A_certain_NaN_wins_over_everything()
    {
        Bounded nan = Bounded.CertainNaN(F32);
        Bounded unbounded = new(XFloat.One, XFloat.PositiveInfinity, F32);
        Assert.True((nan * unbounded).IsCertainNaN);
        Assert.True((unbounded + nan).IsCertainNaN);
        Assert.True((nan / unbounded).IsCertainNaN);
    }

    [Fact]
    public void A_divisor_that_may_be_zero_is_a_branch()
    {
        Bounded one = new(XFloat.One, XFloat.FromDouble(1e-3), F32);
        Assert.True((one / new Bounded(XFloat.FromDouble(1e-3), XFloat.FromDouble(1e-3), F32)).E.IsInfinity);
        Assert.True(ValueAlgebra.DivideNoNanOf(one, new Bounded(XFloat.Zero, XFloat.FromDouble(1e-9), F32)).E.IsInfinity);
        Bounded zero = ValueAlgebra.DivideNoNanOf(one, Bounded.Exact(0));
        Assert.True(zero.V.IsZero && zero.E.IsZero);
    }

    [Fact]
    public void A_sum_whose_partial_sums_may_overflow_is_a_branch()
    {
        // [-60000, -60000, 60000] in float16: exactly -60000, but -60000 - 60000 overflows first in some order
        FloatFormat f16 = FloatFormat.Float16;
        var terms = new NdArray<Bounded>([3], [new(XFloat.FromDouble(-60000), XFloat.Zero, f16), new(XFloat.FromDouble(-60000), XFloat.Zero, f16),
            new(XFloat.FromDouble(60000), XFloat.Zero, f16)]);
        Assert.True(SumRule.All(terms).E.IsInfinity);
        var fine = new NdArray<Bounded>([2], [new(XFloat.FromDouble(-30000), XFloat.Zero, f16), new(XFloat.FromDouble(30000), XFloat.Zero, f16)]);
        Bounded sum = SumRule.All(fine);
        Assert.True(sum.V.IsZero && sum.E.IsFinite && !sum.E.IsZero);
    }

    [Fact]
    public void The_cosine_of_two_equal_unit_vectors_has_the_hand_computed_bound()
    {
        // keras2 function, float32, t = p = [1, 0]: s = 1 (e = u), e(r) = ((1-u)^-1/2 (1+4u) - 1) ~ 4.5u,
        // x0 = 1 (e ~ 5.5u), x0*y0 = 1 (e ~ 2*5.5u + u = 12u), one live term, then the stored 2^-30 enlargement.
        var args = CaseArgs.Parse("{}");
        TensorData t = TensorData.Create<float>([1f, 0f], [2]);
        ReferenceAnswer answer = ExactReference.Evaluate(Profiles.Keras2, Apis.Function, args,
            new Dictionary<string, CaseInput> { ["y_true"] = new TensorInput(t), ["y_pred"] = new TensorInput(t) });
        Assert.Equal(-1.0, answer.Exact!.ToDoubles()[0]);
        Assert.Equal(12.0, answer.Bound!.ToDoubles()[0] / U, 1e-4);
    }

    [Fact]
    public void Inputs_below_tiny_may_be_read_as_zero()
    {
        TensorData f32 = TensorData.Create<float>([1e-40f], [1]);
        Assert.Equal(1e-40f, InputRule.Tensor(f32, FloatFormat.Float64).Items[0].E.ToDouble(), 1e-50);   // DAZ while casting
        TensorData f16 = TensorData.Create<Half>([(Half)1e-7], [1]);
        Assert.True(InputRule.Tensor(f16, FloatFormat.Float32).Items[0].E.IsZero);   // widened exactly
        TensorData f64 = TensorData.Create<double>([1e-40], [1]);
        Assert.True(InputRule.Tensor(f64, FloatFormat.Float64).Items[0].E.IsZero);   // normal in float64
        Assert.False(InputRule.Tensor(f64, FloatFormat.Float32).Items[0].E.IsZero);  // subnormal once cast
    }
}

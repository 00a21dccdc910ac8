using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using Xunit;

namespace CosineParity.Tests.Port;

/// <summary>
/// Hand-derived answers: the Keras documentation examples, the clamps, dtypes, empty batches, masks, the errors each
/// generation raises, and the destination overload's contract. Expected values are derived in the comments; float32
/// answers are compared within a few float32 ulps of the exact value (TF's own rounding lands there too).
/// </summary>
public sealed class SemanticsTests
{
    private const int Ulps = 4;

    public static TheoryData<string> Profiles => ["keras2", "keras3"];

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static KerasProfile Profile(string name) => KerasProfile.Parse(name);

    private static Tensor<T> T2<T>(T[] values, int rows, int columns) => Tensor.Create(values, [rows, columns]);

    private static Tensor<T> Matrix<T>(int rows, int columns, params T[] values) => Tensor.Create(values, [rows, columns]);

    private static Tensor<T> Vector<T>(params T[] values) => Tensor.Create(values, [values.Length]);

    /// <summary>
    /// The loss through the destination overload, sized by <see cref="CosineSimilarityLoss.GetResultShape"/>: the
    /// tests of semantics read reduced values this way because the tensor-returning overloads lose them (see
    /// <see cref="ReducedValuesSurviveTheTensorOverloads"/>).
    /// </summary>
    private static TR[] Call<TT, TP, TR>(
        CosineSimilarityLoss loss, Tensor<TT> t, Tensor<TP> p, SampleWeight<TR> weight = default, KerasMask mask = default)
    {
        int[] shape = loss.GetResultShape<TT, TP, TR>(t, p, weight, mask);
        long size = 1;
        foreach (nint d in shape)
        {
            size *= d;
        }

        var values = new TR[size];
        loss.Compute<TT, TP, TR>(t, p, weight, mask, values);
        return values;
    }

    private static float[] Call(CosineSimilarityLoss loss, Tensor<float> t, Tensor<float> p, SampleWeight<float> weight = default, KerasMask mask = default) =>
        Call<float, float, float>(loss, t, p, weight, mask);

    private static T[] Flat<T>(ShapedArray<T> result) => result.Values.ToArray();

    private static T[] FlatTensor<T>(Tensor<T> tensor)
    {
        var values = new T[tensor.FlattenedLength];
        tensor.FlattenTo(values);
        return values;
    }

    private static float Ulp(float x)
    {
        float a = Math.Abs(x);
        return MathF.BitIncrement(a) - a;
    }

    /// <summary>Within <see cref="Ulps"/> float32 ulps of <paramref name="expected"/>; an expected 0 must be exactly ±0.</summary>
    private static void AssertNear(double expected, float actual, string what = "")
    {
        float e = (float)expected;
        double tolerance = Ulps * (double)Ulp(e);
        Assert.True(
            expected == 0 ? actual == 0 : Math.Abs(actual - expected) <= tolerance,
            $"{what} expected {expected:R} (within {Ulps} ulps), got {actual:R}");
    }

    private static void AssertNegativeZero(float actual, string what = "") =>
        Assert.True(actual == 0 && float.IsNegative(actual), $"{what} expected -0, got {actual:R}");

    // The class documentation example: y_true = [[0, 1], [1, 1]], y_pred = [[1, 0], [1, 1]], axis=1. Per row:
    // row 0: t . p = 0*1 + 1*0 = 0, so cos = 0 and the loss is -0 (the negation of a +0 sum);
    // row 1: t = p = [1, 1], cos = 2 / (sqrt 2 * sqrt 2) = 1, loss -1 (float32 may land an ulp off: 0.99999994).
    private static readonly float[] DocTrue = [0, 1, 1, 1];
    private static readonly float[] DocPred = [1, 0, 1, 1];

    // ---- the documentation examples ------------------------------------------------------------------------------

    /// <summary>Default reduction (Keras 2 <c>auto</c>, Keras 3 <c>sum_over_batch_size</c>): -(0 + 1) / 2 = -0.5.</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void DocExampleDefaultReduction(string name)
    {
        var loss = new CosineSimilarityLoss(Profile(name), axis: 1);
        Assert.Empty(loss.GetResultShape<float, float, float>(T2(DocTrue, 2, 2), T2(DocPred, 2, 2)));   // shape []
        AssertNear(-0.5, Call(loss, T2(DocTrue, 2, 2), T2(DocPred, 2, 2))[0]);
    }

    /// <summary>sample_weight = [0.8, 0.2]: -(0 * 0.8 + 1 * 0.2) / 2 = -0.1 (the docstring's -0.0999 is printed at 3 digits).</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void DocExampleSampleWeight(string name)
    {
        var loss = new CosineSimilarityLoss(Profile(name), axis: 1);
        Tensor<float> weight = Vector(0.8f, 0.2f);
        AssertNear(-0.1, Call(loss, T2(DocTrue, 2, 2), T2(DocPred, 2, 2), weight)[0]);
    }

    /// <summary>reduction=sum: -(0 + 1) = -1.0 (docstring: -0.999).</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void DocExampleSum(string name)
    {
        var loss = new CosineSimilarityLoss(Profile(name), axis: 1, reduction: LossReduction.Sum);
        AssertNear(-1.0, Call(loss, T2(DocTrue, 2, 2), T2(DocPred, 2, 2))[0]);
    }

    /// <summary>reduction=none: [-0., -1.] (docstring: [-0., -0.999]).</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void DocExampleNone(string name)
    {
        var loss = new CosineSimilarityLoss(Profile(name), axis: 1, reduction: LossReduction.None);
        ShapedArray<float> result = loss.Compute(T2(DocTrue, 2, 2), T2(DocPred, 2, 2));
        Assert.Equal([2], result.Shape);
        float[] values = Flat(result);
        AssertNegativeZero(values[0], "row 0");
        AssertNear(-1.0, values[1], "row 1");
    }

    /// <summary>The function's example: [[0,1],[1,1],[1,1]] vs [[1,0],[1,1],[-1,-1]], axis=1: row 0 orthogonal (-0),
    /// row 1 equal (cos 1, loss -1), row 2 opposite (cos = -2 / 2 = -1, loss 1).</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void DocExampleFunction(string name)
    {
        ShapedArray<float> result = CosineSimilarity.Compute(
            Profile(name), T2(new float[] { 0, 1, 1, 1, 1, 1 }, 3, 2), T2(new float[] { 1, 0, 1, 1, -1, -1 }, 3, 2), 1);
        float[] values = Flat(result);
        Assert.Equal(3, values.Length);
        AssertNegativeZero(values[0], "row 0");
        AssertNear(-1.0, values[1], "row 1");
        AssertNear(1.0, values[2], "row 2");
    }

    /// <summary>Keras's own unit test data (tf_keras losses_test, setup(axis=1)): cos row 0 = 100 / sqrt(86 * 224),
    /// row 1 = -24 / sqrt(65 * 74); the default reduction is minus their mean, -0.18721907.</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void KerasUnitTestData(string name)
    {
        float[] t = [1, 9, 2, -5, -2, 6], p = [4, 8, 12, 8, 1, 3];
        double c0 = 100 / Math.Sqrt(86.0 * 224), c1 = -24 / Math.Sqrt(65.0 * 74);
        var loss = new CosineSimilarityLoss(Profile(name));
        AssertNear(-(c0 + c1) / 2, Call(loss, T2(t, 2, 3), T2(p, 2, 3))[0]);
        var none = new CosineSimilarityLoss(Profile(name), reduction: LossReduction.None);
        float[] values = Flat(none.Compute(T2(t, 2, 3), T2(p, 2, 3)));
        AssertNear(-c0, values[0]);
        AssertNear(-c1, values[1]);
    }

    // ---- zero vectors and the clamps ------------------------------------------------------------------------------

    /// <summary>
    /// float16 zero vector: Keras 2's floor fl16(1e-12) is 0, so rsqrt(max(0, 0)) = inf and 0 * inf = NaN; Keras 3's
    /// cap fl16(1e7) is inf, so min(rsqrt(0), inf) = inf and again 0 * inf = NaN. The other row ([1, 0] vs [1, 0])
    /// is -1. Through the loss (Keras 3 with dtype=float16) and the function (which computes in y_pred's float16).
    /// </summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void Float16ZeroVectorGivesNaN(string name)
    {
        KerasProfile profile = Profile(name);
        Half zero = Half.Zero, one = Half.One;
        Tensor<Half> t = T2(new[] { zero, zero, one, zero }, 2, 2), p = T2(new[] { one, one, one, zero }, 2, 2);
        var loss = new CosineSimilarityLoss(profile, reduction: LossReduction.None, dtype: profile == KerasProfile.Keras3 ? KerasDType.Float16 : null);
        foreach (Half[] values in new[] { Flat(loss.Compute(t, p)), Flat(CosineSimilarity.Compute(profile, t, p)), Flat(CosineSimilarity.Compute(profile, p, t)) })
        {
            Assert.True(Half.IsNaN(values[0]), $"zero row gave {values[0]}");
            Assert.Equal(-1.0, (double)values[1]);
        }
    }

    /// <summary>float32 zero vector: Keras 2 gives rsqrt(max(0, 1e-12)) = 1e6, Keras 3 min(inf, 1e7) = 1e7; both
    /// finite, so x = 0 * r = 0, the sum is +0 and the loss -0; the default reduction gives (-0 - 1 - 0) / 3 = -1/3.</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void Float32ZeroVectorGivesMinusZero(string name)
    {
        KerasProfile profile = Profile(name);
        Tensor<float> t = T2(new float[] { 0, 0, 1, 0, 0, 0 }, 3, 2), p = T2(new float[] { 1, 1, 1, 0, 0, 0 }, 3, 2);
        var loss = new CosineSimilarityLoss(profile, reduction: LossReduction.None);
        foreach (float[] values in new[] { Flat(loss.Compute(t, p)), Flat(loss.Compute(p, t)), Flat(CosineSimilarity.Compute(profile, t, p)) })
        {
            AssertNegativeZero(values[0], "zero y_true/y_pred");
            AssertNear(-1.0, values[1]);
            AssertNegativeZero(values[2], "both zero");
        }

        AssertNear(-1.0 / 3, Call(new CosineSimilarityLoss(profile), t, p)[0]);   // (-0 - 1 - 0) / 3
    }

    /// <summary>
    /// A tiny norm: t = [1e-7, 0], p = [1, 0] in float32, s_t = 1e-14. Keras 2 floors s at fl32(1e-12), so
    /// r_t = fl32(1 / sqrt(1e-12)) = 1e6 and cos = fl32(1e-7 * 1e6) = 0.1 (loss -0.1); Keras 3 caps rsqrt(1e-14) ~
    /// 1.0000000e7 at fl32(1e7) = 1e7, cos = fl32(1.0000000117e-7 * 1e7) = 1 (loss -1). Unclamped, both would be -1.
    /// </summary>
    [Fact]
    public void TinyNormsAreClampedDifferently()
    {
        Tensor<float> t = Matrix(1, 2, 1e-7f, 0f), p = Matrix(1, 2, 1f, 0f);
        var keras2 = new CosineSimilarityLoss(KerasProfile.Keras2, reduction: LossReduction.None);
        var keras3 = new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.None);
        AssertNear(-0.1, Flat(keras2.Compute(t, p))[0], "keras2");
        AssertNear(-1.0, Flat(keras3.Compute(t, p))[0], "keras3");
        AssertNear(-0.1, Flat(CosineSimilarity.Compute(KerasProfile.Keras2, t, p))[0], "keras2 function");
        AssertNear(-1.0, Flat(CosineSimilarity.Compute(KerasProfile.Keras3, t, p))[0], "keras3 function");
    }

    // ---- shapes and dtypes ---------------------------------------------------------------------------------------

    /// <summary>An empty batch [0, 3]: the losses have shape [0]. Keras 3's reduce_values returns a (0,)-shaped value
    /// as it is; Keras 2 divides the empty sum 0 by the count 0 with divide_no_nan: 0.0, shape [].</summary>
    [Fact]
    public void EmptyBatch()
    {
        Tensor<float> empty = Tensor.Create(Array.Empty<float>(), [0, 3]);
        var keras3 = new CosineSimilarityLoss(KerasProfile.Keras3);
        Assert.Equal([0], keras3.GetResultShape<float, float, float>(empty, empty));   // [0], not []
        Assert.Empty(Call(keras3, empty, empty));
        Assert.Equal([0], keras3.Compute(empty, empty).Shape);
        var keras2 = new CosineSimilarityLoss(KerasProfile.Keras2);
        Assert.Empty(keras2.GetResultShape<float, float, float>(empty, empty));   // shape []
        Assert.Equal([0f], Call(keras2, empty, empty));
    }

    /// <summary>
    /// An empty reduced axis: y_true = y_pred of shape [0, 3] with axis=0. Each of the 3 columns is an empty vector:
    /// s = sum over no elements = 0, so r = rsqrt(max(0, 1e-12)) = 1e6 (Keras 2) or min(rsqrt(0), 1e7) = 1e7
    /// (Keras 3), x is empty, c = sum over no products = 0, and the losses are [-0, -0, -0] (TF: reduce_sum over a
    /// zero-size axis gives zeros). The same through the function. Shape [3, 0] over axis -1 is the same question
    /// with contiguous rows.
    /// </summary>
    [Fact]
    public void EmptyReducedAxisGivesZeroLosses()
    {
        var failures = new List<string>();
        foreach ((KerasProfile profile, nint[] shape, int axis) in new[]
        {
            (KerasProfile.Keras2, new nint[] { 3, 0 }, -1), (KerasProfile.Keras2, new nint[] { 0, 3 }, 0),
            (KerasProfile.Keras3, new nint[] { 3, 0 }, -1), (KerasProfile.Keras3, new nint[] { 0, 3 }, 0),
        })
        {
            Tensor<float> empty = Tensor.Create(Array.Empty<float>(), shape);
            try
            {
                float[] losses = Call(new CosineSimilarityLoss(profile, axis: axis, reduction: LossReduction.None), empty, empty);
                float[] function = Flat(CosineSimilarity.Compute(profile, empty, empty, axis));
                foreach (float[] values in new[] { losses, function })
                {
                    if (values.Length != 3 || Array.Exists(values, v => v != 0))
                    {
                        failures.Add($"{profile} [{string.Join(", ", shape)}] axis {axis}: expected [-0, -0, -0], got [{string.Join(", ", values)}]");
                    }
                }
            }
            catch (ArgumentOutOfRangeException error)
            {
                failures.Add($"{profile} [{string.Join(", ", shape)}] axis {axis}: threw {error.GetType().Name} {error.StackTrace?.Split('\n')[0].Trim()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>Keras 3's loss casts float64 inputs to its dtype, float32 by default: the result is float32 and equals
    /// the loss of the inputs rounded to float32, bit for bit; a float64 result type is refused.</summary>
    [Fact]
    public void Keras3CastsFloat64InputsToFloat32()
    {
        double[] t = [0.1, 0.7, -0.3, 1e-3, 0.25, 3.3], p = [0.3, 0.2, 0.9, -0.6, 1.7, 0.4];
        var loss = new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.None);
        Assert.Equal(KerasDType.Float32, loss.ResultDType<double, double>());
        ShapedArray<float> fromDouble = loss.Compute<double, double, float>(T2(t, 2, 3), T2(p, 2, 3));
        ShapedArray<float> fromSingle = loss.Compute<float, float, float>(T2(Array.ConvertAll(t, v => (float)v), 2, 3), T2(Array.ConvertAll(p, v => (float)v), 2, 3));
        Assert.Equal(Flat(fromSingle), Flat(fromDouble));
        Assert.Throws<ArgumentException>(() => loss.Compute(T2(t, 2, 3), T2(p, 2, 3)));
        var float64 = new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.None, dtype: KerasDType.Float64);
        Assert.Equal(KerasDType.Float64, float64.ResultDType<double, double>());
    }

    /// <summary>Keras 2 computes in the inputs' dtype: float64 stays float64, to float64 accuracy (a float32
    /// computation could not come within 1e-14 of the exact cosine of 0.1*0.3 + 0.7*0.2 over the norms).</summary>
    [Fact]
    public void Keras2KeepsFloat64()
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Keras2, reduction: LossReduction.None);
        Assert.Equal(KerasDType.Float64, loss.ResultDType<double, double>());
        ShapedArray<double> result = loss.Compute(Matrix(1, 2, 0.1, 0.7), Matrix(1, 2, 0.3, 0.2));
        double exact = -(0.1 * 0.3 + 0.7 * 0.2) / (Math.Sqrt(0.5) * Math.Sqrt(0.13));
        Assert.True(Math.Abs(Flat(result)[0] - exact) < 1e-14, $"{Flat(result)[0]:R} vs {exact:R}");
        Assert.Equal(KerasDType.Float32, loss.ResultDType<float, float>());
        Assert.Equal(KerasDType.Float16, loss.ResultDType<Half, Half>());
    }

    /// <summary>Keras 2 multiplies y_true by y_pred without a cast: mixed dtypes fail in TF's Mul (InvalidArgumentError).</summary>
    [Fact]
    public void Keras2RejectsMixedDTypes()
    {
        var loss = new CosineSimilarityLoss(KerasProfile.Keras2);
        Tensor<float> t = Matrix(1, 2, 1f, 2f);
        Tensor<double> p = Matrix(1, 2, 1.0, 2.0);
        var error = Assert.Throws<KerasDTypeException>(() => loss.Compute<float, double, double>(t, p));
        Assert.Equal(TensorFlowErrorType.InvalidArgumentError, error.TensorFlowError);
        Assert.Throws<KerasDTypeException>(() => loss.Compute<float, double, float>(t, p));
        Assert.Throws<KerasDTypeException>(() => loss.ResultDType<float, double>());
        var functionError = Assert.Throws<KerasDTypeException>(() => CosineSimilarity.Compute<float, double>(KerasProfile.Keras2, t, p));
        Assert.Equal(TensorFlowErrorType.InvalidArgumentError, functionError.TensorFlowError);

        // Keras 3 casts: the same call is fine (float32 result).
        Assert.Single(Call<float, double, float>(new CosineSimilarityLoss(KerasProfile.Keras3), t, p));
    }

    /// <summary>Keras 2's constructor takes no dtype: TypeError (unexpected keyword argument).</summary>
    [Fact]
    public void Keras2RejectsADTypeArgument()
    {
        var error = Assert.Throws<KerasArgumentException>(() => new CosineSimilarityLoss(KerasProfile.Keras2, dtype: KerasDType.Float32));
        Assert.Equal(TensorFlowErrorType.TypeError, error.TensorFlowError);
        var fromArguments = Assert.Throws<KerasArgumentException>(() => CosineSimilarityLoss.FromKerasArguments(
            KerasProfile.Keras2, new Dictionary<string, object?> { ["dtype"] = "float32" }));
        Assert.Equal(TensorFlowErrorType.TypeError, fromArguments.TensorFlowError);
        Assert.Equal(KerasDType.Float64, CosineSimilarityLoss.FromKerasArguments(
            KerasProfile.Keras3, new Dictionary<string, object?> { ["dtype"] = "float64" }).DType);
    }

    /// <summary>A reduction the generation does not name is a ValueError when the loss is built.</summary>
    [Fact]
    public void InvalidReductionsAreValueErrors()
    {
        void AssertValueError(Action build)
        {
            var error = Assert.Throws<KerasArgumentException>(build);
            Assert.Equal(TensorFlowErrorType.ValueError, error.TensorFlowError);
        }

        AssertValueError(() => KerasProfile.Keras2.ParseReduction("mean"));
        AssertValueError(() => KerasProfile.Keras2.ParseReduction(null));
        AssertValueError(() => _ = new CosineSimilarityLoss(KerasProfile.Keras2, reduction: LossReduction.Mean));
        AssertValueError(() => _ = new CosineSimilarityLoss(KerasProfile.Keras2, reduction: LossReduction.MeanWithSampleWeight));
        AssertValueError(() => CosineSimilarityLoss.FromKerasArguments(KerasProfile.Keras2, new Dictionary<string, object?> { ["reduction"] = "mean" }));
        AssertValueError(() => KerasProfile.Keras3.ParseReduction("auto"));
        AssertValueError(() => _ = new CosineSimilarityLoss(KerasProfile.Keras3, reduction: LossReduction.Auto));
        AssertValueError(() => KerasProfile.Keras3.ParseReduction("Sum"));
        Assert.Equal(LossReduction.Mean, KerasProfile.Keras3.ParseReduction("mean"));
        Assert.Equal(LossReduction.Unreduced, KerasProfile.Keras3.ParseReduction(null));
    }

    /// <summary>An axis outside [-rank, rank) is TF's InvalidArgumentError when the loss is called.</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void AxisOutOfRange(string name)
    {
        KerasProfile profile = Profile(name);
        Tensor<float> t = T2(DocTrue, 2, 2), p = T2(DocPred, 2, 2);
        foreach (int axis in new[] { 2, -3, 5 })
        {
            var loss = new CosineSimilarityLoss(profile, axis: axis);   // building is fine: the rank is not known yet
            var error = Assert.Throws<KerasAxisException>(() => loss.Compute(t, p));
            Assert.Equal(TensorFlowErrorType.InvalidArgumentError, error.TensorFlowError);
            Assert.Throws<KerasAxisException>(() => CosineSimilarity.Compute(profile, t, p, axis));
        }

        Assert.Throws<KerasAxisException>(() => new CosineSimilarityLoss(profile, axis: Axes.List(0, 2)).Compute(t, p));
        Assert.Throws<KerasAxisException>(() => new CosineSimilarityLoss(profile, axis: Axes.List(1, -1)).Compute(t, p));   // the same axis twice
    }

    /// <summary>Shapes that do not broadcast ([2, 3] vs [2, 4]) are TF's InvalidArgumentError.</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void IncompatibleShapes(string name)
    {
        KerasProfile profile = Profile(name);
        Tensor<float> t = T2(new float[6], 2, 3), p = T2(new float[8], 2, 4);
        var error = Assert.Throws<KerasShapeException>(() => new CosineSimilarityLoss(profile).Compute(t, p));
        Assert.Equal(TensorFlowErrorType.InvalidArgumentError, error.TensorFlowError);
        Assert.Throws<KerasShapeException>(() => CosineSimilarity.Compute(profile, t, p));
    }

    // ---- masks ---------------------------------------------------------------------------------------------------

    /// <summary>All masked, mean-like reduction: Keras 2 scales the mask by N / V = 2 / 0 = inf with a plain division,
    /// and 0 * inf = NaN; Keras 3 uses divide_no_nan inside a where, so every weight is 0 and the mean is 0 / 2 = 0.</summary>
    [Fact]
    public void AllMaskedBatch()
    {
        Tensor<float> t = T2(DocTrue, 2, 2), p = T2(DocPred, 2, 2);
        Tensor<bool> mask = Vector(false, false);
        float keras2 = Call(new CosineSimilarityLoss(KerasProfile.Keras2, axis: 1), t, p, default, mask)[0];
        Assert.True(float.IsNaN(keras2), $"keras2 auto, all masked: {keras2:R}");
        float keras2Sum = Call(new CosineSimilarityLoss(KerasProfile.Keras2, axis: 1, reduction: LossReduction.Sum), t, p, default, mask)[0];
        Assert.Equal(0f, keras2Sum);   // sum: the plain 0/1 mask, no division
        float keras3 = Call(new CosineSimilarityLoss(KerasProfile.Keras3, axis: 1), t, p, default, mask)[0];
        Assert.Equal(0f, keras3);
    }

    /// <summary>Half masked: the valid loss is weighted N / V = 2 / 1 = 2, so mask [false, true] gives
    /// (0 * -0 + 2 * -1) / 2 = -1 and mask [true, false] gives (2 * -0 + 0 * -1) / 2 = 0 in both generations.</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void HalfMaskedBatch(string name)
    {
        var loss = new CosineSimilarityLoss(Profile(name), axis: 1);
        Tensor<float> t = T2(DocTrue, 2, 2), p = T2(DocPred, 2, 2);
        AssertNear(-1.0, Call(loss, t, p, default, Vector(false, true))[0]);
        Assert.Equal(0f, Call(loss, t, p, default, Vector(true, false))[0]);
    }

    // ---- the tensor-returning overloads --------------------------------------------------------------------------

    /// <summary>
    /// A reduced loss has shape <c>[]</c> (<see cref="CosineSimilarityLoss.GetResultShape"/> says so) and one element;
    /// the function of rank-1 inputs too. The tensor-returning overloads must hand that element back in a tensor of
    /// rank 0 (or at least one holding the element), the value the destination overload writes.
    /// </summary>
    [Fact]
    public void ReducedValuesSurviveTheTensorOverloads()
    {
        var failures = new List<string>();
        foreach (KerasProfile profile in new[] { KerasProfile.Keras2, KerasProfile.Keras3 })
        {
            Tensor<float> t = T2(DocTrue, 2, 2), p = T2(DocPred, 2, 2);
            foreach (LossReduction reduction in new[] { profile.DefaultReduction, LossReduction.Sum })
            {
                var loss = new CosineSimilarityLoss(profile, axis: 1, reduction: reduction);
                float expected = Call(loss, t, p)[0];   // -0.5 and -1
                Check($"{profile} loss, {reduction}", loss.Compute(t, p), expected);
            }

            // The function of two rank-1 vectors: one loss of shape [], -cos([1, 1], [1, 1]) = -1.
            Check($"{profile} function of rank-1 inputs", CosineSimilarity.Compute(profile, Vector(1f, 1f), Vector(1f, 1f)), -1f);
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        void Check(string what, ShapedArray<float> result, float expected)
        {
            if (result.Rank != 0 || Math.Abs(Flat(result)[0] - expected) > 4 * Ulp(expected))
            {
                failures.Add($"{what}: expected one element {expected:R} (shape []), got {result}");
            }
        }
    }

    // ---- the destination overload ---------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Profiles))]
    public void WrongDestinationLengthThrows(string name)
    {
        KerasProfile profile = Profile(name);
        Tensor<float> t = T2(DocTrue, 2, 2), p = T2(DocPred, 2, 2);
        var reduced = new CosineSimilarityLoss(profile);
        var none = new CosineSimilarityLoss(profile, reduction: LossReduction.None);
        foreach ((CosineSimilarityLoss loss, int wrong) in new[] { (reduced, 0), (reduced, 2), (none, 1), (none, 3) })
        {
            var error = Assert.Throws<ArgumentException>(() =>
                loss.Compute<float, float, float>(t, p, SampleWeight<float>.None, KerasMask.None, new float[wrong]));
            Assert.Equal("destination", error.ParamName);
        }

        var functionError = Assert.Throws<ArgumentException>(() =>
            CosineSimilarity.Compute<float, float>(profile, t, p, Axes.Last, new float[3]));
        Assert.Equal("destination", functionError.ParamName);

        var right = new float[2];
        none.Compute<float, float, float>(t, p, SampleWeight<float>.None, KerasMask.None, right);
        Assert.Equal(-1f, right[1], 1e-6f);
    }

    /// <summary>Once a call has planned these shapes, the next call with the same shapes allocates nothing: with no
    /// weight, a weight tensor, a mask, and unreduced.</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void RepeatedCallsAllocateNothing(string name)
    {
        KerasProfile profile = Profile(name);
        Tensor<float> t = T2(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, 4, 3);
        Tensor<float> p = T2(new float[] { 2, 1, 0, -1, 4, 4, 0, 0, 0, 1, 1, 1 }, 4, 3);
        Tensor<float> weight = Vector(0.5f, 1f, 2f, 0f);
        Tensor<bool> mask = Vector(true, false, true, true);
        var reduced = new CosineSimilarityLoss(profile);
        var none = new CosineSimilarityLoss(profile, reduction: LossReduction.None);
        var one = new float[1];
        var four = new float[4];

        Assert.Equal(0, Measure(reduced, t, p, SampleWeight<float>.None, KerasMask.None, one));
        Assert.Equal(0, Measure(reduced, t, p, weight, KerasMask.None, one));
        Assert.Equal(0, Measure(reduced, t, p, weight, mask, one));
        Assert.Equal(0, Measure(none, t, p, SampleWeight<float>.None, mask, four));
        Assert.Equal(0, Measure(none, t, p, SampleWeight<float>.Scalar(2.5), KerasMask.None, four));
    }

    /// <summary>The kernel's SIMD paths (16-bit inputs widened, float64, axis 0, an axis list, rows past one
    /// vector) allocate nothing either, on the span-plus-shape overload.</summary>
    [Theory]
    [MemberData(nameof(Profiles))]
    public void RepeatedCallsOfTheWideKernelAllocateNothing(string name)
    {
        KerasProfile profile = Profile(name);
        float[] single = new float[64 * 40];
        for (int i = 0; i < single.Length; i++)
        {
            single[i] = (i % 7) - 3.5f;
        }

        Half[] half = Array.ConvertAll(single, v => (Half)v);
        BFloat16[] brain = Array.ConvertAll(single, v => (BFloat16)v);
        double[] wide = Array.ConvertAll(single, v => (double)v);
        nint[] matrix = [64, 40], cube = [4, 16, 40];
        var one = new float[1];
        var oneDouble = new double[1];
        var columns = new CosineSimilarityLoss(profile, axis: 0);
        var leading = new CosineSimilarityLoss(profile, axis: Axes.List(0, 1));
        var rows = new CosineSimilarityLoss(profile);
        Assert.Equal(0, MeasureSpans<float, float>(rows, single, matrix, one));
        Assert.Equal(0, MeasureSpans<float, float>(columns, single, matrix, one));
        Assert.Equal(0, MeasureSpans<float, float>(leading, single, cube, one));
        if (name == "keras2")
        {
            Assert.Equal(0, MeasureSpans<double, double>(rows, wide, matrix, oneDouble));
            Assert.Equal(0, MeasureSpans<double, double>(columns, wide, matrix, oneDouble));
        }
        else
        {
            var inDouble = new CosineSimilarityLoss(profile, axis: 0, dtype: KerasDType.Float64);
            Assert.Equal(0, MeasureSpans<double, double>(inDouble, wide, matrix, oneDouble));
            Assert.Equal(0, MeasureSpans<Half, float>(rows, half, matrix, one));
            Assert.Equal(0, MeasureSpans<BFloat16, float>(columns, brain, matrix, one));
        }
    }

    private static long MeasureSpans<TIn, TR>(CosineSimilarityLoss loss, TIn[] data, nint[] shape, TR[] destination)
    {
        for (int i = 0; i < 5; i++)
        {
            loss.Compute<TIn, TIn, TR>(data, shape, data, shape, destination);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        loss.Compute<TIn, TIn, TR>(data, shape, data, shape, destination);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Bytes allocated on this thread by a call after warm-up calls with the same shapes.</summary>
    private static long Measure(
        CosineSimilarityLoss loss, Tensor<float> t, Tensor<float> p, SampleWeight<float> weight, KerasMask mask, float[] destination)
    {
        ReadOnlyTensorSpan<float> tSpan = t.AsReadOnlyTensorSpan(), pSpan = p.AsReadOnlyTensorSpan();
        for (int i = 0; i < 5; i++)
        {
            loss.Compute<float, float, float>(tSpan, pSpan, weight, mask, destination.AsSpan());   // plan, JIT, ArrayPool buckets
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        loss.Compute<float, float, float>(tSpan, pSpan, weight, mask, destination.AsSpan());
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

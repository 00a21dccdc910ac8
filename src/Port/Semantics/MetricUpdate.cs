using System;

namespace CosineParity;

/// <summary>
/// One metric <c>update_state</c> on data: the positive cosines through the loss's evaluator (in the dtype the profile
/// names), cast to the metric dtype, then weighed and counted by the profile's <see cref="MetricWeightingPlan"/>,
/// every step rounded to the metric dtype as TF rounds it. Reads no metric state, so updates may run in parallel.
/// </summary>
internal static class MetricUpdate
{
    /// <summary>What the update adds to <c>total</c> and to <c>count</c>, each already rounded to the metric dtype.</summary>
    /// <exception cref="KerasShapeException">Shapes that do not broadcast or squeeze.</exception>
    /// <exception cref="KerasAxisException">An axis outside an input's rank.</exception>
    /// <exception cref="KerasDTypeException">Element types the generation cannot normalise.</exception>
    public static (double Total, double Count) Contribution<TT, TP, TW>(
        KerasProfile profile, Axes axes, Precision metric, in ShapedSpan<TT> yTrue, in ShapedSpan<TP> yPred, in SampleWeight<TW> weight)
    {
        Element.RequireInput<TT>("y_true");
        Element.RequireInput<TP>("y_pred");
        var cosinePrecision = Precision.Of(profile.MetricCosineDType<TT, TP>(metric.DType));

        // MeanMetricWrapper reconciles the ranks of y_true and y_pred as the loss class does with tensors.
        CosinePlan cosine = CosinePlan.Create(profile, Views.Operand(yTrue), Views.Operand(yPred), axes, forLoss: true, InputKind.Tensor);
        int[]? weightDims = weight.Kind switch
        {
            WeightKind.None => null,
            WeightKind.Tensor => Views.Operand(weight.TensorValue).Dims,
            _ => [],
        };
        MetricWeightingPlan plan = profile.PlanMetricUpdate(cosine.LossDims, weightDims);

        // Stryker disable once Checked : equivalent: CosinePlan counted these loss rows in an int (checked) already
        var values = new double[checked((int)Shape.Size(cosine.LossDims))];
        CosineEvaluator.Evaluate(cosine, profile, cosinePrecision, yTrue.Data, yPred.Data, values);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = metric.Round(-values[i]);   // the evaluator gives the loss's -cosine; negation is exact
        }

        (values, int[] dims) = MeanFrom(values, plan.ValueDims, plan.ValuesMeanFrom, metric);
        if (plan.WeightDims is null)
        {
            (values, _) = MeanFrom(values, dims, plan.SampleMeanFrom, metric);
            return (metric.Sum(values), metric.Count(values.Length));
        }

        double[] w = WeightValues(profile, weight, metric);
        int[] weightShape = plan.WeightDims;
        if (plan.WeightToValues is { } toValues)
        {
            var ones = new double[toValues.Length];
            Array.Fill(ones, 1.0);
            var broadcast = new double[toValues.Length];
            toValues.Multiply(w, ones, broadcast, metric);
            (w, weightShape) = (broadcast, toValues.Output);
        }

        BroadcastPlan product = plan.ValuesTimesWeight!;
        var weighted = new double[product.Length];
        product.Multiply(values, w, weighted, metric);
        (weighted, _) = MeanFrom(weighted, product.Output, plan.SampleMeanFrom, metric);
        (w, _) = MeanFrom(w, weightShape, plan.SampleMeanFrom, metric);
        return (metric.Sum(weighted), metric.Sum(w));
    }

    private static double[] WeightValues<TW>(KerasProfile profile, in SampleWeight<TW> weight, Precision metric)
    {
        if (weight.Kind != WeightKind.Tensor)
        {
            return [profile.ScalarWeight(weight.ScalarValue, weight.Kind == WeightKind.PythonInt, metric)];
        }

        // Stryker disable once Checked : equivalent: a weight tensor's element count is its span's length, an int
        var values = new double[checked((int)weight.TensorValue.ElementCount)];
        Views.CopyDense(weight.TensorValue, values);
        return values;
    }

    /// <summary>The mean over the dimensions from <paramref name="first"/> on (<c>reduce_mean</c>: a sum, then a division
    /// by the count; 0/0 = NaN over an empty axis); the values as they are when <paramref name="first"/> is null or
    /// not below the rank.</summary>
    private static (double[] Values, int[] Dims) MeanFrom(double[] values, int[] dims, int? first, Precision precision)
    {
        // Stryker disable once Equality : equivalent: at from == rank the mean is over no dimensions (each value over 1)
        if (first is not int from || from >= dims.Length)
        {
            return (values, dims);
        }

        int rows = checked((int)Shape.Size(dims.AsSpan(0, from)));
        // Stryker disable once Checked : equivalent: a sub-product of dims whose whole product is the values array's length
        int length = checked((int)Shape.Size(dims.AsSpan(from)));
        var means = new double[rows];
        for (int row = 0; row < rows; row++)
        {
            means[row] = precision.Divide(precision.Sum(values.AsSpan(row * length, length)), length);
        }

        return (means, dims[..from]);
    }
}

using System;
using System.Collections.Generic;
using System.Threading;

namespace CosineParity;

/// <summary>
/// Keras's metric <c>keras.metrics.CosineSimilarity(name="cosine_similarity", dtype=None, axis=-1)</c>: the weighted
/// mean of the <em>positive</em> per-sample cosines of <c>y_true</c> and <c>y_pred</c> along <see cref="Axis"/>, over
/// every <see cref="Update{TTrue, TPred, TWeight}"/> since the last <see cref="Reset"/>: <c>total</c> and <c>count</c>
/// accumulate in the metric dtype and <see cref="Result()"/> is <c>divide_no_nan(total, count)</c> (0 before any
/// update or with all-zero weights). How an update weighs differs by generation, as the <see cref="KerasProfile"/>
/// says: Keras 2 casts both inputs to the metric dtype, takes the cosine there and weighs every value
/// (<c>broadcast_weights</c>; the count is the sum of the broadcast weight or the number of values); Keras 3 takes
/// the cosine in <c>y_pred</c>'s dtype, casts it, and weighs per sample (<c>reduce_to_samplewise_values</c>: the
/// count is the sum of the per-sample weights or the batch size, and a 0-d weight counts the batch as one sample).
/// </summary>
/// <remarks>
/// <para>Keras 2: <c>tf_keras/metrics/regression_metrics.py</c>, a <c>MeanMetricWrapper</c> around the metrics module's
/// <c>cosine_similarity</c> (<c>reduce_sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)</c>, positive). Keras 3:
/// <c>keras/src/metrics/regression_metrics.py</c>, the same wrapper, with <c>Mean.update_state</c>'s
/// <c>reduce_to_samplewise_values</c> (<c>keras/src/metrics/reduction_metrics.py</c>).</para>
/// <para>Thread-safe. An update computes its contribution to <c>total</c> and <c>count</c> without touching the state, then
/// adds both under a lock, under which <see cref="Reset"/> clears and <see cref="Result()"/> reads them: concurrent
/// calls are serialized, so the state after them is the state after some sequential order of the same calls (orders
/// differ only by the rounding of the additions), and no reader sees a total without its count. An update that
/// throws changes nothing.</para>
/// </remarks>
public sealed class CosineSimilarityMetric
{
    // The dtype names Keras takes for a metric; the port accumulates only in the floating ones.
    private static readonly string[] DTypeNames =
        ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"];

    private readonly Lock _state = new();
    private readonly Precision? _precision;
    private double _total;
    private double _count;

    /// <summary>Builds the metric as <c>CosineSimilarity(name=..., dtype=..., axis=...)</c> would.</summary>
    /// <param name="profile">The Keras generation to imitate (default <see cref="KerasProfile.Keras3"/>).</param>
    /// <param name="name">The metric's name (default <c>"cosine_similarity"</c>).</param>
    /// <param name="dtype">The metric dtype's name: what <c>total</c>, <c>count</c> and the result are kept in (default
    /// <c>"float32"</c>, Keras's <c>floatx()</c>). Keras also takes integer dtypes such as <c>"int32"</c>; such a metric
    /// can be built and configured here but not updated.</param>
    /// <param name="axis">The axis or axes of the cosine (default <c>-1</c>).</param>
    /// <exception cref="KerasArgumentException">A dtype name Keras does not know (Keras 2: <c>TypeError</c>, Keras 3: <c>ValueError</c>).</exception>
    public CosineSimilarityMetric(KerasProfile? profile = null, string name = "cosine_similarity", string? dtype = null, Axes? axis = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Profile = profile ?? KerasProfile.Keras3;
        Name = name;
        DType = dtype ?? "float32";
        if (Array.IndexOf(DTypeNames, DType) < 0)
        {
            throw Profile.InvalidDTypeName(DType);
        }

        Axis = axis ?? Axes.Last;
        _precision = KerasDTypes.TryParse(DType, out KerasDType floating) ? Precision.Of(floating) : null;
    }

    /// <summary>The Keras generation imitated: <see cref="KerasProfile.Keras2"/> or <see cref="KerasProfile.Keras3"/>.</summary>
    public KerasProfile Profile { get; }

    /// <summary>The <c>name</c> argument (both generations; default <c>"cosine_similarity"</c>).</summary>
    public string Name { get; }

    /// <summary>The <c>dtype</c> argument's name (both generations; <c>"float32"</c>, <c>floatx()</c>, unless given).</summary>
    public string DType { get; }

    /// <summary>The <c>axis</c> argument, one axis or a list (both generations; default <c>-1</c>).</summary>
    public Axes Axis { get; }

    /// <summary>
    /// Builds the metric from Keras's keyword arguments, as <c>CosineSimilarity(**arguments)</c>: <c>name</c> (a
    /// string), <c>dtype</c> (a dtype name, or <see langword="null"/> for Python's <c>None</c>), <c>axis</c> (an int or a
    /// list of ints). Any other keyword fails as it fails in Python.
    /// </summary>
    /// <param name="profile">The Keras generation.</param>
    /// <param name="arguments">The keyword arguments by name.</param>
    /// <returns>The metric.</returns>
    /// <exception cref="KerasArgumentException">A keyword the constructor does not take (<c>TypeError</c>), or an unknown dtype name.</exception>
    /// <exception cref="ArgumentException">A known keyword with a value of the wrong type.</exception>
    public static CosineSimilarityMetric FromKerasArguments(KerasProfile profile, IReadOnlyDictionary<string, object?> arguments)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(arguments);
        string name = "cosine_similarity";
        string? dtype = null;
        Axes? axis = null;
        foreach ((string key, object? value) in arguments)
        {
            switch (key)
            {
                case "name" when value is string text:
                    name = text;
                    break;
                case "dtype" when value is null or string:
                    dtype = (string?)value;
                    break;
                case "axis":
                    axis = KerasArguments.Axis(value, nameof(arguments));
                    break;
                case "name" or "dtype":
                    throw new ArgumentException($"{key} must be a string, not {KerasArguments.Describe(value)}", nameof(arguments));
                default:
                    throw KerasArguments.Unexpected(key);
            }
        }

        return new CosineSimilarityMetric(profile, name, dtype, axis);
    }

    /// <summary>
    /// <c>CosineSimilarity.from_config(config)</c>: the metric a <c>get_config()</c> dictionary describes, as
    /// <c>cls(**config)</c> builds it. Keras 3 writes no axis, so its round trip resets the axis to <c>-1</c>, as
    /// Keras's own does.
    /// </summary>
    /// <param name="profile">The Keras generation that wrote the config.</param>
    /// <param name="config">The config as a JSON object, e.g. <see cref="GetConfig"/>'s.</param>
    /// <returns>The metric, with no updates.</returns>
    /// <exception cref="KerasArgumentException">A key the constructor does not take (<c>TypeError</c>: e.g. a loss's <c>reduction</c>), or an unknown dtype name.</exception>
    /// <exception cref="ArgumentException">Not a JSON object, or a value of the wrong type.</exception>
    public static CosineSimilarityMetric FromConfig(KerasProfile profile, string config)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return FromKerasArguments(profile, KerasConfig.Read(config));
    }

    /// <summary>
    /// <c>get_config()</c> as compact JSON, exactly as the generation's dictionary is recorded (keys sorted): Keras 2
    /// <c>{"axis":-1,"dtype":"float32","name":"cosine_similarity"}</c>, Keras 3
    /// <c>{"dtype":"float32","name":"cosine_similarity"}</c> (no axis: Keras drops it).
    /// </summary>
    /// <returns>The JSON object.</returns>
    public string GetConfig() => KerasConfig.Write(Profile.MetricConfigKeys, new ConfigValues(Axis, Name, null, DType));

    /// <summary><c>update_state(y_true, y_pred)</c>: adds one batch, unweighted.</summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>: Half, BFloat16, float, double, or long.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>.</typeparam>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <exception cref="KerasShapeException">Shapes that do not broadcast or squeeze (TF: <c>InvalidArgumentError</c>).</exception>
    /// <exception cref="KerasAxisException">An axis outside an input's rank.</exception>
    /// <exception cref="KerasDTypeException">Keras 3: a <paramref name="yPred"/> that is not floating.</exception>
    /// <exception cref="NotSupportedException">The metric dtype is not a floating one.</exception>
    public void Update<TTrue, TPred>(ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred) =>
        Update(yTrue, yPred, SampleWeight<double>.None);

    /// <summary><c>update_state(y_true, y_pred, sample_weight)</c>: adds one weighted batch.</summary>
    /// <typeparam name="TTrue">Element type of <paramref name="yTrue"/>: Half, BFloat16, float, double, or long.</typeparam>
    /// <typeparam name="TPred">Element type of <paramref name="yPred"/>.</typeparam>
    /// <typeparam name="TWeight">A weight tensor's element type: the metric dtype's (Keras casts the weight to it; cast
    /// yours the same way, correctly rounded). Any type for a Python-number weight or none.</typeparam>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    /// <param name="sampleWeight">The weight: none, a Python number, or a tensor of a rank the generation's rules accept.</param>
    /// <exception cref="KerasShapeException">Shapes that do not broadcast or squeeze (TF: <c>InvalidArgumentError</c>).</exception>
    /// <exception cref="KerasAxisException">An axis outside an input's rank.</exception>
    /// <exception cref="KerasDTypeException">Keras 3: a <paramref name="yPred"/> that is not floating.</exception>
    /// <exception cref="ArgumentException">A weight tensor not in the metric dtype.</exception>
    /// <exception cref="NotSupportedException">The metric dtype is not a floating one.</exception>
    public void Update<TTrue, TPred, TWeight>(ShapedSpan<TTrue> yTrue, ShapedSpan<TPred> yPred, SampleWeight<TWeight> sampleWeight)
    {
        Precision precision = Arithmetic();
        if (sampleWeight.Kind == WeightKind.Tensor && (!Element.IsFloating<TWeight>() || KerasDTypes.Of<TWeight>() != precision.DType))
        {
            throw new ArgumentException(
                $"the sample weight is a {typeof(TWeight).Name} tensor; the metric weighs in {DType}: cast it to that dtype's element type first, as Keras does",
                nameof(sampleWeight));
        }

        (double total, double count) = MetricUpdate.Contribution(Profile, Axis, precision, yTrue, yPred, sampleWeight);
        lock (_state)
        {
            _total = precision.Round(_total + total);
            _count = precision.Round(_count + count);
        }
    }

    /// <summary><c>result()</c>: <c>divide_no_nan(total, count)</c> in the metric dtype, widened exactly to double.</summary>
    /// <returns>The weighted mean cosine since the last reset (0 when nothing was counted).</returns>
    /// <exception cref="NotSupportedException">The metric dtype is not a floating one.</exception>
    public double Result()
    {
        Precision precision = Arithmetic();
        lock (_state)
        {
            return precision.DivideNoNan(_total, _count);
        }
    }

    /// <summary><c>result()</c> in the metric dtype's element type.</summary>
    /// <typeparam name="T">The element type of <see cref="DType"/>.</typeparam>
    /// <returns>The weighted mean cosine since the last reset.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the metric dtype's element type.</exception>
    public T Result<T>()
    {
        if (!Element.IsFloating<T>() || KerasDTypes.Name(KerasDTypes.Of<T>()) != DType)
        {
            throw new ArgumentException($"the metric's result is {DType}, not {typeof(T).Name}");
        }

        return Element.FromDouble<T>(Result());
    }

    /// <summary><c>reset_state()</c>: forgets every update.</summary>
    public void Reset()
    {
        lock (_state)
        {
            _total = 0;
            _count = 0;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Profile} CosineSimilarity metric {GetConfig()}";

    private Precision Arithmetic() => _precision
        ?? throw new NotSupportedException($"the metric dtype {DType} is not floating; the port accumulates metrics in float16, bfloat16, float32 or float64");
}

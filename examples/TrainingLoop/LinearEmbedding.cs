using System;

namespace CosineParity.Examples;

/// <summary>
/// A linear embedding <c>y = x * W</c> (<c>x</c>: samples x inputs, <c>W</c>: inputs x outputs, row-major) scored by
/// Keras 3's <c>CosineSimilarity(axis=-1, dtype="float64")</c> against target rows. The loss gives <c>dL/dy</c>;
/// the chain rule through the product gives <c>dL/dW = x^T * dL/dy</c>.
/// </summary>
public sealed class LinearEmbedding
{
    private readonly CosineSimilarityLoss _loss = new(KerasProfile.Keras3, axis: -1, dtype: KerasDType.Float64);
    private readonly double[] _inputs;
    private readonly double[] _targets;
    private readonly double[] _outputs;
    private readonly double[] _outputGradient;
    private readonly nint[] _outputShape;
    private readonly double[] _value = new double[1];

    public LinearEmbedding(double[] inputs, double[] targets, int samples, int inputSize, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Length != samples * inputSize || targets.Length != samples * outputSize)
        {
            throw new ArgumentException($"inputs must hold {samples} x {inputSize} and targets {samples} x {outputSize} values");
        }

        (_inputs, _targets, Samples, InputSize, OutputSize) = (inputs, targets, samples, inputSize, outputSize);
        _outputs = new double[targets.Length];
        _outputGradient = new double[targets.Length];
        _outputShape = [samples, outputSize];
    }

    public int Samples { get; }

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary>Random inputs in [-1, 1) and the targets a hidden random W maps them to, so that a perfect fit
    /// (every cosine 1, loss -1) exists.</summary>
    public static LinearEmbedding Synthetic(int samples, int inputSize, int outputSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double[] inputs = Uniform(samples * inputSize, random);
        double[] hidden = Uniform(inputSize * outputSize, random);
        var targets = new double[samples * outputSize];
        Multiply(inputs, hidden, targets, samples, inputSize, outputSize);
        return new LinearEmbedding(inputs, targets, samples, inputSize, outputSize);
    }

    public static double[] Uniform(int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (2 * random.NextDouble()) - 1;
        }

        return values;
    }

    /// <summary>The loss of <paramref name="weights"/> and, into <paramref name="gradient"/>, <c>dL/dW</c>.</summary>
    public double LossAndGradient(ReadOnlySpan<double> weights, Span<double> gradient)
    {
        Multiply(_inputs, weights, _outputs, Samples, InputSize, OutputSize);
        var yTrue = new ShapedSpan<double>(_targets, _outputShape);
        var yPred = new ShapedSpan<double>(_outputs, _outputShape);
        _loss.ComputeWithGradients(yTrue, yPred, SampleWeight<double>.None, KerasMask.None, _value, Span<double>.Empty, _outputGradient);

        // dL/dW[i, j] = sum over samples s of x[s, i] * dL/dy[s, j].
        gradient.Clear();
        for (int s = 0; s < Samples; s++)
        {
            for (int i = 0; i < InputSize; i++)
            {
                double x = _inputs[(s * InputSize) + i];
                for (int j = 0; j < OutputSize; j++)
                {
                    gradient[(i * OutputSize) + j] += x * _outputGradient[(s * OutputSize) + j];
                }
            }
        }

        return _value[0];
    }

    private static void Multiply(ReadOnlySpan<double> x, ReadOnlySpan<double> w, Span<double> y, int rows, int inner, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                double sum = 0;
                for (int k = 0; k < inner; k++)
                {
                    sum += x[(r * inner) + k] * w[(k * columns) + c];
                }

                y[(r * columns) + c] = sum;
            }
        }
    }
}

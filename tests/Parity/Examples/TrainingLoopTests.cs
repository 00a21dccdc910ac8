using System;
using System.Globalization;
using System.Linq;
using CosineParity.Examples;
using Xunit;

namespace CosineParity.Tests.Examples;

/// <summary>examples/TrainingLoop trains on the loss's gradient, and that gradient is the loss's derivative.</summary>
[Collection(ConsoleTests.Name)]
public sealed class TrainingLoopTests
{
    // The targets are x * W_hidden, so W = W_hidden gives every cosine 1 and the loss its minimum -1. Ending below
    // -0.999 asks for a mean cosine above 0.999 from a start of 0.21 (the example prints -0.9999997 after 200 steps). A
    // gradient off by a constant factor still descends (measured: half the gradient still ends below -0.999), so the
    // central-difference test below checks the gradient itself.
    private const double FittedLoss = -0.999;

    [Fact]
    public void Loss_decreases_at_every_printed_step_and_ends_near_the_perfect_fit()
    {
        string[] lines = ExampleProgram.Run("TrainingLoop").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        double[] losses = lines.Select(l => double.Parse(l[(l.IndexOf("loss ", StringComparison.Ordinal) + 5)..], CultureInfo.InvariantCulture)).ToArray();

        Assert.True(losses.Length >= 3, $"too few steps printed:\n{string.Join('\n', lines)}");
        for (int i = 1; i < losses.Length; i++)
        {
            Assert.True(losses[i] < losses[i - 1], $"{lines[i]} does not decrease from {lines[i - 1]}");
        }

        Assert.True(losses[^1] < FittedLoss, $"{lines[^1]} is not below {FittedLoss}");
    }

    // The loss is smooth away from the clamp (no row of x * W is near zero here). A central difference with step h
    // has error O(h^2 f''') plus rounding O(u f / h); with h = 1e-5 and unit-sized inputs both are below 1e-8, so
    // analytic and numeric gradients agree to 1e-6, as in GradientTests.
    [Fact]
    public void Gradient_the_example_trains_on_matches_central_differences_of_its_loss()
    {
        var random = new Random(7);
        LinearEmbedding model = LinearEmbedding.Synthetic(samples: 16, inputSize: 4, outputSize: 3, random);
        double[] weights = LinearEmbedding.Uniform(model.InputSize * model.OutputSize, random);
        var analytic = new double[weights.Length];
        var scratch = new double[weights.Length];
        model.LossAndGradient(weights, analytic);
        Assert.True(analytic.Max(Math.Abs) > 1e-3, "the gradient is too small for the check to mean anything");

        const double h = 1e-5;
        for (int i = 0; i < weights.Length; i++)
        {
            double original = weights[i];
            weights[i] = original + h;
            double up = model.LossAndGradient(weights, scratch);
            weights[i] = original - h;
            double down = model.LossAndGradient(weights, scratch);
            weights[i] = original;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-6, $"dL/dW[{i}]: analytic {analytic[i]:R}, central difference {numeric:R}");
        }
    }
}

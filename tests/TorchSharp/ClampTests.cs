using System;
using System.Globalization;
using System.Linq;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CosineParity.TorchSharp.Tests;

/// <summary>
/// Where TorchSharp's own <c>torch.nn.functional.cosine_similarity</c> and Keras part ways: near zero norms, where
/// each clamps differently (the table in src/TorchSharp/README.md is this test's output). For a prediction
/// <c>s * [0.6, 0.8]</c> of norm <c>s</c> against the target <c>[1, 0]</c> (cosine 0.6), by the three formulas:
/// Keras 2's <c>l2_normalize</c> divides by <c>max(s, 1e-6)</c> (the squared norm clamped at 1e-12), Keras 3's
/// <c>normalize</c> multiplies by <c>min(1 / s, 1e7)</c>, PyTorch divides by <c>max(s, 1e-8)</c>.
/// </summary>
public sealed class ClampTests(ITestOutputHelper output)
{
    private static readonly double[] Norms = [1e-3, 3e-7, 3e-8, 1e-13, 0];
    private static readonly float[] Target = [1, 0];

    [Fact]
    public void Near_zero_norms_part_Keras_2_Keras_3_and_PyTorch_as_their_clamps_say()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        float[] predictions = Norms.SelectMany(s => new[] { (float)(s * 0.6), (float)(s * 0.8) }).ToArray();
        float[] targets = Norms.SelectMany(_ => Target).ToArray();
        Tensor yPred = torch.tensor(predictions, [Norms.Length, 2]), yTrue = torch.tensor(targets, [Norms.Length, 2]);

        float[] keras2 = PerSample(KerasProfile.Keras2, yTrue, yPred);
        float[] keras3 = PerSample(KerasProfile.Keras3, yTrue, yPred);
        float[] pytorch = nn.functional.cosine_similarity(yTrue, yPred, dim: 1, eps: 1e-8).data<float>().ToArray();

        output.WriteLine("| norm of y_pred | Keras 2 loss | Keras 3 loss | -torch cosine_similarity |");
        for (int i = 0; i < Norms.Length; i++)
        {
            double s = Norms[i];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {s:R} | {keras2[i]:R} | {keras3[i]:R} | {-pytorch[i]:R} |"));
            AssertClose(-0.6 * Math.Min(1, s / 1e-6), keras2[i], s);
            AssertClose(-0.6 * Math.Min(1, s * 1e7), keras3[i], s);
            AssertClose(0.6 * Math.Min(1, s / 1e-8), pytorch[i], s);
        }
    }

    private static float[] PerSample(KerasProfile profile, Tensor yTrue, Tensor yPred)
    {
        using var loss = new KerasCosineSimilarityLoss(profile, reduction: LossReduction.None);
        return loss.forward(yTrue, yPred).data<float>().ToArray();
    }

    // The closed forms are exact; float32 inputs and arithmetic put the answers within a few units of float32 rounding.
    private static void AssertClose(double expected, float actual, double norm) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected), $"norm {norm}: {actual} where the formula gives {expected}");
}

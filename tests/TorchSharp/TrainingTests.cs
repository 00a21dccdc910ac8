using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CosineParity.TorchSharp.Tests;

/// <summary>The module in a TorchSharp training loop: a linear layer fitted with SGD to a teacher's directions.</summary>
public sealed class TrainingTests(ITestOutputHelper output)
{
    private const int Steps = 25;

    // The targets are a fixed linear map of the inputs, so a linear layer can reach a loss of -1; every SGD step
    // through the module's backward lowers the loss, and it ends close to -1.
    [Fact]
    public void A_linear_layer_fitted_with_SGD_lowers_the_loss()
    {
        using DisposeScope scope = torch.NewDisposeScope();
        var generator = new Generator(20261202);
        Tensor inputs = torch.randn([64, 8], generator: generator);
        Tensor targets = inputs.matmul(torch.randn([8, 4], generator: generator));
        using var layer = nn.Linear(8, 4);
        using (torch.no_grad())
        {
            layer.weight!.copy_(torch.randn([4, 8], generator: generator) * 0.1);
            layer.bias!.zero_();
        }

        using var loss = new KerasCosineSimilarityLoss(KerasProfile.Keras3);
        using optim.Optimizer sgd = optim.SGD(layer.parameters(), 0.5);
        var losses = new List<float>();
        for (int step = 0; step < Steps; step++)
        {
            using DisposeScope stepScope = torch.NewDisposeScope();
            sgd.zero_grad();
            Tensor value = loss.forward(targets, layer.forward(inputs));
            value.backward();
            sgd.step();
            losses.Add(value.item<float>());
        }

        output.WriteLine(string.Join(" ", losses.Select(l => l.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
        for (int step = 1; step < Steps; step++)
        {
            Assert.True(losses[step] < losses[step - 1], $"step {step}: {losses[step]} after {losses[step - 1]}");
        }

        Assert.True(losses[^1] < -0.95f, $"the fitted loss is {losses[^1]}");
    }
}

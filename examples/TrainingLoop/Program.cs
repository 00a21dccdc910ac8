// Training with Keras's cosine similarity loss and its gradient, in plain C#: gradient descent fits a linear
// embedding W (4 x 3) so that each row of x * W points along its target row.
using System;
using System.Globalization;
using CosineParity.Examples;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

const int Steps = 200;
const double LearningRate = 0.5;
var random = new Random(20261202);
var model = LinearEmbedding.Synthetic(samples: 16, inputSize: 4, outputSize: 3, random);
double[] weights = LinearEmbedding.Uniform(model.InputSize * model.OutputSize, random);
double[] gradient = new double[weights.Length];

for (int step = 0; step <= Steps; step++)
{
    double loss = model.LossAndGradient(weights, gradient);   // Keras 3: -mean cosine over the 16 rows
    if (step % 20 == 0)
    {
        Console.WriteLine($"step {step}: loss {loss:R}");
    }

    for (int i = 0; i < weights.Length; i++)
    {
        weights[i] -= LearningRate * gradient[i];
    }
}

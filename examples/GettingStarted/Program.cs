// The Keras documentation's example (keras.losses.CosineSimilarity), in C#.
using System;
using System.Globalization;
using System.Numerics.Tensors;
using CosineParity;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// y_true = [[0., 1.], [1., 1.]], y_pred = [[1., 0.], [1., 1.]]
float[] yTrue = [0f, 1f, 1f, 1f];
float[] yPred = [1f, 0f, 1f, 1f];
nint[] shape = [2, 2];
Tensor<float> t = Tensor.Create(yTrue, shape);
Tensor<float> p = Tensor.Create(yPred, shape);

// Keras 3 (tf.keras since TF 2.16); KerasProfile.Keras2 gives tf.keras up to TF 2.15.
var loss = new CosineSimilarityLoss(KerasProfile.Keras3, axis: 1);
Console.WriteLine(loss.Compute(t, p).Scalar);                                    // Keras prints -0.5

float[] sampleWeight = [0.8f, 0.2f];
Tensor<float> weights = Tensor.Create(sampleWeight, [2]);
Console.WriteLine(loss.Compute(t, p, weights).Scalar);                           // -0.0999

var sum = new CosineSimilarityLoss(KerasProfile.Keras3, axis: 1, reduction: LossReduction.Sum);
Console.WriteLine(sum.Compute(t, p).Scalar);                                     // -0.999

var none = new CosineSimilarityLoss(KerasProfile.Keras3, axis: 1, reduction: LossReduction.None);
Console.WriteLine(string.Join(", ", none.Compute(t, p).Values.ToArray()));       // [-0., -0.999]

// In a training loop: spans in, the caller's buffer out; no allocation while the shapes repeat.
Span<float> value = stackalloc float[1];
loss.Compute<float, float, float>(yTrue, shape, yPred, shape, value);
Console.WriteLine(value[0]);

using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Judging;
using CosineParity.Oracle.Replay;
using CosineParity.Tests.Parity;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CosineParity.TorchSharp.Tests;

/// <summary>
/// Every recorded loss case with TF's gradients that a TorchSharp user can pose (tensor inputs of the four float
/// dtypes, no replica context; a weight tensor, a Python-float weight or none; a mask or none), both profiles: the
/// module's value and the gradients torch's autograd returns through it are within the fixture's bound of TF's
/// (the one judge, <see cref="CaseJudge"/>), and bit for bit the port's own answer.
/// </summary>
public sealed class FixtureModuleTests
{
    public static TheoryData<string> GradientCases() => new(Posable().Select(c => c.Id).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Module_value_and_autograd_gradients_are_the_ports_and_within_the_recorded_bound(string id)
    {
        ParityCase parityCase = FixtureCatalog.Case(id);
        PortAnswer module = ModuleAnswer(parityCase);

        Verdict verdict = CaseJudge.Judge(parityCase, module);
        Assert.True(verdict.Passed, $"{id}: {verdict.Failure}");

        PortAnswer port = PortRunner.Run(parityCase);
        Assert.Equal(port.Value, module.Value);
        foreach (string input in parityCase.Expected.Gradients.Keys)
        {
            Assert.Equal(port.Gradients[input], module.Gradients[input]);
        }
    }

    [Fact]
    public void The_cases_cover_every_dtype_of_both_profiles()
    {
        var covered = Posable().Select(c => (c.Profile, c.Inputs["y_pred"] is TensorInput t ? t.Tensor.DType : default)).ToHashSet();
        foreach (string profile in new[] { "keras2", "keras3" })
        {
            foreach (TensorDType dtype in new[] { TensorDType.Float16, TensorDType.BFloat16, TensorDType.Float32, TensorDType.Float64 })
            {
                Assert.Contains((profile, dtype), covered);
            }
        }
    }

    private static IEnumerable<ParityCase> Posable() => FixtureCatalog.All.Where(c =>
        c.Api == Apis.Loss && c.Expected.Error is null && c.Expected.Gradients.Count > 0 && c.Expected.Value?.Bound is not null
        && !c.Args.IsNumpyInput && c.Args.Replicas is null
        && IsFloatTensor(c.Inputs.GetValueOrDefault("y_true")) && IsFloatTensor(c.Inputs.GetValueOrDefault("y_pred"))
        && IsPosableWeight(c.Inputs.GetValueOrDefault("sample_weight"))
        && c.Inputs.GetValueOrDefault("mask") is null or TensorInput { Tensor.DType: TensorDType.Bool });

    // The module takes a weight tensor of a float dtype or a Python float (a Python int it would round as a float).
    private static bool IsPosableWeight(CaseInput? weight) => weight is null or ScalarInput { IsInteger: false } || IsFloatTensor(weight);

    private static bool IsFloatTensor(CaseInput? input) => input is TensorInput { Tensor.DType: var dtype } && CaseTensors.IsFloating(dtype);

    private static PortAnswer ModuleAnswer(ParityCase parityCase)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        using var module = new KerasCosineSimilarityLoss(
            CosineSimilarityLoss.FromKerasArguments(KerasProfile.Parse(parityCase.Profile), PortRunner.KerasArguments(parityCase.Args)));
        IReadOnlyDictionary<string, CaseInput> inputs = parityCase.Inputs;
        Tensor yTrue = CaseTensors.ToTorch(((TensorInput)inputs["y_true"]).Tensor).requires_grad_(true);
        Tensor yPred = CaseTensors.ToTorch(((TensorInput)inputs["y_pred"]).Tensor).requires_grad_(true);
        Tensor? mask = inputs.GetValueOrDefault("mask") is TensorInput m ? CaseTensors.ToTorch(m.Tensor) : null;
        Tensor value = inputs.GetValueOrDefault("sample_weight") switch
        {
            ScalarInput weight => module.forward(yTrue, yPred, weight.Value, mask),
            TensorInput weight => module.forward(yTrue, yPred, CaseTensors.ToTorch(weight.Tensor), mask),
            _ => module.forward(yTrue, yPred, null, mask),
        };

        value.sum().backward();
        return new PortAnswer(CaseTensors.FromTorch(value), null)
        {
            Gradients = new Dictionary<string, TensorData>(StringComparer.Ordinal)
            {
                ["y_true"] = CaseTensors.FromTorch(yTrue.grad!),
                ["y_pred"] = CaseTensors.FromTorch(yPred.grad!),
            },
        };
    }
}

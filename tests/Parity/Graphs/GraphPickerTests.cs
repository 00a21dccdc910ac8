using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Graphs;
using CosineParity.Tests.Parity;
using Xunit;
using Xunit.Abstractions;

namespace CosineParity.Tests.Graphs;

/// <summary>Picking the graph for a call (fixtures/README.md, "Picking the graph for a call").</summary>
[Collection(SharedGraphOracle.Name)]
public sealed class GraphPickerTests(GraphOracleFixture fixture, ITestOutputHelper output)
{
    private GraphOracle Oracle => fixture.Oracle;

    private string? Pick(string profile, string api, TensorDType dtype, string args, int[] yTrue, int[] yPred, int[]? weight = null,
        int[]? mask = null, GraphMatching matching = GraphMatching.Strict) =>
        Oracle.Pick(new GraphQuestion(profile, api, dtype, CaseArgs.Parse(args), yTrue, yPred, weight, mask), matching)?.Id;

    [Fact]
    public void EveryGraphIsTheOnePickForItsOwnTemplate()
    {
        foreach (GraphEntry graph in Oracle.Manifest.Graphs)
        {
            // each dim name a size of its own, never 1
            var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
            int[] Shape(string name) => graph.Inputs.FirstOrDefault(i => i.Name == name) is { } input
                ? input.Shape.Select(d => d.IsStaticOne ? 1 : sizes.TryGetValue(d.Name!, out int s) ? s : sizes[d.Name!] = 2 + sizes.Count).ToArray()
                : null!;
            int[] yTrue = Shape("y_true"), yPred = Shape("y_pred");
            int[]? weight = graph.Inputs.Any(i => i.Name == "sample_weight") ? Shape("sample_weight") : null;
            int[]? mask = graph.Inputs.Any(i => i.Name == "mask") ? Shape("mask") : null;
            var question = new GraphQuestion(graph.Profile, graph.Api, graph.DType, graph.Args, yTrue, yPred, weight, mask);
            Assert.Equal([graph.Id], Oracle.Candidates(question).Select(g => g.Id));
        }
    }

    [Fact]
    public void WhereSeveralGraphsFitARecordedQuestionThePickKnewMoreStaticSizes()
    {
        var several = new Dictionary<GraphMatching, int>();
        foreach (ParityCase parityCase in FixtureCatalog.All.Where(c => c.Api is Apis.Loss or Apis.Function))
        {
            if (parityCase.Inputs.GetValueOrDefault("y_true") is TensorInput yTrue && parityCase.Inputs.GetValueOrDefault("y_pred") is TensorInput yPred)
            {
                IReadOnlyList<int>? weight = parityCase.Inputs.GetValueOrDefault("sample_weight") switch
                {
                    TensorInput t => t.Tensor.Shape,
                    ScalarInput => [],
                    _ => null,
                };
                IReadOnlyList<int>? mask = parityCase.Inputs.GetValueOrDefault("mask") is TensorInput m ? m.Tensor.Shape : null;
                var question = new GraphQuestion(parityCase.Profile, parityCase.Api, yPred.Tensor.DType, parityCase.Args,
                    yTrue.Tensor.Shape, yPred.Tensor.Shape, weight, mask);
                foreach (GraphMatching matching in Enum.GetValues<GraphMatching>())
                {
                    GraphEntry[] fits = Oracle.Candidates(question, matching).ToArray();
                    if (fits.Length > 1)
                    {
                        // e.g. a keras3 [2, 1] weight of [2, 1, 6] inputs fits weight[d0,1] and weight[d0,d1]: the pick is
                        // the graph that knew more static sizes, and no other knew as many.
                        int[] statics = fits.Select(StaticOnes).OrderDescending().ToArray();
                        Assert.True(statics[0] > statics[1], $"{parityCase.Id} fits {string.Join(", ", fits.Select(g => g.Id))} alike ({matching})");
                        Assert.Equal(statics[0], StaticOnes(Oracle.Pick(question, matching)!));
                        several[matching] = several.GetValueOrDefault(matching) + 1;
                    }

                    if (matching == GraphMatching.StaticOnly && Oracle.Pick(question) is { } strict)
                    {
                        Assert.Equal(strict.Id, Oracle.Pick(question, matching)?.Id);
                    }
                }
            }
        }

        output.WriteLine($"recorded questions fitting several graphs: {several.GetValueOrDefault(GraphMatching.Strict)} strictly, " +
            $"{several.GetValueOrDefault(GraphMatching.StaticOnly)} on static shapes only");
    }

    private static int StaticOnes(GraphEntry graph) => graph.Inputs.Sum(input => input.Shape.Count(d => d.IsStaticOne));

    [Fact]
    public void TheAxisIsMatchedAsSpelled()
    {
        int[] shape = [4, 3];
        Assert.Equal("keras2/axis/function/float32/true[d0,d1]-pred[d0,d1]/axis=-1", Pick("keras2", "function", TensorDType.Float32, """{"axis": -1}""", shape, shape));
        Assert.Equal("keras2/axis/function/float32/true[d0,d1]-pred[d0,d1]/axis=1", Pick("keras2", "function", TensorDType.Float32, """{"axis": 1}""", shape, shape));
        Assert.Null(Pick("keras2", "function", TensorDType.Float32, """{"axis": [1]}""", shape, shape));
        Assert.Null(Pick("keras2", "function", TensorDType.Float32, "{}", shape, shape));   // the grid has no default-axis graph at equal ranks
        Assert.Equal("keras3/axis/function/float32/true[d0,d1,d2]-pred[d0,d1,d2]/axis=0,2",
            Pick("keras3", "function", TensorDType.Float32, """{"axis": [0, 2]}""", [2, 3, 4], [2, 3, 4]));
        Assert.Null(Pick("keras3", "function", TensorDType.Float32, """{"axis": [2, 0]}""", [2, 3, 4], [2, 3, 4]));
    }

    [Fact]
    public void ReductionAndLossDTypeAreMatchedAsSpelled()
    {
        int[] shape = [4, 3];
        Assert.Equal("keras3/reduction/loss/float64/true[d0,d1]-pred[d0,d1]/reduction=None",
            Pick("keras3", "loss", TensorDType.Float64, """{"reduction": null}""", shape, shape));
        Assert.Equal("keras3/reduction/loss/float64/true[d0,d1]-pred[d0,d1]/reduction=none",
            Pick("keras3", "loss", TensorDType.Float64, """{"reduction": "none"}""", shape, shape));
        Assert.Equal("keras3/loss-dtype/loss/float32/true[d0,d1]-pred[d0,d1]/dtype=float16_reduction=none",
            Pick("keras3", "loss", TensorDType.Float32, """{"dtype": "float16", "reduction": "none"}""", shape, shape));
        Assert.Null(Pick("keras3", "loss", TensorDType.Float32, """{"dtype": "float32", "reduction": "none"}""", shape, shape));
        Assert.Equal("keras2/rank/loss/float32/true[d0,1]-pred[d0]/default",
            Pick("keras2", "loss", TensorDType.Float32, """{"name": "my_loss"}""", [4, 1], [4]));   // the name changes no number
    }

    [Fact]
    public void AStaticOneOfTheTemplateMustBePresent()
    {
        // keras3 squeezes a 0-d weight's losses around a static trailing 1 only: d0 = 1 has its own graph
        const string Args = """{"reduction": "sum"}""";
        Assert.Equal("keras3/reduction/loss/float16/true[1,d1]-pred[1,d1]-weight[]/reduction=sum",
            Pick("keras3", "loss", TensorDType.Float16, Args, [1, 5], [1, 5], []));
        Assert.Equal("keras3/reduction/loss/float16/true[d0,d1]-pred[d0,d1]-weight[]/reduction=sum",
            Pick("keras3", "loss", TensorDType.Float16, Args, [4, 5], [4, 5], []));
        Assert.Equal("keras3/reduction/loss/float16/true[d0,d1]-pred[d0,d1]-weight[d0,1]/reduction=sum",
            Pick("keras3", "loss", TensorDType.Float16, Args, [4, 5], [4, 5], [4, 1]));
        Assert.Null(Pick("keras3", "loss", TensorDType.Float16, Args, [4, 5], [4, 5], [4, 2]));
    }

    [Fact]
    public void DimsNotOneMustNotBeOne()
    {
        Assert.Equal("keras2/rank/loss/float64/true[d1]-pred[d0,d1]/default", Pick("keras2", "loss", TensorDType.Float64, "{}", [3], [4, 3]));
        Assert.Null(Pick("keras2", "loss", TensorDType.Float64, "{}", [1], [4, 1]));
        Assert.Equal("keras2/rank/loss/float64/true[d0]-pred[d0,1]/default", Pick("keras2", "loss", TensorDType.Float64, "{}", [4], [4, 1]));
    }

    [Fact]
    public void ADimNameIsOneSizeInEveryInput()
    {
        const string Args = """{"axis": -1}""";
        Assert.Null(Pick("keras3", "loss", TensorDType.Float32, Args, [4, 3], [4, 5]));
        Assert.Null(Pick("keras3", "loss", TensorDType.Float32, Args, [1, 3], [4, 3]));
        Assert.Equal("keras3/axis/loss/float32/true[d0,d1]-pred[d0,d1]/axis=-1",
            Pick("keras3", "loss", TensorDType.Float32, Args, [4, 3], [4, 5], matching: GraphMatching.StaticOnly));
        Assert.Null(Pick("keras2", "loss", TensorDType.Float32, """{"reduction": "sum"}""", [3, 4, 2], [3, 4, 2], mask: [1, 4]));
        Assert.NotNull(Pick("keras2", "loss", TensorDType.Float32, """{"reduction": "sum"}""", [3, 4, 2], [3, 4, 2], mask: [3, 4]));
    }

    [Fact]
    public void RanksAndInputsMustBeTheTemplates()
    {
        Assert.Null(Pick("keras2", "loss", TensorDType.Float32, """{"reduction": "sum"}""", [2, 3, 4, 5], [2, 3, 4, 5]));
        Assert.Null(Pick("keras2", "function", TensorDType.Float32, """{"axis": -1}""", [4, 3], [4, 3], [4]));
        Assert.Null(Pick("keras2", "loss", TensorDType.BFloat16, """{"axis": -1}""", [4, 3], [4, 3]));
        Assert.Null(Pick("keras2", "metric", TensorDType.Float32, "{}", [4, 3], [4, 3]));
    }
}

using System;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Graphs;
using Xunit;
using static CosineParity.Tests.Graphs.Questions;

namespace CosineParity.Tests.Graphs;

/// <summary>The facade a fuzzer uses: a question in, a graph's answer or the reason there is none out; inputs given
/// as Keras converts them (fixtures/README.md, "What the graphs cannot express").</summary>
[Collection(SharedGraphOracle.Name)]
public sealed class GraphOracleTests(GraphOracleFixture fixture)
{
    private GraphOracle Oracle => fixture.Oracle;

    private static readonly TensorData Y64 = Doubles([2, 3], 1, 2, 3, 4, 5, 6);
    private static readonly TensorData P64 = Doubles([2, 3], 3, 1, 2, 6, 4, 5);

    private GraphAnswer Answer(ParityCase question)
    {
        Assert.True(Oracle.TryAnswer(question, GraphMatching.Strict, out GraphAnswer? answer, out string? noGraph), noGraph);
        Assert.True(answer.Succeeded, answer.Error?.ToString());
        return answer;
    }

    private string NoGraph(ParityCase question)
    {
        Assert.False(Oracle.TryAnswer(question, GraphMatching.Strict, out _, out string? noGraph));
        Assert.False(Oracle.TryAnswer(question, out _));
        return noGraph;
    }

    [Fact]
    public void AnAnswerNamesItsGraphAndCarriesTheCauses()
    {
        GraphAnswer answer = Answer(Ask("keras2", "function", """{"axis": -1}""", Y64, P64));
        Assert.Equal("keras2/axis/function/float64/true[d0,d1]-pred[d0,d1]/axis=-1", answer.GraphId);
        Assert.Equal(TensorDType.Float64, answer.Value!.DType);
        Assert.Equal([2], answer.Value.Shape);
        Assert.Same(Oracle.Causes, answer.Causes);
        Assert.Contains("signed-zero-sum", answer.Causes.Keys);
        Assert.Same(Y64, answer.Inputs["y_true"]);
    }

    [Fact]
    public void Keras2MakesAFloat32OfAPythonFloatFirst()
    {
        GraphAnswer answer = Answer(Ask("keras2", "loss", """{"reduction": "sum"}""", Y64, P64, new ScalarInput(2.3, false)));
        Assert.Equal([(double)2.3f], answer.Inputs["sample_weight"].ToDoubles());
        Assert.Equal(TensorDType.Float64, answer.Inputs["sample_weight"].DType);
        Assert.Equal([], answer.Inputs["sample_weight"].Shape);
    }

    [Fact]
    public void Keras3ConvertsAPythonFloatStraightToTheLossDType()
    {
        // the default float32 loss: the number rounds to float32, which float64 inputs hold
        GraphAnswer answer = Answer(Ask("keras3", "loss", """{"reduction": "sum"}""", Y64, P64, new ScalarInput(2.3, false)));
        Assert.Equal([(double)2.3f], answer.Inputs["sample_weight"].ToDoubles());
    }

    [Fact]
    public void AFloat16GraphCannotTakeAFloat32WeightItDoesNotHold()
    {
        TensorData y = Halves([2, 3], 1, 2, 3, 4, 5, 6), p = Halves([2, 3], 3, 1, 2, 6, 4, 5);
        const string Args = """{"reduction": "sum"}""";
        Assert.Contains("cannot take the case's Python number 2.3 exactly", NoGraph(Ask("keras3", "loss", Args, y, p, new ScalarInput(2.3, false))), StringComparison.Ordinal);
        Assert.Equal([2.5], Answer(Ask("keras3", "loss", Args, y, p, new ScalarInput(2.5, false))).Inputs["sample_weight"].ToDoubles());
        // keras2 computes in float16: float16(float32(2.3)) is what it weighs by
        Assert.Equal([(double)(Half)2.3f], Answer(Ask("keras2", "loss", Args, y, p, new ScalarInput(2.3, false))).Inputs["sample_weight"].ToDoubles());
        Assert.Contains("cannot take the case's float32[2]", NoGraph(Ask("keras3", "loss", Args, y, p, new TensorInput(Floats([2], 0.1f, 1)))), StringComparison.Ordinal);
    }

    [Fact]
    public void ATensorWeightOfAnotherDTypeIsCastAsKerasCastsIt()
    {
        const string Args = """{"reduction": "sum"}""";
        TensorData weight = Floats([2], 0.1f, 3);
        Assert.Equal(weight.ToDoubles(), Answer(Ask("keras2", "loss", Args, Y64, P64, new TensorInput(weight))).Inputs["sample_weight"].ToDoubles());
        TensorData y = Halves([2, 3], 1, 2, 3, 4, 5, 6), p = Halves([2, 3], 3, 1, 2, 6, 4, 5);
        TensorData fed = Answer(Ask("keras2", "loss", Args, y, p, new TensorInput(weight))).Inputs["sample_weight"];
        Assert.Equal(TensorDType.Float16, fed.DType);
        Assert.Equal([(double)(Half)0.1f, 3], fed.ToDoubles());
    }

    [Fact]
    public void Keras3CastsYTrueOfAnotherDType()
    {
        TensorData yTrue = Doubles([2, 3], 0.1, 2, 3, 4, 5, 6), yPred = Floats([2, 3], 3, 1, 2, 6, 4, 5);
        GraphAnswer answer = Answer(Ask("keras3", "function", """{"axis": -1}""", yTrue, yPred));
        Assert.Equal(TensorDType.Float32, answer.Inputs["y_true"].DType);
        Assert.Equal((double)0.1f, answer.Inputs["y_true"].ToDoubles()[0]);
        Assert.Contains("keras2 with a float64 y_true and a float32 y_pred", NoGraph(Ask("keras2", "function", """{"axis": -1}""", yTrue, yPred)), StringComparison.Ordinal);
    }

    [Fact]
    public void WhatTheGraphsCannotExpressHasNoGraph()
    {
        TensorData brain = TensorData.Create<BFloat16>(Enumerable.Range(1, 6).Select(i => (BFloat16)(float)i).ToArray(), [2, 3]);
        Assert.StartsWith("bfloat16", NoGraph(Ask("keras2", "function", """{"axis": -1}""", brain, brain)), StringComparison.Ordinal);
        Assert.StartsWith("numpy inputs", NoGraph(Ask("keras2", "function", """{"axis": -1, "input_kind": "numpy"}""", Y64, P64)), StringComparison.Ordinal);
        Assert.StartsWith("a replica context", NoGraph(Ask("keras3", "loss", """{"replicas": 2}""", Y64, P64)), StringComparison.Ordinal);
        Assert.StartsWith("args", NoGraph(Ask("keras3", "loss", """{"from_logits": true}""", Y64, P64)), StringComparison.Ordinal);
        Assert.StartsWith("no graph of the grid fits", NoGraph(Ask("keras3", "loss", """{"axis": 0, "reduction": "sum"}""", Y64, P64)), StringComparison.Ordinal);
        Assert.StartsWith("no graph of the grid fits", NoGraph(Ask("keras3", "function", """{"axis": -1}""", Y64, Doubles([1, 3], 1, 2, 3))), StringComparison.Ordinal);
    }

    [Fact]
    public void AMaskIsMatchedAndFed()
    {
        TensorData y = Floats([2, 2, 2], 1, 0, 0, 1, 1, 1, 2, 2), p = Floats([2, 2, 2], 0, 1, 0, 1, 1, 1, 2, 2);
        GraphAnswer answer = Answer(Ask("keras3", "loss", """{"reduction": "sum"}""", y, p, mask: Bools([2, 2], true, false, true, true)));
        Assert.Equal("keras3/mask/loss/float32/true[d0,d1,d2]-pred[d0,d1,d2]-mask[d0,d1]/reduction=sum", answer.GraphId);
        Assert.Equal(-2.0, answer.Value!.ToDoubles()[0], 1e-6);   // -(0 + 1 + 1): the second sample masked
        Assert.StartsWith("no graph of the grid fits", NoGraph(Ask("keras3", "loss", """{"reduction": "sum"}""", y, p, mask: Bools([1, 2], true, false))), StringComparison.Ordinal);
    }

    [Fact]
    public void TheStaticMatchingPutsAQuestionTfRejectsToTheGraph()
    {
        ParityCase question = Ask("keras3", "loss", """{"axis": -1}""", Y64, Doubles([2, 2], 1, 2, 3, 4));
        Assert.False(Oracle.TryAnswer(question, out _));
        Assert.True(Oracle.TryAnswer(question, GraphMatching.StaticOnly, out GraphAnswer? answer, out _));
        Assert.Equal(GraphRunStage.Run, answer.Error!.Stage);
    }
}

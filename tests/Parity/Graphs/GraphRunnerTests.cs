using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Graphs;
using Xunit;
using static CosineParity.Tests.Graphs.Questions;

namespace CosineParity.Tests.Graphs;

/// <summary>Graphs run in ONNX Runtime in process: each input dtype, 0-d inputs, zero-size dims, the mask, ONNX
/// Runtime's failures as typed results, the session cache under concurrent use, and disposal.</summary>
[Collection(SharedGraphOracle.Name)]
public sealed class GraphRunnerTests(GraphOracleFixture fixture)
{
    private GraphOracle Oracle => fixture.Oracle;

    private GraphEntry Graph(string id) => Oracle.Manifest.Graphs.Single(g => g.Id == id);

    private static Dictionary<string, TensorData> Feed(params (string Name, TensorData Tensor)[] inputs) =>
        inputs.ToDictionary(i => i.Name, i => i.Tensor, StringComparer.Ordinal);

    [Theory]
    [InlineData(TensorDType.Float16)]
    [InlineData(TensorDType.Float32)]
    [InlineData(TensorDType.Float64)]
    public void TheFunctionGivesMinusTheCosinePerSample(TensorDType dtype)
    {
        string name = dtype.CaseName();
        GraphEntry graph = Graph($"keras2/axis/function/{name}/true[d0,d1]-pred[d0,d1]/axis=-1");
        TensorData yTrue = Cast(dtype, [3, 2], 1, 0, 0, 1, 3, 4);
        TensorData yPred = Cast(dtype, [3, 2], 1, 0, 1, 0, 4, 3);
        GraphRun run = Oracle.Run(graph, Feed(("y_true", yTrue), ("y_pred", yPred)));

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal(dtype, run.Value!.DType);
        Assert.Equal([3], run.Value.Shape);
        double[] values = run.Value.ToDoubles();
        double tolerance = dtype == TensorDType.Float16 ? 2e-3 : 1e-6;
        Assert.Equal(-1, values[0], tolerance);
        Assert.Equal(0, values[1], tolerance);
        Assert.Equal(-24.0 / 25, values[2], tolerance);
    }

    [Fact]
    public void AZeroDWeightIsAnInputOfShapeEmpty()
    {
        GraphEntry graph = Graph("keras2/reduction/loss/float32/true[d0,d1]-pred[d0,d1]-weight[]/reduction=sum");
        TensorData y = Floats([2, 2], 1, 0, 0, 1);
        GraphRun run = Oracle.Run(graph, Feed(("y_true", y), ("y_pred", y), ("sample_weight", TensorData.CreateScalar(2.5f))));
        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal([], run.Value!.Shape);
        Assert.Equal(-5.0, run.Value.ToDoubles()[0], 1e-6);
    }

    [Fact]
    public void ZeroSizeDimsGiveZeroSizeOutputs()
    {
        GraphEntry graph = Graph("keras3/axis/function/float64/true[d0,d1]-pred[d0,d1]/axis=-1");
        TensorData empty = Doubles([0, 3]);
        GraphRun run = Oracle.Run(graph, Feed(("y_true", empty), ("y_pred", empty)));
        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal([0], run.Value!.Shape);
        Assert.Equal(0, run.Value.ElementCount);
    }

    [Fact]
    public void AnEmptyBatchReducesToZero()
    {
        GraphEntry graph = Graph("keras2/reduction/loss/float32/true[d0,d1]-pred[d0,d1]/reduction=sum_over_batch_size");
        TensorData empty = Floats([0, 4]);
        GraphRun run = Oracle.Run(graph, Feed(("y_true", empty), ("y_pred", empty)));
        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal(TensorData.CreateScalar(0f).ToDoubles(), run.Value!.ToDoubles());
    }

    [Fact]
    public void AMaskIsABoolInput()
    {
        GraphEntry graph = Graph("keras2/mask/loss/float32/true[d0,d1,d2]-pred[d0,d1,d2]-mask[d0,d1]/reduction=sum");
        TensorData y = Floats([1, 2, 2], 1, 0, 0, 1);
        TensorData opposite = Floats([1, 2, 2], -1, 0, 0, 1);
        GraphRun both = Oracle.Run(graph, Feed(("y_true", y), ("y_pred", opposite), ("mask", Bools([1, 2], true, true))));
        GraphRun second = Oracle.Run(graph, Feed(("y_true", y), ("y_pred", opposite), ("mask", Bools([1, 2], false, true))));
        Assert.Equal(0.0, both.Value!.ToDoubles()[0], 1e-6);
        Assert.Equal(-1.0, second.Value!.ToDoubles()[0], 1e-6);
    }

    [Fact]
    public void AnOnnxRuntimeFailureIsAResult()
    {
        // keras2-dynamic-squeeze: the graph squeezes y_true's last dim, which is 3 here.
        GraphEntry graph = Graph("keras2/rank/loss/float32/true[d0,d1]-pred[d1]/default");
        GraphRun run = Oracle.Run(graph, Feed(("y_true", Counting(TensorDType.Float32, 2, 3)), ("y_pred", Counting(TensorDType.Float32, 3))));
        Assert.False(run.Succeeded);
        Assert.Null(run.Value);
        Assert.Equal(GraphRunStage.Run, run.Error!.Stage);
        Assert.Contains("Squeeze", run.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShapesThatDoNotBroadcastFailInOnnxRuntime()
    {
        GraphEntry graph = Graph("keras3/axis/loss/float32/true[d0,d1]-pred[d0,d1]/axis=-1");
        GraphRun run = Oracle.Run(graph, Feed(("y_true", Counting(TensorDType.Float32, 2, 3)), ("y_pred", Counting(TensorDType.Float32, 2, 4))));
        Assert.Equal(GraphRunStage.Run, run.Error!.Stage);
    }

    [Fact]
    public void AStaticOneRefusesAnotherSize()
    {
        GraphEntry graph = Graph("keras2/rank/loss/float32/true[d0]-pred[d0,1]/default");
        GraphRun run = Oracle.Run(graph, Feed(("y_true", Counting(TensorDType.Float32, 2)), ("y_pred", Counting(TensorDType.Float32, 2, 2))));
        Assert.Equal(GraphRunStage.Run, run.Error!.Stage);
    }

    [Fact]
    public void InputsOfAnotherDTypeOrRankAreTheCallersMistake()
    {
        GraphEntry graph = Graph("keras2/axis/function/float32/true[d0,d1]-pred[d0,d1]/axis=-1");
        TensorData y = Counting(TensorDType.Float32, 2, 2);
        Assert.Throws<ArgumentException>(() => Oracle.Run(graph, Feed(("y_true", y), ("y_pred", Counting(TensorDType.Float64, 2, 2)))));
        Assert.Throws<ArgumentException>(() => Oracle.Run(graph, Feed(("y_true", y), ("y_pred", Counting(TensorDType.Float32, 4)))));
        Assert.Throws<ArgumentException>(() => Oracle.Run(graph, Feed(("y_true", y))));
        Assert.Throws<ArgumentException>(() => Oracle.Run(graph, Feed(("y_true", y), ("y_pred", y), ("sample_weight", y))));
    }

    [Fact]
    public void SessionsAreMadeOncePerFileAndRunConcurrently()
    {
        GraphEntry[] graphs = Oracle.Manifest.Graphs.Where(g => g.Family == "axis" && g.Api == Apis.Function && g.Inputs[0].Rank == 2).ToArray();
        double[] reversed = Enumerable.Range(1, 12).Reverse().Select(i => (double)i).ToArray();
        Dictionary<string, TensorData>[] feeds = graphs.Select(g =>
            Feed(("y_true", Counting(g.DType, 3, 4)), ("y_pred", Cast(g.DType, [3, 4], reversed)))).ToArray();
        TensorData[] once = graphs.Select((g, i) => Oracle.Run(g, feeds[i]).Value!).ToArray();
        int sessions = Oracle.SessionCount;

        var again = new TensorData?[graphs.Length * 8];
        Parallel.For(0, again.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            again[i] = Oracle.Run(graphs[i % graphs.Length], feeds[i % graphs.Length]).Value);

        Assert.Equal(sessions, Oracle.SessionCount);
        for (int i = 0; i < again.Length; i++)
        {
            Assert.Equal(once[i % graphs.Length], again[i]);   // bit for bit: one thread per op, the same order
        }
    }

    [Fact]
    public void ADisposedOracleRunsNoMore()
    {
        GraphOracle oracle = GraphOracle.Open(GraphOracleFixture.Folder);
        GraphEntry graph = oracle.Manifest.Graphs[0];
        TensorData y = Counting(graph.DType, 3);
        Assert.True(oracle.Run(graph, Feed(("y_true", y), ("y_pred", y))).Succeeded);
        oracle.Dispose();
        oracle.Dispose();
        Assert.Throws<ObjectDisposedException>(() => oracle.Run(graph, Feed(("y_true", y), ("y_pred", y))));
    }

    private static TensorData Cast(TensorDType dtype, int[] shape, params double[] values) => dtype switch
    {
        TensorDType.Float16 => Halves(shape, values),
        TensorDType.Float32 => Floats(shape, values.Select(v => (float)v).ToArray()),
        _ => Doubles(shape, values),
    };
}

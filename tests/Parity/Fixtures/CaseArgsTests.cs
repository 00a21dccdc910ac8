using System;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;
using Xunit;

namespace CosineParity.Tests.Fixtures;

public sealed class CaseArgsTests
{
    [Fact]
    public void EmptyArgsTakeTheDefaults()
    {
        CaseArgs args = CaseArgs.Parse("{}");
        Assert.Null(args.Axis);
        Assert.False(args.AxisIsList);
        Assert.False(args.HasReduction);
        Assert.Null(args.Reduction);
        Assert.Null(args.Name);
        Assert.Null(args.DType);
        Assert.Null(args.InputKind);
        Assert.False(args.IsNumpyInput);
        Assert.Null(args.GlobalBatchSize);
        Assert.Null(args.Replicas);
        Assert.Null(args.Target);
        Assert.Empty(args.UnknownKeys);
        Assert.Empty(CaseArgs.Empty.Raw);
    }

    [Fact]
    public void IntegerAxisAndListAxisAreTold()
    {
        CaseArgs single = CaseArgs.Parse("{\"axis\": -1}");
        Assert.Equal([-1], single.Axis);
        Assert.False(single.AxisIsList);
        CaseArgs list = CaseArgs.Parse("{\"axis\": [1]}");
        Assert.Equal([1], list.Axis);
        Assert.True(list.AxisIsList);
        Assert.Equal([0, 2, -1], CaseArgs.Parse("{\"axis\": [0, 2, -1]}").Axis);
    }

    [Fact]
    public void NullReductionIsNotAbsentReduction()
    {
        CaseArgs none = CaseArgs.Parse("{\"reduction\": null}");
        Assert.True(none.HasReduction);
        Assert.Null(none.Reduction);
        CaseArgs sum = CaseArgs.Parse("{\"reduction\": \"sum\"}");
        Assert.True(sum.HasReduction);
        Assert.Equal("sum", sum.Reduction);
    }

    [Fact]
    public void EveryKnownKeyIsRead()
    {
        CaseArgs args = CaseArgs.Parse(
            "{\"name\": \"cos\", \"dtype\": \"float64\", \"input_kind\": \"numpy\", \"global_batch_size\": 12, \"replicas\": 2, \"target\": \"metric\", \"from_logits\": true, \"label_smoothing\": 0.1}");
        Assert.Equal("cos", args.Name);
        Assert.Equal("float64", args.DType);
        Assert.Equal("numpy", args.InputKind);
        Assert.True(args.IsNumpyInput);
        Assert.Equal(12L, args.GlobalBatchSize);
        Assert.Equal(2, args.Replicas);
        Assert.Equal("metric", args.Target);
        Assert.Equal(["from_logits", "label_smoothing"], args.UnknownKeys);
        Assert.Equal(
            "{\"name\":\"cos\",\"dtype\":\"float64\",\"input_kind\":\"numpy\",\"global_batch_size\":12,\"replicas\":2,\"target\":\"metric\",\"from_logits\":true,\"label_smoothing\":0.1}",
            args.ToString());
    }

    [Theory]
    [InlineData("{\"axis\": 1.5}", "args.axis")]
    [InlineData("{\"axis\": 1e0}", "args.axis")]
    [InlineData("{\"axis\": 3000000000}", "args.axis")]
    [InlineData("{\"axis\": [\"1\"]}", "args.axis")]
    [InlineData("{\"reduction\": false}", "args.reduction")]
    [InlineData("{\"dtype\": 64}", "args.dtype")]
    [InlineData("{\"target\": null}", "args.target")]
    [InlineData("{\"replicas\": -2}", "args.replicas")]
    [InlineData("{\"global_batch_size\": \"4\"}", "args.global_batch_size")]
    [InlineData("{\"input_kind\": \"NUMPY\"}", "args.input_kind")]
    public void WrongJsonTypeOfAKnownKeyIsRefused(string json, string key)
    {
        Assert.False(CaseArgs.TryCreate(JsonNode.Parse(json)!.AsObject(), out _, out string? problem));
        Assert.StartsWith(key + ":", problem, StringComparison.Ordinal);
        var e = Assert.Throws<ArgumentException>(() => CaseArgs.Parse(json));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgsMadeInMemoryWork()
    {
        var raw = new JsonObject { ["axis"] = new JsonArray(1, 2), ["reduction"] = null, ["global_batch_size"] = 8L };
        CaseArgs args = CaseArgs.Create(raw);
        Assert.Equal([1, 2], args.Axis);
        Assert.True(args.HasReduction);
        Assert.Equal(8L, args.GlobalBatchSize);
        raw["axis"] = 0;   // the args keep their own copy
        Assert.Equal("[1,2]", args.Raw["axis"]!.ToJsonString());
    }

    [Fact]
    public void ArgsMustBeAnObject() => Assert.Throws<ArgumentException>(() => CaseArgs.Parse("[1]"));
}

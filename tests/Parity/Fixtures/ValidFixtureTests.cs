using System;
using System.Linq;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fixtures;
using Xunit;

namespace CosineParity.Tests.Fixtures;

/// <summary>The small valid fixture reads into the model it describes, and every dtype decodes bit for bit.</summary>
public sealed class ValidFixtureTests : IDisposable
{
    private readonly FixtureBuilder _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private FixtureSet Read() => FixtureReader.ReadProfile(_fixture.Write());

    private static ParityCase Case(FixtureSet set, string suffix) => set.Cases.Single(c => c.Id == $"keras2/{suffix}");

    private static TensorData Input(ParityCase c, string name) => Assert.IsType<TensorInput>(c.Inputs[name]).Tensor;

    [Fact]
    public void ReadsEveryCaseInOrder()
    {
        FixtureSet set = Read();
        Assert.Equal("keras2", set.Profile);
        Assert.Equal(_fixture.Folder, set.Directory);
        Assert.Equal("2.21.0", (string?)set.Provenance["tensorflow"]);
        Assert.Equal(
            ["keras2/loss/000000", "keras2/function/000000", "keras2/function/000001", "keras2/metric/000000",
             "keras2/average-loss/000000", "keras2/config/000000"],
            set.Cases.Select(c => c.Id));
        Assert.Equal(["loss", "function", "function", "metric", "compute_average_loss", "config"], set.Cases.Select(c => c.Api));
    }

    [Fact]
    public void LossCaseHasItsInputsExpectedValueAndGradients()
    {
        ParityCase loss = Case(Read(), "loss/000000");
        Assert.Equal("special", loss.Group);
        Assert.Equal("float32", loss.DType);
        Assert.Equal(["zero-rows", "tiny-norm"], loss.Tags);
        Assert.Equal([-1], loss.Args.Axis);
        Assert.False(loss.Args.AxisIsList);
        Assert.True(loss.Args.HasReduction);
        Assert.Equal("sum_over_batch_size", loss.Args.Reduction);
        Assert.Equal([2, 3], Input(loss, "y_true").Shape);
        Assert.Equal([true, false], Input(loss, "mask").ToArray<bool>());
        ScalarInput weight = Assert.IsType<ScalarInput>(loss.Inputs["sample_weight"]);
        Assert.Equal(2.0, weight.Value);
        Assert.True(weight.IsInteger);

        Assert.Equal(ExpectedKind.Value, loss.Expected.Kind);
        ExpectedNumber value = loss.Expected.Value!;
        Assert.Equal(-0.5f, value.Value.AsSpan<float>()[0]);
        Assert.Equal(0, value.Value.Rank);
        Assert.Equal(1, value.Value.ElementCount);
        Assert.Equal([-0.5], value.Exact!.ToDoubles());
        Assert.Equal([1e-7], value.Bound!.ToDoubles());

        Assert.Equal(["y_true", "y_pred"], loss.Gradients.Keys);
        Assert.Equal([0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f], loss.Gradients["y_pred"].ToArray<float>());
        Assert.Equal(["y_true", "y_pred"], loss.Expected.Gradients.Keys);
        Assert.Equal(double.PositiveInfinity, loss.Expected.Gradients["y_true"].Bound.ToDoubles()[5]);
        Assert.Empty(loss.Steps);
    }

    [Fact]
    public void ErrorConfigAndEmptyCases()
    {
        FixtureSet set = Read();
        ParityCase error = Case(set, "function/000000");
        Assert.Equal(new CaseError("InvalidArgumentError", "Incompatible shapes: [2,2] vs. [3]"), error.Expected.Error);
        Assert.Null(error.Expected.Value);
        Assert.Empty(error.Gradients);
        Assert.Empty(error.Tags);
        Assert.Equal([0, 1], error.Args.Axis);
        Assert.True(error.Args.AxisIsList);
        Assert.False(error.Args.HasReduction);

        ParityCase empty = Case(set, "function/000001");
        Assert.Equal([0, 4], Input(empty, "y_true").Shape);
        Assert.Equal(0, Input(empty, "y_true").ElementCount);
        Assert.Empty(Input(empty, "y_true").ToDoubles());
        Assert.Equal([0], empty.Expected.Value!.Value.Shape);
        Assert.Null(empty.Args.Axis);

        ParityCase config = Case(set, "config/000000");
        Assert.Equal(ExpectedKind.Config, config.Expected.Kind);
        Assert.Equal(["name", "reduction", "axis", "fn"], config.Expected.Config!.Select(p => p.Key));
        Assert.Equal(-1, (int)config.Expected.Config!["axis"]!);
        Assert.Equal("loss", config.Args.Target);
        Assert.Equal(["from_logits"], config.Args.UnknownKeys);
        Assert.Empty(config.Inputs);
        Assert.Equal("", config.DType);
    }

    [Fact]
    public void MetricStepsKeepTheirOrderAndValues()
    {
        ParityCase metric = Case(Read(), "metric/000000");
        Assert.Empty(metric.Inputs);
        Assert.Equal([false, true, false], metric.Steps.Select(s => s.Reset));
        Assert.Same(MetricStep.ResetState, metric.Steps[1]);
        ScalarInput weight = Assert.IsType<ScalarInput>(metric.Steps[0].Inputs["sample_weight"]);
        Assert.Equal(0.5, weight.Value);
        Assert.False(weight.IsInteger);
        Assert.Equal(0.25f, metric.Steps[0].Value!.Value.AsSpan<float>()[0]);
        Assert.Equal([1.0], metric.Steps[2].Value!.Exact!.ToDoubles());
        Assert.Equal([1.0], metric.Expected.Value!.Exact!.ToDoubles());
    }

    [Fact]
    public void GlobalBatchSizeIsRead()
    {
        ParityCase average = Case(Read(), "average-loss/000000");
        Assert.Equal(4L, average.Args.GlobalBatchSize);
        Assert.Equal(["per_example_loss", "sample_weight"], average.Inputs.Keys);
    }

    // Decoding: each dtype's bytes come back as written, through Bytes, ToArray, AsSpan and ToDoubles.

    [Fact]
    public void Float32DecodesBitForBit()
    {
        TensorData tensor = Input(Case(Read(), "loss/000000"), "y_true");
        Assert.Equal(TensorDType.Float32, tensor.DType);
        Assert.Equal(TensorSpec.F32Bits("x", [], FixtureBuilder.YTrueBits).Data, tensor.Bytes.ToArray());
        Assert.Equal(FixtureBuilder.YTrueBits, tensor.ToArray<float>().Select(BitConverter.SingleToUInt32Bits));
        Assert.Equal(FixtureBuilder.YTrueBits, tensor.AsSpan<float>().ToArray().Select(BitConverter.SingleToUInt32Bits));
        double[] wide = tensor.ToDoubles();
        Assert.True(double.IsNaN(wide[0]));
        Assert.Equal(0x8000_0000_0000_0000UL, BitConverter.DoubleToUInt64Bits(wide[1]));   // -0.0 keeps its sign
        Assert.Equal(Math.Pow(2, -149), wide[2]);   // the smallest float32 subnormal, not flushed
        Assert.Equal(double.PositiveInfinity, wide[3]);
        Assert.Equal([1.0, -0.5], wide[4..]);
    }

    [Fact]
    public void BFloat16DecodesBitForBit()
    {
        TensorData tensor = Input(Case(Read(), "function/000000"), "y_true");
        Assert.Equal(TensorDType.BFloat16, tensor.DType);
        Assert.Equal(FixtureBuilder.BFloat16Bits, tensor.ToArray<BFloat16>().Select(b => b.RawBits));
        Assert.Equal(FixtureBuilder.BFloat16Bits, tensor.AsSpan<BFloat16>().ToArray().Select(b => b.RawBits));
        double[] wide = tensor.ToDoubles();
        Assert.True(double.IsNaN(wide[0]));
        Assert.Equal(0x8000_0000_0000_0000UL, BitConverter.DoubleToUInt64Bits(wide[1]));
        Assert.Equal(Math.Pow(2, -133), wide[2]);   // the smallest bfloat16 subnormal
        Assert.Equal(1.0, wide[3]);
    }

    [Fact]
    public void Float16DecodesBitForBit()
    {
        MetricStep step = Case(Read(), "metric/000000").Steps[0];
        TensorData tensor = Assert.IsType<TensorInput>(step.Inputs["y_true"]).Tensor;
        Assert.Equal(TensorDType.Float16, tensor.DType);
        Assert.Equal(FixtureBuilder.Float16Bits, tensor.ToArray<Half>().Select(BitConverter.HalfToUInt16Bits));
        double[] wide = tensor.ToDoubles();
        Assert.True(double.IsNaN(wide[0]));
        Assert.Equal(0x8000_0000_0000_0000UL, BitConverter.DoubleToUInt64Bits(wide[1]));
        TensorData pred = Assert.IsType<TensorInput>(step.Inputs["y_pred"]).Tensor;
        Assert.Equal([Math.Pow(2, -24), 1.0], pred.ToDoubles());   // the smallest float16 subnormal
    }

    [Fact]
    public void Float64DecodesBitForBit()
    {
        TensorData tensor = Input(Case(Read(), "average-loss/000000"), "per_example_loss");
        Assert.Equal(TensorDType.Float64, tensor.DType);
        Assert.Equal(FixtureBuilder.Float64Bits, tensor.ToArray<double>().Select(BitConverter.DoubleToUInt64Bits));
        Assert.Equal(FixtureBuilder.Float64Bits, tensor.ToDoubles().Select(BitConverter.DoubleToUInt64Bits));   // NaN payload too
        Assert.Equal(double.Epsilon, tensor.AsSpan<double>()[2]);
    }

    [Fact]
    public void Int64AndBoolDecode()
    {
        ParityCase average = Case(Read(), "average-loss/000000");
        TensorData weights = Input(average, "sample_weight");
        Assert.Equal(TensorDType.Int64, weights.DType);
        Assert.Equal(FixtureBuilder.Int64Values, weights.ToArray<long>());
        // long.MaxValue has no exact double: ToDoubles refuses rather than round.
        var e = Assert.Throws<InvalidOperationException>(() => weights.ToDoubles());
        Assert.Contains("element 3", e.Message, StringComparison.Ordinal);

        TensorData mask = Input(Case(Read(), "loss/000000"), "mask");
        Assert.Equal([1.0, 0.0], mask.ToDoubles());
        Assert.Equal([(byte)1, (byte)0], mask.Bytes.ToArray());
    }

    [Fact]
    public void TensorsOfOneFileShareItsBuffer()
    {
        ParityCase loss = Case(Read(), "loss/000000");
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(Input(loss, "y_true").Bytes, out ArraySegment<byte> a));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(Input(loss, "y_pred").Bytes, out ArraySegment<byte> b));
        Assert.Same(a.Array, b.Array);
    }

    [Fact]
    public void HeaderWithoutPaddingOrMetadataReads()
    {
        _fixture.PadHeader = false;
        _fixture.Metadata = null;
        _fixture.EditHeaderText = text => text + "       ";   // odd padding: spaces of any count are allowed
        Assert.Equal(6, Read().Cases.Count);
    }

    [Fact]
    public void ReadOfAFolderOfProfilesSkipsOtherFolders()
    {
        _fixture.Write();
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(_fixture.Root, "graphs"));
        System.IO.File.WriteAllText(System.IO.Path.Combine(_fixture.Root, "graphs", "manifest.json"), "{\"format\": \"cosine-parity-graphs/1\"}");
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(_fixture.Root, "notes"));
        Assert.Equal(["keras2"], FixtureReader.Read(_fixture.Root).Select(s => s.Profile));
        Assert.Equal(["keras2"], FixtureReader.Read(_fixture.Folder).Select(s => s.Profile));
    }
}

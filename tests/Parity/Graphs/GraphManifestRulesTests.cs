using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Graphs;
using Xunit;

namespace CosineParity.Tests.Graphs;

/// <summary>Each rule of the graph manifest (fixtures/README.md, "Graphs (ONNX)"), broken once in an otherwise valid
/// copy of a cut of the real folder.</summary>
public sealed class GraphManifestRulesTests : IDisposable
{
    private const string First = "graphs[0] ('" + GraphFixtureBuilder.AxisGraph + "')";

    private readonly GraphFixtureBuilder _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private JsonObject Entry => _fixture.FirstGraph;

    private JsonObject EntryValidation => Entry["validation"]!.AsObject();

    [Fact]
    public void TheCutCopyReads()
    {
        GraphManifest manifest = GraphManifestReader.Read(_fixture.Write());
        Assert.Equal(3, manifest.Graphs.Count);
        Assert.Equal(GraphFixtureBuilder.AxisGraph, manifest.Graphs[0].Id);
        Assert.Equal(manifest.Files.Count, manifest.Graphs.Select(g => g.File).Distinct().Count());
    }

    // ---- the document -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("\"cosine-parity-graphs/2\"")]
    [InlineData("\"cosine-parity/1\"")]
    [InlineData("1")]
    public void FormatMustBeCosineParityGraphs1(string format)
    {
        _fixture.Manifest["format"] = JsonNode.Parse(format);
        GraphAssert.ManifestRejected(_fixture, $"format is {format}", "\"cosine-parity-graphs/1\"");
    }

    [Fact]
    public void FormatMustBePresent()
    {
        _fixture.Manifest.Remove("format");
        GraphAssert.ManifestRejected(_fixture, "format is missing");
    }

    [Fact]
    public void ManifestMustBeAnObject()
    {
        _fixture.EditManifestText = _ => "[]";
        GraphAssert.ManifestRejected(_fixture, "not a JSON object");
    }

    [Fact]
    public void ManifestMustExist()
    {
        string folder = _fixture.Write();
        File.Delete(_fixture.ManifestPath);
        var e = Assert.Throws<Oracle.Fixtures.FixtureFormatException>(() => GraphManifestReader.Read(folder));
        Assert.Equal(_fixture.ManifestPath, e.File);
    }

    [Fact]
    public void UnknownTopLevelFieldIsRefused()
    {
        _fixture.Manifest["comment"] = "hi";
        GraphAssert.ManifestRejected(_fixture, "unknown top-level field 'comment'");
    }

    [Theory]
    [InlineData("provenance")]
    [InlineData("opset")]
    [InlineData("output")]
    [InlineData("rewrites")]
    [InlineData("session")]
    [InlineData("causes")]
    [InlineData("validation")]
    [InlineData("files")]
    [InlineData("graphs")]
    [InlineData("failed")]
    public void EveryTopLevelFieldIsRequired(string field)
    {
        _fixture.Manifest.Remove(field);
        GraphAssert.ManifestRejected(_fixture, $"lacks the top-level field '{field}'");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void NonFiniteLiteralsAreNotJson(string literal)
    {
        _fixture.EditManifestText = text => text.Replace("\"max_difference\":", $"\"max_difference\":{literal},\"x\":", StringComparison.Ordinal);
        GraphAssert.ManifestRejected(_fixture, "the manifest is not strict JSON");
    }

    [Fact]
    public void RepeatedKeysAreRefused()
    {
        _fixture.EditManifestText = text => text.Replace("\"opset\":17", "\"opset\":17,\"opset\":17", StringComparison.Ordinal);
        GraphAssert.ManifestRejected(_fixture, "repeats the key 'opset'");
    }

    [Fact]
    public void AByteOrderMarkIsRefused()
    {
        _fixture.EditManifestText = text => "\uFEFF" + text;
        GraphAssert.ManifestRejected(_fixture, "byte order mark");
    }

    // ---- provenance, opset, output, rewrites, session, causes, validation settings ------------------------------

    [Theory]
    [InlineData("seed")]
    [InlineData("tf2onnx")]
    [InlineData("onnx")]
    [InlineData("onnxruntime")]
    public void ProvenanceMustHoldTheContractKeys(string key)
    {
        _fixture.Manifest["provenance"]!.AsObject().Remove(key);
        GraphAssert.ManifestRejected(_fixture, $"provenance: lacks {key}");
    }

    [Fact]
    public void ProvenanceVersionsAreStrings()
    {
        _fixture.Manifest["provenance"]!["onnxruntime"] = 1.31;
        GraphAssert.ManifestRejected(_fixture, "provenance.onnxruntime: is 1.31, not a string");
    }

    [Fact]
    public void OpsetMustBe17()
    {
        _fixture.Manifest["opset"] = 18;
        GraphAssert.ManifestRejected(_fixture, "opset: is 18, outside [17, 17]");
    }

    [Fact]
    public void OutputMustBeValue()
    {
        _fixture.Manifest["output"] = "loss";
        GraphAssert.ManifestRejected(_fixture, "output: is \"loss\", not \"value\"");
    }

    [Fact]
    public void AnUnknownRewriteIsRefused()
    {
        _fixture.Manifest["rewrites"]!.AsArray().Add("fold_constants: something else");
        GraphAssert.ManifestRejected(_fixture, "rewrites[3]: 'fold_constants' is not a rewrite of format 1");
    }

    [Fact]
    public void EveryRewriteMustBeListed()
    {
        _fixture.Manifest["rewrites"]!.AsArray().RemoveAt(1);
        GraphAssert.ManifestRejected(_fixture, "rewrites: lacks explicit_float16");
    }

    [Fact]
    public void ARewriteSaysWhatItDoes()
    {
        _fixture.Manifest["rewrites"]![0] = "nonnegative_axes";
        GraphAssert.ManifestRejected(_fixture, "rewrites[0]: \"nonnegative_axes\" is not \"<name>: <what it does>\"");
    }

    [Fact]
    public void ARewriteIsListedOnce()
    {
        _fixture.Manifest["rewrites"]!.AsArray().Add("canonical: again");
        GraphAssert.ManifestRejected(_fixture, "rewrites[3]: names the rewrite 'canonical' twice");
    }

    [Fact]
    public void TheSessionRunsOnTheCpu()
    {
        _fixture.Manifest["session"]!["provider"] = "CUDAExecutionProvider";
        GraphAssert.ManifestRejected(_fixture, "session.provider: is \"CUDAExecutionProvider\", not \"CPUExecutionProvider\"");
    }

    [Fact]
    public void TheOptimizationLevelIsOneOfOnnxRuntimes()
    {
        _fixture.Manifest["session"]!["graph_optimization_level"] = "ORT_ENABLE_MOST (the default)";
        GraphAssert.ManifestRejected(_fixture, "session.graph_optimization_level: \"ORT_ENABLE_MOST (the default)\" does not start with an ONNX Runtime optimization level");
    }

    [Fact]
    public void TheSessionHasAtLeastOneThread()
    {
        _fixture.Manifest["session"]!["intra_op_num_threads"] = 0;
        GraphAssert.ManifestRejected(_fixture, "session.intra_op_num_threads: is 0, outside [1, 1024]");
    }

    [Fact]
    public void TheSessionHasNoOtherSetting()
    {
        _fixture.Manifest["session"]!["inter_op_num_threads"] = 1;
        GraphAssert.ManifestRejected(_fixture, "session: unknown field 'inter_op_num_threads'");
    }

    [Fact]
    public void CausesMustDefineUnexplained()
    {
        _fixture.Manifest["causes"]!.AsObject().Remove("unexplained");
        GraphAssert.ManifestRejected(_fixture, "causes: lacks 'unexplained'");
    }

    [Fact]
    public void ACauseHasText()
    {
        _fixture.Manifest["causes"]!["signed-zero-sum"] = "";
        GraphAssert.ManifestRejected(_fixture, "causes.signed-zero-sum: is an empty string");
    }

    [Fact]
    public void ValidationSettingsAreComplete()
    {
        _fixture.Manifest["validation"]!.AsObject().Remove("bound_tolerance");
        GraphAssert.ManifestRejected(_fixture, "validation: lacks bound_tolerance");
    }

    [Fact]
    public void ValidationToleranceIsPositive()
    {
        _fixture.Manifest["validation"]!["bound_tolerance"] = 0;
        GraphAssert.ManifestRejected(_fixture, "validation.bound_tolerance: is 0, not a positive tolerance");
    }

    [Fact]
    public void InputsPerGraphIsAnInteger()
    {
        _fixture.EditManifestText = text => text.Replace("\"inputs_per_graph\":24", "\"inputs_per_graph\":24.0", StringComparison.Ordinal);
        GraphAssert.ManifestRejected(_fixture, "validation.inputs_per_graph: is 24.0, not an integer");
    }

    [Fact]
    public void FailingClassesAreDifferenceClasses()
    {
        _fixture.Manifest["validation"]!["failing_classes"]!.AsArray().Add("wrong");
        GraphAssert.ManifestRejected(_fixture, "validation.failing_classes: 'wrong' is not a difference class");
    }

    // ---- files ---------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("../0123456789abcdef.onnx", "it holds a path separator")]
    [InlineData("sub/0123456789abcdef.onnx", "it holds a path separator")]
    [InlineData("..0123456789abcdef.onnx", "it holds '..'")]
    [InlineData("/tmp/0123456789abcdef.onnx", "it holds a path separator")]
    [InlineData("C:0123456789abcdef.onnx", "it is rooted or names a drive")]
    [InlineData(".0123456789abcdef.onnx", "it starts with '.'")]
    [InlineData("0123456789abcdef.onnx\u0001", "it holds control characters")]
    [InlineData("0123456789abcdef.safetensors", "it does not end in .onnx")]
    [InlineData("0123456789ABCDEF.onnx", "it is not 16 lowercase hex digits and .onnx")]
    [InlineData("", "it is empty")]
    public void FileNamesCannotLeaveTheFolder(string name, string problem)
    {
        _fixture.Manifest["files"]![name] = new string('a', 64);
        GraphAssert.ManifestRejected(_fixture, "is not a plain graph file name of the graphs folder", problem);
    }

    [Fact]
    public void ADigestIsLowercaseHexSha256()
    {
        string file = _fixture.FirstFile;
        _fixture.Manifest["files"]![file] = _fixture.Manifest["files"]![file]!.GetValue<string>().ToUpperInvariant();
        GraphAssert.ManifestRejected(_fixture, $"files.{file}:", "is not a lowercase hex SHA-256 digest");
    }

    [Fact]
    public void AFileIsNamedByItsDigest()
    {
        string file = _fixture.FirstFile;
        string digest = _fixture.Manifest["files"]![file]!.GetValue<string>();
        _fixture.Manifest["files"]![file] = new string('0', 16) + digest[16..];
        GraphAssert.ManifestRejected(_fixture, $"files.{file}: a graph file is named by the first 16 hex digits of its SHA-256");
    }

    [Fact]
    public void AListedFileMustExist()
    {
        _fixture.OmitFiles.Add(_fixture.FirstFile);
        GraphAssert.Rejected(_fixture, _fixture.FirstFile, "is listed in the manifest's files but does not exist");
    }

    [Fact]
    public void AFileMustHaveItsDigest()
    {
        _fixture.EditFile[_fixture.FirstFile] = bytes => [.. bytes, 0];
        GraphAssert.Rejected(_fixture, _fixture.FirstFile, "differs from the manifest's");
    }

    [Fact]
    public void AStrayGraphFileIsRefused()
    {
        _fixture.ExtraFiles["ffffffffffffffff.onnx"] = [1, 2, 3];
        GraphAssert.Rejected(_fixture, "ffffffffffffffff.onnx", "a graph file in the graphs folder that the manifest's files does not list");
    }

    [Fact]
    public void EveryListedFileBelongsToAGraph()
    {
        string file = (string)Entry["file"]!;
        _fixture.Graphs.RemoveAt(0);
        GraphAssert.ManifestRejected(_fixture, $"files: '{file}' is used by no graph entry");
    }

    [Fact]
    public void AGraphFileIsAtMost8MiB()
    {
        string big = new string('b', 16) + ".onnx";
        string digest = new string('b', 64);
        _fixture.Manifest["files"]![big] = digest;
        var clone = (JsonObject)Entry.DeepClone();
        clone["file"] = big;
        clone["sha256"] = digest;
        clone["id"] = ((string)clone["id"]!).Replace("axis=0", "axis=-1", StringComparison.Ordinal);
        clone["args"]!["axis"] = -1;
        _fixture.Graphs.Add(clone);
        _fixture.ExtraFiles[big] = new byte[GraphManifestReader.MaxGraphFileBytes + 1];
        GraphAssert.Rejected(_fixture, big, "more than the 8388608 (8 MiB) a graph file may hold");
    }

    // ---- graph entries -------------------------------------------------------------------------------------------

    [Fact]
    public void AnEntryHasNoUnknownField()
    {
        Entry["comment"] = "hi";
        GraphAssert.ManifestRejected(_fixture, $"{First}: unknown field 'comment'");
    }

    [Theory]
    [InlineData("dims_not_one")]
    [InlineData("opset")]
    [InlineData("validation")]
    public void AnEntryHasEveryField(string field)
    {
        Entry.Remove(field);
        GraphAssert.ManifestRejected(_fixture, $"{First}: lacks {field}");
    }

    [Fact]
    public void IdsAreUnique()
    {
        _fixture.Graphs.Add(Entry.DeepClone());
        GraphAssert.ManifestRejected(_fixture, "graphs[3]", "is the id of an earlier entry");
    }

    [Fact]
    public void TheIdSpellsTheCall()
    {
        Entry["id"] = GraphFixtureBuilder.AxisGraph.Replace("axis=0", "axis=1", StringComparison.Ordinal);
        GraphAssert.ManifestRejected(_fixture, "does not spell the entry's call, '" + GraphFixtureBuilder.AxisGraph + "'");
    }

    [Theory]
    [InlineData("profile", "keras4", "is not one of keras2, keras3")]
    [InlineData("family", "weights", "is not one of axis, reduction, rank, loss-dtype, mask")]
    [InlineData("api", "metric", "is not loss or function")]
    [InlineData("dtype", "bfloat16", "'bfloat16' is not one of float16, float32, float64")]
    public void TheCallIsOneOfTheGrid(string field, string value, string problem)
    {
        Entry[field] = value;
        GraphAssert.ManifestRejected(_fixture, $"{First}.{field}: ", problem);
    }

    [Fact]
    public void ArgsAreThoseAGraphIsMadeWith()
    {
        Entry["args"]!["from_logits"] = true;
        GraphAssert.ManifestRejected(_fixture, $"{First}.args: 'from_logits' is not an argument a loss graph is made with");
    }

    [Fact]
    public void AReductionIsOneOfTheProfiles()
    {
        Entry["args"]!["reduction"] = "mean";
        GraphAssert.ManifestRejected(_fixture, $"{First}.args.reduction: \"mean\" is not a reduction of keras2");
    }

    [Fact]
    public void ArgsAreTypedAsInCases()
    {
        Entry["args"]!["axis"] = "0";
        GraphAssert.ManifestRejected(_fixture, $"{First}.args: args.axis:");
    }

    [Fact]
    public void InputsComeInOrder()
    {
        JsonArray inputs = Entry["inputs"]!.AsArray();
        JsonNode yTrue = inputs[0]!;
        inputs.RemoveAt(0);
        inputs.Add(yTrue);
        GraphAssert.ManifestRejected(_fixture, $"{First}.inputs[0].name: \"y_pred\" out of place");
    }

    [Fact]
    public void AnInputHasTheEntrysDType()
    {
        Entry["inputs"]![1]!["dtype"] = "float32";
        GraphAssert.ManifestRejected(_fixture, $"{First}.inputs[1].dtype: is float32", "the entry's dtype, float16");
    }

    [Fact]
    public void OnlyTheMaskFamilyTakesAMask()
    {
        Entry["inputs"]!.AsArray().Add(JsonNode.Parse("""{"name":"mask","dtype":"bool","rank":1,"shape":["d0"]}"""));
        GraphAssert.ManifestRejected(_fixture, $"{First}.inputs[2].name: only graphs of the mask family take a mask");
    }

    [Fact]
    public void TheRankIsTheShapesLength()
    {
        Entry["inputs"]![0]!["rank"] = 2;
        GraphAssert.ManifestRejected(_fixture, $"{First}.inputs[0].shape: has 1 dims, not rank 2");
    }

    [Theory]
    [InlineData("2")]
    [InlineData("1.0")]
    [InlineData("\"\"")]
    [InlineData("null")]
    public void ADimIsANameOrTheStaticOne(string dim)
    {
        _fixture.EditManifestText = text => text.Replace("\"shape\":[\"d0\"]", $"\"shape\":[{dim}]", StringComparison.Ordinal);
        GraphAssert.ManifestRejected(_fixture, $"{First}.inputs[0].shape[0]: ");
    }

    [Fact]
    public void DimsNotOneAreDimsOfTheInputs()
    {
        Entry["dims_not_one"] = new JsonArray("d7");
        GraphAssert.ManifestRejected(_fixture, $"{First}.dims_not_one: 'd7' is not a dynamic dim of the inputs (d0)");
    }

    [Fact]
    public void TheFileIsListed()
    {
        Entry["file"] = "0000000000000000.onnx";
        GraphAssert.ManifestRejected(_fixture, $"{First}.file: '0000000000000000.onnx' is not among the manifest's files");
    }

    [Fact]
    public void TheEntrysDigestIsTheFiles()
    {
        Entry["sha256"] = new string('0', 64);
        GraphAssert.ManifestRejected(_fixture, $"{First}.sha256: ", "differs from the digest files lists");
    }

    [Fact]
    public void TheOutputIsTheManifests()
    {
        Entry["output"]!["name"] = "loss";
        GraphAssert.ManifestRejected(_fixture, $"{First}.output.name: is \"loss\", not the manifest's output \"value\"");
    }

    [Fact]
    public void TheOutputRankIsAtMostTheInputs()
    {
        Entry["output"]!["rank"] = 2;
        GraphAssert.ManifestRejected(_fixture, $"{First}.output.rank: is 2, outside [0, 1]");
    }

    [Fact]
    public void TheEntrysOpsetIsTheManifests()
    {
        Entry["opset"] = 13;
        GraphAssert.ManifestRejected(_fixture, $"{First}.opset: is 13, not the manifest's opset 17");
    }

    [Fact]
    public void ValidationRanTheSettingsInputs()
    {
        EntryValidation["inputs"] = 23;
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.inputs: is 23, not the validation's inputs_per_graph 24");
    }

    [Fact]
    public void ValidationCountsAreAtMostTheInputs()
    {
        EntryValidation["identical"] = 25;
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.identical: is 25, outside [0, 24]");
    }

    [Fact]
    public void TheMeasureIsBoundOrRelative()
    {
        EntryValidation["measure"] = "ulp";
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.measure: \"ulp\" is not one of bound, relative");
    }

    [Fact]
    public void PassedFollowsFromTheDifferences()
    {
        EntryValidation["passed"] = false;
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.passed: is false, but no failing class is unexplained");
    }

    [Fact]
    public void AnUnexplainedFailingClassFailsTheGraph()
    {
        EntryValidation["known_differences"]![0]!["class"] = "value";
        EntryValidation["known_differences"]![0]!["cause"] = "unexplained";
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.passed: is true, but a failing class is unexplained");
    }

    [Fact]
    public void ADifferenceClassIsKnown()
    {
        EntryValidation["known_differences"]![0]!["class"] = "bits";
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.known_differences[0].class: \"bits\" is not a difference class");
    }

    [Fact]
    public void ADifferencesCauseIsACause()
    {
        EntryValidation["known_differences"]![0]!["cause"] = "cosmic-rays";
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.known_differences[0].cause: 'cosmic-rays' is not a key of causes");
    }

    [Fact]
    public void ADifferencesValueClassesAreTheSettings()
    {
        EntryValidation["known_differences"]![0]!["value_classes"]!.AsArray().Add("gigantic");
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.known_differences[0].value_classes: 'gigantic' is not among the validation's value_classes");
    }

    [Fact]
    public void AnExamplesShapesAreTheGraphsInputs()
    {
        EntryValidation["known_differences"]![0]!["example"]!["shapes"]!["mask"] = new JsonArray(3);
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.known_differences[0].example.shapes.mask: is not an input of the graph");
    }

    [Fact]
    public void AnExamplesShapeHasTheInputsRank()
    {
        EntryValidation["known_differences"]![0]!["example"]!["shapes"]!["y_true"] = new JsonArray(3, 2);
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.known_differences[0].example.shapes.y_true: has 2 dims, but the input has rank 1");
    }

    [Fact]
    public void ADifferenceIsListedOnce()
    {
        JsonArray differences = EntryValidation["known_differences"]!.AsArray();
        differences.Add(differences[0]!.DeepClone());
        GraphAssert.ManifestRejected(_fixture, $"{First}.validation.known_differences: lists the class 'signed-zero' with the cause 'signed-zero-sum' twice");
    }

    // ---- failed --------------------------------------------------------------------------------------------------

    [Fact]
    public void AFailedGridPointReads()
    {
        _fixture.Manifest["failed"]!.AsArray().Add(FailedPoint("convert"));
        GraphManifest manifest = GraphManifestReader.Read(_fixture.Write());
        FailedGraph failed = Assert.Single(manifest.Failed);
        Assert.Equal(("convert", "tf2onnx could not convert BroadcastGradientArgs"), (failed.Stage, failed.Reason));
    }

    [Fact]
    public void AFailedGridPointFailedAtAStage()
    {
        _fixture.Manifest["failed"]!.AsArray().Add(FailedPoint("run"));
        GraphAssert.ManifestRejected(_fixture, "failed[0] ('keras2/axis/function/float16/true[d0]-pred[d0]/axis=0').stage: \"run\" is not one of trace, convert, load");
    }

    [Fact]
    public void AFailedGridPointIdIsUniqueAcrossGraphs()
    {
        JsonObject point = FailedPoint("trace");
        point["id"] = GraphFixtureBuilder.AxisGraph;
        point["api"] = "loss";
        _fixture.Manifest["failed"]!.AsArray().Add(point);
        GraphAssert.ManifestRejected(_fixture, "failed[0]", "is the id of an earlier entry (ids are unique across graphs and failed)");
    }

    [Fact]
    public void AFailedGridPointSaysWhy()
    {
        JsonObject point = FailedPoint("load");
        point.Remove("reason");
        _fixture.Manifest["failed"]!.AsArray().Add(point);
        GraphAssert.ManifestRejected(_fixture, "failed[0] ('keras2/axis/function/float16/true[d0]-pred[d0]/axis=0'): lacks reason");
    }

    private static JsonObject FailedPoint(string stage) => JsonNode.Parse($$"""
        {"id":"keras2/axis/function/float16/true[d0]-pred[d0]/axis=0","profile":"keras2","family":"axis","api":"function",
         "dtype":"float16","args":{"axis":0},
         "inputs":[{"name":"y_true","dtype":"float16","rank":1,"shape":["d0"]},{"name":"y_pred","dtype":"float16","rank":1,"shape":["d0"]}],
         "dims_not_one":[],"stage":"{{stage}}","reason":"tf2onnx could not convert BroadcastGradientArgs"}
        """)!.AsObject();
}

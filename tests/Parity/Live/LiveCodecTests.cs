using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Live;
using CosineParity.Tests.Parity;
using Xunit;
using Xunit.Abstractions;

namespace CosineParity.Tests.Live;

/// <summary>The wire codec against the recorded session: every request reads as the server read it and re-encodes to
/// the same JSON value, every answer decodes into the case model, and malformed answers are garbage, not crashes.</summary>
public sealed class LiveCodecTests(ITestOutputHelper output)
{
    private static readonly string[] WantOrder = ["gradients", "exact"];

    [Fact]
    public void The_codec_refuses_exactly_the_requests_the_server_refused_with_its_messages()
    {
        int decoded = 0, refused = 0, sameMessage = 0;
        foreach (TranscriptExchange exchange in ServeTranscript.Exchanges)
        {
            Assert.True(LiveCodec.TryDecodeAnswer(exchange.Answer, out LiveAnswer? answer, out string? garbage), $"{exchange}: {garbage}");
            bool read = LiveCodec.TryDecodeRequest(exchange.Request, out LiveRequest? request, out string? problem);
            if (answer.IsProtocolError)
            {
                Assert.False(read, $"{exchange}: the server said '{answer.ProtocolError}', the codec read a case");
                refused++;
                // The JSON parsers word syntax errors differently; every other message is the server's own.
                if (!answer.ProtocolError!.StartsWith("request is not valid JSON", StringComparison.Ordinal))
                {
                    Assert.Equal(answer.ProtocolError, problem);
                    sameMessage++;
                }
            }
            else
            {
                Assert.True(read, $"{exchange}: the server answered, the codec refused: {problem}");
                Assert.True(LiveCodec.IdsMatch(request!.EchoId, answer.Id), $"{exchange}: echo {request.EchoId?.ToJsonString()} vs {answer.Id?.ToJsonString()}");
                decoded++;
            }
        }

        int blank = ServeTranscript.RequestLines.Count(line => !LiveCodec.TryDecodeRequest(line, out _, out string? why) && why!.Contains("blank", StringComparison.Ordinal));
        output.WriteLine($"{decoded} requests read, {refused} refused ({sameMessage} with the server's message), {blank} blank");
        Assert.Equal((152, 10, 9, 1), (decoded, refused, sameMessage, blank));
    }

    [Fact]
    public void Every_request_re_encodes_to_the_same_json_value()
    {
        int identical = 0, count = 0;
        foreach (TranscriptExchange exchange in ServeTranscript.Exchanges)
        {
            if (!LiveCodec.TryDecodeRequest(exchange.Request, out LiveRequest? request, out _))
            {
                continue;
            }

            count++;
            string original = Encoding.UTF8.GetString(exchange.Request);
            using JsonDocument expected = JsonDocument.Parse(WithServerDefaults(original));
            using JsonDocument actual = JsonDocument.Parse(request.Line);
            Assert.True(JsonEquivalence.Same(expected.RootElement, actual.RootElement), $"{exchange}:\n{original}\n{request.Line}");
            if (request.Line == original)
            {
                identical++;
            }
            else
            {
                output.WriteLine($"{exchange} is re-encoded with other bytes:\n  {original}\n  {request.Line}");
            }


            // And the re-encoded line reads back to itself.
            Assert.True(LiveCodec.TryDecodeRequest(request.Utf8Line, out LiveRequest? again, out string? problem), problem);
            Assert.Equal(request.Line, again.Line);
        }

        output.WriteLine($"{count} requests re-encoded to the same JSON value, {identical} byte for byte");
        Assert.Equal(152, count);
        // All but the one request written by hand with spaces and without args ("id": true).
        Assert.Equal(151, identical);
    }

    [Fact]
    public void Every_answer_decodes_and_fits_its_question()
    {
        Assert.True(LiveCodec.TryDecodeHello(ServeTranscript.AnswerLines[0], out LiveHello? hello, out string? problem), problem);
        Assert.Equal(("cosine-parity/1", "2.21.0"), (hello.Format, hello.Provenance["tensorflow"]!.GetValue<string>()));
        Assert.Equal(Profiles.All, hello.Profiles);

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Count(string what) => counts[what] = counts.GetValueOrDefault(what) + 1;
        foreach (TranscriptExchange exchange in ServeTranscript.Exchanges)
        {
            Assert.True(LiveCodec.TryDecodeAnswer(exchange.Answer, out LiveAnswer? answer, out string? garbage), $"{exchange}: {garbage}");
            if (answer.IsProtocolError)
            {
                Count("protocol_error");
                continue;
            }

            Assert.True(LiveCodec.TryDecodeRequest(exchange.Request, out LiveRequest? request, out _));
            Assert.True(answer.TryComplete(request.Case!, out ParityCase? answered, out string? misfit), $"{exchange}: {misfit}");
            CaseExpected expected = answered.Expected;
            Count(expected.Kind.ToString());
            if (expected.Value?.Exact is not null)
            {
                Count("with exact");
            }

            if (answered.Gradients.Count > 0)
            {
                Count("with gradients");
            }

            if (answer.Steps is not null)
            {
                Count("metric run");
                Assert.All(answered.Steps, step => Assert.Equal(step.Reset, step.Value is null));
            }
        }

        output.WriteLine(string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}")));
        // The transcript's README: 113 values (54 with exact/bound, 25 with gradients, 28 metric runs), 23 TF errors,
        // 16 configs, 10 protocol errors.
        Assert.Equal(113, counts["Value"]);
        Assert.Equal(54, counts["with exact"]);
        Assert.Equal(25, counts["with gradients"]);
        Assert.Equal(28, counts["metric run"]);
        Assert.Equal(23, counts["Error"]);
        Assert.Equal(16, counts["Config"]);
        Assert.Equal(10, counts["protocol_error"]);
    }

    public static TheoryData<string, string> Garbage() => new()
    {
        { "", "not strict JSON" },
        { "{\"id\": 1, \"expected\": {\"value\": ", "not strict JSON" },
        { "not json at all", "not strict JSON" },
        { "[1, 2]", "not a JSON object" },
        { "{\"id\": 1, \"id\": 2, \"protocol_error\": \"x\"}", "repeats the key" },
        { "{\"expected\": {\"config\": {}}}", "no id" },
        { "{\"id\": 1.5, \"expected\": {\"config\": {}}}", "neither a string" },
        { "{\"id\": true, \"expected\": {\"config\": {}}}", "neither a string" },
        { "{\"id\": 1}", "neither an expected" },
        { "{\"id\": 1, \"protocol_error\": 5}", "not a string" },
        { "{\"id\": 1, \"protocol_error\": \"x\", \"expected\": {\"config\": {}}}", "only id and protocol_error" },
        { "{\"id\": 1, \"answer\": {}}", "unknown answer key" },
        { "{\"id\": 1, \"expected\": {}}", "exactly one" },
        { "{\"id\": 1, \"expected\": {\"config\": {}, \"error\": {\"type\": \"E\", \"message\": \"m\"}}}", "exactly one" },
        { "{\"id\": 1, \"expected\": {\"error\": {\"type\": \"E\"}}}", "expected.error is" },
        { "{\"id\": 1, \"expected\": {\"config\": [1]}}", "not an object" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAA\"}, \"extra\": 1}}", "unknown key" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [1], \"data\": \"AAA=\"}}}", "base64 data of 4 characters" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [1], \"data\": \"AA==AA\"}}}", "cannot hold" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [1], \"data\": \"AAA=AAAA\"}}}", "not valid base64" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [1], \"data\": \"AAAA AA=\"}}}", "base64" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"complex64\", \"shape\": [], \"data\": \"AAAAAAAAAAA=\"}}}", "unknown dtype" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [-1], \"data\": \"\"}}}", "non-negative" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [1.0], \"data\": \"AAAAAA==\"}}}", "non-negative" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [5000, 5000], \"data\": \"\"}}}", "at most 16777216" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"bool\", \"shape\": [1], \"data\": \"Ag==\"}}}", "bool byte" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\", \"x\": 1}}}", "exactly \"dtype\"" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}, \"exact\": {\"dtype\": \"float64\", \"shape\": [], \"data\": \"AAAAAAAAAAA=\"}}}", "exact without bound" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}, \"exact\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}, \"bound\": {\"dtype\": \"float64\", \"shape\": [], \"data\": \"AAAAAAAAAAA=\"}}}", "must be float64" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}, \"exact\": {\"dtype\": \"float64\", \"shape\": [1], \"data\": \"AAAAAAAAAAA=\"}, \"bound\": {\"dtype\": \"float64\", \"shape\": [], \"data\": \"AAAAAAAAAAA=\"}}}", "has shape [1]" },
        // A bound of -1.0 and one of NaN.
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}, \"exact\": {\"dtype\": \"float64\", \"shape\": [], \"data\": \"AAAAAAAAAAA=\"}, \"bound\": {\"dtype\": \"float64\", \"shape\": [], \"data\": \"AAAAAAAA8L8=\"}}}", "never negative or NaN" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}, \"exact\": {\"dtype\": \"float64\", \"shape\": [], \"data\": \"AAAAAAAAAAA=\"}, \"bound\": {\"dtype\": \"float64\", \"shape\": [], \"data\": \"AAAAAAAA+H8=\"}}}", "never negative or NaN" },
        { "{\"id\": 1, \"expected\": {\"error\": {\"type\": \"E\", \"message\": \"m\"}}, \"gradients\": {\"y_pred\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}}}", "belong to an expected value" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}}, \"gradients\": {\"y_pred\": {\"dtype\": \"int64\", \"shape\": [], \"data\": \"AAAAAAAAAAA=\"}}}", "floating-point" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}, \"gradients\": {\"y_true\": {\"exact\": {\"dtype\": \"float64\", \"shape\": [], \"data\": \"AAAAAAAAAAA=\"}, \"bound\": {\"dtype\": \"float64\", \"shape\": [], \"data\": \"AAAAAAAAAAA=\"}}}}}", "no gradients.y_true" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}}, \"steps\": []}", "non-empty list" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}}, \"steps\": [{\"reset\": 1}]}", "reset step" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}}, \"steps\": [{}]}", "no value" },
        { "{\"id\": 1, \"expected\": {\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}}, \"steps\": [{\"value\": {\"dtype\": \"float32\", \"shape\": [], \"data\": \"AAAAAA==\"}, \"inputs\": {}}]}", "unknown key" },
        { "{\"id\": 1, \"expected\": {\"error\": {\"type\": \"E\", \"message\": \"m\"}}, \"steps\": [{\"reset\": true}]}", "steps belong" },
        { "{\"id\": 1, \"expected\": {\"config\": {\"x\": NaN}}}", "not strict JSON" },
        { "{\"id\": 1, \"expected\": {\"config\": {}}} trailing", "not strict JSON" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void A_malformed_answer_is_garbage_with_a_reason(string line, string reason)
    {
        Assert.False(LiveCodec.TryDecodeAnswer(Encoding.UTF8.GetBytes(line), out LiveAnswer? answer, out string? problem));
        Assert.Null(answer);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_or_start_with_a_bom_are_garbage()
    {
        Assert.False(LiveCodec.TryDecodeAnswer(new byte[] { (byte)'"', 0xff, (byte)'"' }, out _, out string? invalid));
        Assert.Contains("UTF-8", invalid, StringComparison.Ordinal);
        byte[] withBom = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("{\"id\":1,\"protocol_error\":\"x\"}")];
        Assert.False(LiveCodec.TryDecodeAnswer(withBom, out _, out string? bom));
        Assert.Contains("byte order mark", bom, StringComparison.Ordinal);
    }

    [Fact]
    public void An_answer_that_does_not_fit_its_question_is_named()
    {
        ParityCase loss = Question("loss");
        LiveAnswer config = Decode("{\"id\":1,\"expected\":{\"config\":{}}}");
        Assert.False(config.TryComplete(loss, out _, out string? misfit));
        Assert.Contains("config answer", misfit, StringComparison.Ordinal);
        LiveAnswer steps = Decode("{\"id\":1,\"expected\":{\"value\":{\"dtype\":\"float32\",\"shape\":[],\"data\":\"AAAAAA==\"}},\"steps\":[{\"reset\":true}]}");
        Assert.False(steps.TryComplete(loss, out _, out misfit));
        Assert.Contains("step values", misfit, StringComparison.Ordinal);
        LiveAnswer gradient = Decode("{\"id\":1,\"expected\":{\"value\":{\"dtype\":\"float32\",\"shape\":[],\"data\":\"AAAAAA==\"}},\"gradients\":{\"y_pred\":{\"dtype\":\"float64\",\"shape\":[2],\"data\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}}}");
        Assert.False(gradient.TryComplete(loss, out _, out misfit));
        Assert.Contains("dtype and shape", misfit, StringComparison.Ordinal);
    }

    [Fact]
    public void Fixture_cases_of_every_kind_survive_the_request_line()
    {
        // Per api, and the inputs that need care: masks, scalar weights (int and float), metric resets, tags, numpy.
        ParityCase[] cases = FixtureCatalog.All
            .GroupBy(c => (c.Profile, c.Api, Mask: c.Inputs.ContainsKey("mask"), Scalar: c.Inputs.GetValueOrDefault("sample_weight") is ScalarInput s ? s.IsInteger : (bool?)null,
                Reset: c.Steps.Any(step => step.Reset), Tags: c.Tags.Count > 0, c.Args.IsNumpyInput))
            .Select(g => g.First())
            .ToArray();
        Assert.True(cases.Length >= 20, $"{cases.Length} kinds");
        foreach (ParityCase question in cases)
        {
            foreach (LiveWants want in new[] { LiveWants.None, LiveWants.Gradients | LiveWants.Exact })
            {
                LiveRequest request = LiveRequest.For(question, want);
                Assert.True(LiveCodec.TryDecodeRequest(request.Utf8Line, out LiveRequest? read, out string? problem), $"{question.Id}: {problem}\n{request.Line}");
                ParityCase back = read.Case!;
                Assert.Equal((question.Id, question.Profile, question.Group, question.Api, question.DType, question.Args.ToString(), want),
                    (back.Id, back.Profile, back.Group, back.Api, back.DType, back.Args.ToString(), read.Want));
                Assert.Equal(question.Tags, back.Tags);
                Assert.Equal(question.Inputs, back.Inputs);
                Assert.Equal(question.Steps.Select(s => (s.Reset, Inputs(s.Inputs))), back.Steps.Select(s => (s.Reset, Inputs(s.Inputs))));
                Assert.Same(LiveRequest.Unanswered, back.Expected);
                Assert.Equal(request.Line, read.Line);
            }
        }

        output.WriteLine($"{cases.Length} kinds of fixture cases round-tripped");
    }

    [Fact]
    public void Scalars_keep_python_int_and_float_apart()
    {
        Assert.Equal("2", LiveRequestScalar(new ScalarInput(2, true)));
        Assert.Equal("2.0", LiveRequestScalar(new ScalarInput(2, false)));
        Assert.Equal("2.3", LiveRequestScalar(new ScalarInput(2.3, false)));
        Assert.Equal("1E-07", LiveRequestScalar(new ScalarInput(1e-7, false)));
    }

    [Fact]
    public void Raw_lines_are_single_and_not_blank_and_echo_as_the_server_does()
    {
        Assert.Throws<ArgumentException>(() => LiveRequest.FromLine("   "));
        Assert.Throws<ArgumentException>(() => LiveRequest.FromLine(""));
        Assert.Throws<ArgumentException>(() => LiveRequest.FromLine("{\"id\": 1}\n{\"id\": 2}"));
        Assert.Equal("\"b1\"", LiveRequest.FromLine("{\"id\": \"b1\", \"profile\": \"keras9\"}").EchoId!.ToJsonString());
        Assert.Equal("7", LiveRequest.FromLine("{\"id\": 7}").EchoId!.ToJsonString());
        Assert.Null(LiveRequest.FromLine("{\"id\": true}").EchoId);   // Python's bool is an int to the case, not an id to echo
        Assert.Null(LiveRequest.FromLine("{not json").EchoId);
        Assert.Null(LiveRequest.FromLine("[1, 2]").EchoId);
        Assert.Equal("{\"id\": 7}\n", Encoding.UTF8.GetString(LiveRequest.FromLine("{\"id\": 7}").Utf8Line.Span));
    }

    [Fact]
    public void Ids_match_by_kind_and_value()
    {
        Assert.True(LiveCodec.IdsMatch(null, null));
        Assert.True(LiveCodec.IdsMatch(JsonValue.Create("a"), JsonValue.Create("a")));
        Assert.True(LiveCodec.IdsMatch(JsonValue.Create(12), (JsonValue)JsonNode.Parse("12")!));
        Assert.False(LiveCodec.IdsMatch(JsonValue.Create("12"), JsonValue.Create(12)));
        Assert.False(LiveCodec.IdsMatch(JsonValue.Create("a"), null));
        Assert.False(LiveCodec.IdsMatch(null, JsonValue.Create("a")));
        Assert.False(LiveCodec.IdsMatch(JsonValue.Create(1), JsonValue.Create(2)));
    }

    /// <summary>The original line with what the server reads into it by default spelled out the way the codec writes it.</summary>
    private static string WithServerDefaults(string line)
    {
        JsonObject request = JsonNode.Parse(line)!.AsObject();
        request["args"] ??= new JsonObject();
        if (request["want"] is JsonArray want)
        {
            string[] names = want.Select(w => w!.GetValue<string>()).ToArray();
            request.Remove("want");
            if (names.Length > 0)
            {
                request["want"] = new JsonArray(WantOrder.Where(names.Contains).Select(n => (JsonNode)n).ToArray());
            }
        }

        if (request["inputs"] is JsonObject { Count: 0 })
        {
            request.Remove("inputs");
        }

        return request.ToJsonString();
    }

    private static string LiveRequestScalar(ScalarInput scalar)
    {
        ParityCase question = Question(Apis.Loss) with
        {
            Inputs = new Dictionary<string, CaseInput>(Question(Apis.Loss).Inputs) { ["sample_weight"] = scalar },
        };
        using JsonDocument line = JsonDocument.Parse(LiveRequest.For(question).Line);
        return line.RootElement.GetProperty("inputs").GetProperty("sample_weight").GetProperty("scalar").GetRawText();
    }

    private static ParityCase Question(string api)
    {
        TensorData pair = TensorData.Create<float>([1f, 2f], [2]);
        return new ParityCase("q", Profiles.Keras3, "live", api, "float32", CaseArgs.Empty,
            new Dictionary<string, CaseInput> { ["y_true"] = new TensorInput(pair), ["y_pred"] = new TensorInput(pair) },
            LiveRequest.Unanswered, new Dictionary<string, TensorData>(), [], []);
    }

    private static LiveAnswer Decode(string line) =>
        LiveCodec.TryDecodeAnswer(Encoding.UTF8.GetBytes(line), out LiveAnswer? answer, out string? problem) ? answer : throw new InvalidOperationException(problem);

    private static string Inputs(IReadOnlyDictionary<string, CaseInput> inputs) =>
        string.Join(";", inputs.Select(i => $"{i.Key}={(i.Value is TensorInput t ? Convert.ToBase64String(t.Tensor.Bytes.Span) + t.Tensor : i.Value.ToString())}"));
}

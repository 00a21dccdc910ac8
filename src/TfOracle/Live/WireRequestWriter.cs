using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Live;

/// <summary>
/// Encodes a question as one compact request line with only keys the server accepts, in the order the recorded
/// session uses: <c>id</c>, <c>profile</c>, <c>api</c>, <c>args</c>, <c>inputs</c> (when there are any), <c>steps</c>
/// (metric), <c>want</c> (when not empty); then the labels that do not change the answer where they differ from the
/// server's defaults: <c>group</c> (not <c>"live"</c>), <c>dtype</c> (not empty), <c>tags</c> (not empty).
/// </summary>
internal static class WireRequestWriter
{
    /// <summary>The server's <c>group</c> for a request without one.</summary>
    public const string DefaultGroup = "live";

    // Relaxed: the line goes to a JSON reader, never into HTML; non-ASCII stays UTF-8, which the server reads.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>The line, UTF-8, ending in <c>\n</c>.</summary>
    public static byte[] Write(ParityCase question, LiveWants want, JsonValue? id)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            if (id is not null)
            {
                writer.WritePropertyName("id");
                id.WriteTo(writer);
            }

            writer.WriteString("profile", question.Profile);
            writer.WriteString("api", question.Api);
            writer.WritePropertyName("args");
            question.Args.Raw.WriteTo(writer);
            if (question.Inputs.Count > 0)
            {
                writer.WritePropertyName("inputs");
                WriteInputs(writer, question.Inputs);
            }

            if (question.Api == Apis.Metric || question.Steps.Count > 0)
            {
                WriteSteps(writer, question.Steps);
            }

            if (want != LiveWants.None)
            {
                writer.WriteStartArray("want");
                if (want.HasFlag(LiveWants.Gradients))
                {
                    writer.WriteStringValue("gradients");
                }

                if (want.HasFlag(LiveWants.Exact))
                {
                    writer.WriteStringValue("exact");
                }

                writer.WriteEndArray();
            }

            if (question.Group != DefaultGroup)
            {
                writer.WriteString("group", question.Group);
            }

            if (question.DType.Length > 0)
            {
                writer.WriteString("dtype", question.DType);
            }

            if (question.Tags.Count > 0)
            {
                writer.WriteStartArray("tags");
                foreach (string tag in question.Tags)
                {
                    writer.WriteStringValue(tag);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        byte[] line = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(line);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>A number as a JSON literal that keeps Python's int/float distinction (<c>2</c> vs <c>2.0</c>).</summary>
    public static string ScalarLiteral(ScalarInput scalar)
    {
        if (scalar.IsInteger)
        {
            return scalar.ToString();
        }

        string text = scalar.Value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', System.StringComparison.Ordinal) || text.Contains('E', System.StringComparison.Ordinal) ? text : text + ".0";
    }

    private static void WriteSteps(Utf8JsonWriter writer, IReadOnlyList<MetricStep> steps)
    {
        writer.WriteStartArray("steps");
        foreach (MetricStep step in steps)
        {
            writer.WriteStartObject();
            if (step.Reset)
            {
                writer.WriteBoolean("reset", true);
            }
            else
            {
                writer.WritePropertyName("inputs");
                WriteInputs(writer, step.Inputs);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteInputs(Utf8JsonWriter writer, IReadOnlyDictionary<string, CaseInput> inputs)
    {
        writer.WriteStartObject();
        foreach ((string name, CaseInput input) in inputs)
        {
            writer.WritePropertyName(name);
            switch (input)
            {
                case TensorInput tensor:
                    WireTensors.Write(writer, tensor.Tensor);
                    break;
                case ScalarInput scalar:
                    writer.WriteStartObject();
                    writer.WritePropertyName("scalar");
                    writer.WriteRawValue(ScalarLiteral(scalar), skipInputValidation: true);
                    writer.WriteEndObject();
                    break;
                default:
                    throw new System.ArgumentException($"input {name}: unknown input kind {input.GetType().Name}", nameof(inputs));
            }
        }

        writer.WriteEndObject();
    }
}

using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace CosineParity.Tests.Fixtures;

/// <summary>Each rule of the safetensors layout, broken once in the array file of an otherwise valid fixture (the
/// digest in the manifest follows the corrupted bytes, so the layout check is what must catch it).</summary>
public sealed class ArrayFileRulesTests : IDisposable
{
    private const string File = FixtureBuilder.ArrayFileName;
    private const string YTrue = "keras2/loss/000000/inputs/y_true";

    private readonly FixtureBuilder _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static JsonObject Entry(JsonObject header, string name) => header[name]!.AsObject();

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void FileMustHoldTheHeaderLength(int length)
    {
        _fixture.EditFile = bytes => bytes[..length];
        FixtureAssert.Rejected(_fixture, File, $"{length} bytes, shorter than the 8-byte header length");
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(ulong.MaxValue - 7)]
    [InlineData(1UL << 63)]
    [InlineData((ulong)int.MaxValue + 1)]
    public void HugeHeaderLengthIsRefusedWithoutOverflow(ulong headerLength)
    {
        _fixture.EditFile = bytes =>
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
            return bytes;
        };
        FixtureAssert.Rejected(_fixture, File, $"header length {headerLength} runs past the end of the file");
    }

    [Fact]
    public void HeaderLengthOneByteTooLongIsRefused()
    {
        _fixture.EditFile = bytes =>
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)bytes.Length - 7);
            return bytes;
        };
        FixtureAssert.Rejected(_fixture, File, "runs past the end of the file");
    }

    [Fact]
    public void HeaderMustBeAnObject()
    {
        _fixture.EditHeaderText = _ => "[1, 2]";
        FixtureAssert.Rejected(_fixture, File, "the header is not a JSON object followed only by space padding");
    }

    [Fact]
    public void HeaderPaddingIsSpacesOnly()
    {
        _fixture.EditHeaderText = text => text + "\n";
        FixtureAssert.Rejected(_fixture, File, "followed only by space padding");
    }

    [Fact]
    public void HeaderMustBeStrictJson()
    {
        _fixture.EditHeaderText = text => text.Replace("\"F32\"", "'F32'", StringComparison.Ordinal);
        FixtureAssert.Rejected(_fixture, File, "the header is not strict JSON");
    }

    [Fact]
    public void HeaderMustNotRepeatATensor()
    {
        _fixture.EditHeaderText = text => "{\"" + YTrue + "\": {}, " + text[1..];
        FixtureAssert.Rejected(_fixture, File, $"the header repeats the key '{YTrue}'");
    }

    [Fact]
    public void HeaderMustBeUtf8()
    {
        _fixture.EditFile = bytes =>
        {
            int at = bytes.AsSpan().IndexOf("\"F32\""u8);
            bytes[at + 1] = 0xC0;
            return bytes;
        };
        FixtureAssert.Rejected(_fixture, File, "the header is not valid UTF-8");
    }

    [Fact]
    public void MetadataMapsStringsToStrings()
    {
        _fixture.EditHeader = header => header["__metadata__"]!["format"] = 1;
        FixtureAssert.Rejected(_fixture, File, "__metadata__ entry 'format' is 1, not a string");
    }

    [Fact]
    public void DTypeMustBeKnown()
    {
        _fixture.EditHeader = header => Entry(header, YTrue)["dtype"] = "F8";
        FixtureAssert.Rejected(_fixture, File, $"tensor '{YTrue}'", "dtype \"F8\" is not one of F16, BF16, F32, F64, I64, BOOL");
    }

    [Fact]
    public void DTypeCodesAreCaseSensitive()
    {
        _fixture.EditHeader = header => Entry(header, YTrue)["dtype"] = "f32";
        FixtureAssert.Rejected(_fixture, File, "dtype \"f32\" is not one of");
    }

    [Theory]
    [InlineData("[2, -3]")]
    [InlineData("[2, 3.0]")]
    [InlineData("[2, \"3\"]")]
    [InlineData("6")]
    [InlineData("[2, 3000000000]")]
    public void ShapeMustBeNonNegativeIntegers(string shape)
    {
        _fixture.EditHeader = header => Entry(header, YTrue)["shape"] = JsonNode.Parse(shape);
        FixtureAssert.Rejected(_fixture, File, $"tensor '{YTrue}'", "is not a list of non-negative integers");
    }

    [Theory]
    [InlineData("[24, 0]")]
    [InlineData("[-24, 0]")]
    [InlineData("[0]")]
    [InlineData("[0, 24, 48]")]
    [InlineData("[0, 2.4e1]")]
    [InlineData("[0, 99999999999999999999]")]
    public void DataOffsetsMustBeStartAndEnd(string offsets)
    {
        _fixture.EditHeader = header => Entry(header, YTrue)["data_offsets"] = JsonNode.Parse(offsets);
        FixtureAssert.Rejected(_fixture, File, $"tensor '{YTrue}'", "is not [start, end] with integers 0 <= start <= end");
    }

    [Fact]
    public void HeaderEntryHasExactlyItsThreeFields()
    {
        _fixture.EditHeader = header => Entry(header, YTrue)["strides"] = new JsonArray(3, 1);
        FixtureAssert.Rejected(_fixture, File, "unknown header field 'strides'");
    }

    [Fact]
    public void HeaderEntryNeedsAllThreeFields()
    {
        _fixture.EditHeader = header => Entry(header, YTrue).Remove("shape");
        FixtureAssert.Rejected(_fixture, File, "lacks one of dtype, shape and data_offsets");
    }

    [Fact]
    public void SpanMustBeTheShapeTimesTheElementSize()
    {
        _fixture.EditHeader = header => Entry(header, YTrue)["shape"] = new JsonArray(2, 2);
        FixtureAssert.Rejected(_fixture, File, $"tensor '{YTrue}'", "span 24 bytes, but shape [2, 2] of F32 needs 16");
    }

    [Fact]
    public void HugeShapeOverflowsCleanly()
    {
        _fixture.EditHeader = header => Entry(header, YTrue)["shape"] = new JsonArray(int.MaxValue, int.MaxValue, int.MaxValue);
        FixtureAssert.Rejected(_fixture, File, $"tensor '{YTrue}'", "is too large for any file");
    }

    [Fact]
    public void Bfloat16OfOddByteLengthIsRefused()
    {
        // The function case's y_true: BF16 [2, 2], 8 bytes. Take one byte from it and give it to y_pred's span,
        // so the tiling stays exact and only the size rule can catch it.
        const string BTrue = "keras2/function/000000/inputs/y_true";
        const string BPred = "keras2/function/000000/inputs/y_pred";
        _fixture.EditHeader = header =>
        {
            JsonArray trueOffsets = Entry(header, BTrue)["data_offsets"]!.AsArray();
            long end = (long)trueOffsets[1]! - 1;
            trueOffsets[1] = end;
            Entry(header, BPred)["data_offsets"]!.AsArray()[0] = end;
        };
        FixtureAssert.Rejected(_fixture, File, $"tensor '{BTrue}'", "span 7 bytes, not a whole number of 2-byte BF16 elements");
    }

    [Fact]
    public void TensorsMustStartAtTheBeginningOfTheData()
    {
        _fixture.EditHeader = header => ShiftAll(header, 8);
        _fixture.EditFile = bytes => [.. bytes, .. new byte[8]];
        FixtureAssert.Rejected(_fixture, File, $"tensor '{YTrue}'", "start at byte 8, leaving a gap after byte 0");
    }

    [Fact]
    public void GapBetweenTensorsIsRefused()
    {
        // Everything after y_true moves 4 bytes on; 4 spare bytes at the end keep the total length right.
        _fixture.EditHeader = header => ShiftAll(header, 4, after: YTrue);
        _fixture.EditFile = bytes => [.. bytes, .. new byte[4]];
        FixtureAssert.Rejected(_fixture, File, "tensor 'keras2/loss/000000/inputs/y_pred'", "start at byte 28, leaving a gap after byte 24");
    }

    [Fact]
    public void OverlappingTensorsAreRefused()
    {
        const string YPred = "keras2/loss/000000/inputs/y_pred";
        _fixture.EditHeader = header => Entry(header, YPred)["data_offsets"] = new JsonArray(20, 44);
        FixtureAssert.Rejected(_fixture, File, $"tensor '{YPred}'", "overlap the tensor before, which ends at byte 24");
    }

    [Fact]
    public void BytesLeftOverAfterTheLastTensorAreRefused()
    {
        _fixture.EditFile = bytes => [.. bytes, 0, 0, 0];
        FixtureAssert.Rejected(_fixture, File, "bytes are left over");
    }

    [Fact]
    public void TensorPastTheEndOfTheDataIsRefused()
    {
        _fixture.EditFile = bytes => bytes[..^8];   // the last tensor, an F64 scalar, loses its bytes
        FixtureAssert.Rejected(_fixture, File, "run past the end of the");
    }

    [Fact]
    public void BoolBytesAreZeroOrOne()
    {
        _fixture.Tensors[2] = _fixture.Tensors[2] with { Data = [1, 2] };
        FixtureAssert.Rejected(_fixture, File, "tensor 'keras2/loss/000000/inputs/mask'", "a BOOL byte is neither 0 nor 1");
    }

    [Fact]
    public void EveryTensorMustBeReferenced()
    {
        _fixture.Tensors.Add(TensorSpec.F32("keras2/orphan", [1], 1f));
        FixtureAssert.Rejected(_fixture, File, "tensor 'keras2/orphan'", "no case references it");
    }

    /// <summary>Moves the offsets of every tensor (or every one after <paramref name="after"/>) by <paramref name="by"/>.</summary>
    private static void ShiftAll(JsonObject header, long by, string? after = null)
    {
        bool shifting = after is null;
        foreach ((string name, JsonNode? entry) in header.ToArray())
        {
            if (name == "__metadata__")
            {
                continue;
            }

            if (shifting)
            {
                JsonArray offsets = entry!["data_offsets"]!.AsArray();
                offsets[0] = (long)offsets[0]! + by;
                offsets[1] = (long)offsets[1]! + by;
            }

            shifting |= name == after;
        }
    }
}

using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Fixtures;

/// <summary>
/// One safetensors array file, checked strictly and decoded: 8 bytes of header length <c>N</c> (u64 little-endian),
/// <c>N</c> bytes of JSON header (an object, optionally padded with trailing spaces), then the data, which the
/// tensors tile exactly. The tensors slice the file's one buffer; nothing is copied.
/// </summary>
internal sealed class ArrayFile
{
    private ArrayFile(string name, string path, Dictionary<string, ArrayTensor> tensors)
    {
        Name = name;
        Path = path;
        Tensors = tensors;
    }

    /// <summary>The file name as the manifest lists it.</summary>
    public string Name { get; }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The tensors by name, in header order.</summary>
    public Dictionary<string, ArrayTensor> Tensors { get; }

    /// <summary>Checks and decodes a whole array file.</summary>
    /// <param name="name">The name in the manifest.</param>
    /// <param name="path">The path, for messages.</param>
    /// <param name="data">The file's bytes; the tensors keep slices of them.</param>
    /// <exception cref="FixtureFormatException">The file is not a valid safetensors file of the format.</exception>
    public static ArrayFile Parse(string name, string path, byte[] data)
    {
        if (data.Length < 8)
        {
            throw Fail(path, $"{data.Length} bytes, shorter than the 8-byte header length");
        }

        // Compared as unsigned before any conversion: a length near 2^64 must not wrap or be allocated.
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength > (ulong)(data.Length - 8))
        {
            throw Fail(path, $"header length {headerLength} runs past the end of the file ({data.Length} bytes)");
        }

        int dataStart = 8 + (int)headerLength;
        int dataLength = data.Length - dataStart;
        ReadOnlyMemory<byte> header = TrimPadding(new ReadOnlyMemory<byte>(data, 8, (int)headerLength));
        if (header.Length == 0 || header.Span[0] != (byte)'{' || header.Span[^1] != (byte)'}')
        {
            throw Fail(path, "the header is not a JSON object followed only by space padding");
        }

        var entries = new List<HeaderEntry>();
        using (JsonDocument document = StrictJson.Parse(header, path, "the header"))
        {
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    CheckMetadata(path, property.Value);
                    continue;
                }

                entries.Add(ReadEntry(path, property.Name, property.Value, dataLength));
            }
        }

        // The layout first, then the contents: a misplaced span would otherwise show as bad BOOL bytes.
        CheckTiling(path, entries, dataLength);
        var tensors = new Dictionary<string, ArrayTensor>(entries.Count, StringComparer.Ordinal);
        foreach (HeaderEntry entry in entries)
        {
            var bytes = new ReadOnlyMemory<byte>(data, dataStart + (int)entry.Start, (int)(entry.End - entry.Start));
            if (entry.DType == TensorDType.Bool && bytes.Span.ContainsAnyExceptInRange((byte)0, (byte)1))
            {
                throw Fail(path, "a BOOL byte is neither 0 nor 1", entry.Name);
            }

            tensors.Add(entry.Name, new ArrayTensor(entry.Name, TensorData.FromCheckedBytes(entry.DType, entry.Shape, entry.Count, bytes)));
        }

        return new ArrayFile(name, path, tensors);
    }

    private static ReadOnlyMemory<byte> TrimPadding(ReadOnlyMemory<byte> header)
    {
        int length = header.Length;
        while (length > 0 && header.Span[length - 1] == (byte)' ')
        {
            length--;
        }

        return header[..length];
    }

    private static void CheckMetadata(string path, JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw Fail(path, "__metadata__ is not an object mapping strings to strings");
        }

        foreach (JsonProperty item in metadata.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail(path, $"__metadata__ entry '{item.Name}' is {item.Value.GetRawText()}, not a string");
            }
        }
    }

    private static HeaderEntry ReadEntry(
        string path, string name, JsonElement entry, int dataLength)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Fail(path, "the header entry is not an object {dtype, shape, data_offsets}", name);
        }

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (JsonProperty field in entry.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype": dtypeElement = field.Value; break;
                case "shape": shapeElement = field.Value; break;
                case "data_offsets": offsetsElement = field.Value; break;
                default: throw Fail(path, $"unknown header field '{field.Name}' (an entry has dtype, shape and data_offsets)", name);
            }
        }

        if (dtypeElement is not { } dtypeValue || shapeElement is not { } shapeValue || offsetsElement is not { } offsetsValue)
        {
            throw Fail(path, "the header entry lacks one of dtype, shape and data_offsets", name);
        }

        if (dtypeValue.ValueKind != JsonValueKind.String
            || !TensorDTypes.TryParseSafetensorsCode(dtypeValue.GetString(), out TensorDType dtype))
        {
            throw Fail(path, $"dtype {dtypeValue.GetRawText()} is not one of F16, BF16, F32, F64, I64, BOOL", name);
        }

        int[] shape = ReadShape(path, name, shapeValue);
        (long start, long end) = ReadOffsets(path, name, offsetsValue);

        // Checked long arithmetic: a shape like [2^31-1, 2^31-1, 4] must fail cleanly, not wrap to a small size.
        long count = 1;
        long size;
        try
        {
            foreach (int dim in shape)
            {
                count = checked(count * dim);
            }

            size = checked(count * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw Fail(path, $"shape {TensorData.FormatShape(shape)} of {dtype.SafetensorsCode()} is too large for any file", name);
        }

        long span = end - start;
        if (span != size)
        {
            string odd = span % dtype.ElementSize() != 0
                ? $", not a whole number of {dtype.ElementSize()}-byte {dtype.SafetensorsCode()} elements"
                : string.Empty;
            throw Fail(path, string.Create(CultureInfo.InvariantCulture,
                $"data_offsets [{start}, {end}] span {span} bytes{odd}, but shape {TensorData.FormatShape(shape)} of {dtype.SafetensorsCode()} needs {size}"),
                name);
        }

        if (end > dataLength)
        {
            throw Fail(path, string.Create(CultureInfo.InvariantCulture,
                $"data_offsets [{start}, {end}] run past the end of the {dataLength}-byte data"), name);
        }

        return new HeaderEntry(name, dtype, shape, (int)count, start, end);
    }

    private static int[] ReadShape(string path, string name, JsonElement shape)
    {
        if (shape.ValueKind == JsonValueKind.Array)
        {
            var dims = new int[shape.GetArrayLength()];
            int i = 0;
            foreach (JsonElement dim in shape.EnumerateArray())
            {
                if (!TryGetInteger(dim, out long value) || value is < 0 or > int.MaxValue)
                {
                    break;
                }

                dims[i++] = (int)value;
            }

            if (i == dims.Length)
            {
                return dims;
            }
        }

        throw Fail(path, $"shape {shape.GetRawText()} is not a list of non-negative integers", name);
    }

    private static (long Start, long End) ReadOffsets(string path, string name, JsonElement offsets)
    {
        if (offsets.ValueKind == JsonValueKind.Array && offsets.GetArrayLength() == 2
            && TryGetInteger(offsets[0], out long start) && TryGetInteger(offsets[1], out long end)
            && start >= 0 && start <= end)
        {
            return (start, end);
        }

        throw Fail(path, $"data_offsets {offsets.GetRawText()} is not [start, end] with integers 0 <= start <= end", name);
    }

    /// <summary>An integer literal (<c>2</c>, not <c>2.0</c>) in the range of <see cref="long"/>.</summary>
    private static bool TryGetInteger(JsonElement element, out long value)
    {
        value = 0;
        // The raw literal, not a copy of it: headers hold ~100,000 numbers.
        return element.ValueKind == JsonValueKind.Number
            && JsonNumbers.IsIntegerLiteral(JsonMarshal.GetRawUtf8Value(element))
            && element.TryGetInt64(out value);
    }

    /// <summary>Sorted by start, each tensor must begin where the previous ended: from 0 to the end of the data, no
    /// gap, no overlap (zero-size tensors sit anywhere between, with start = end).</summary>
    private static void CheckTiling(string path, List<HeaderEntry> entries, int dataLength)
    {
        HeaderEntry[] spans = [.. entries];
        Array.Sort(spans, (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        long cursor = 0;
        foreach ((string name, _, _, _, long start, long end) in spans)
        {
            if (start > cursor)
            {
                throw Fail(path, string.Create(CultureInfo.InvariantCulture,
                    $"data_offsets start at byte {start}, leaving a gap after byte {cursor} of the data"), name);
            }

            if (start < cursor)
            {
                throw Fail(path, string.Create(CultureInfo.InvariantCulture,
                    $"data_offsets [{start}, {end}] overlap the tensor before, which ends at byte {cursor}"), name);
            }

            cursor = end;
        }

        if (cursor != dataLength)
        {
            throw Fail(path, string.Create(CultureInfo.InvariantCulture,
                $"the tensors cover {cursor} bytes of the {dataLength}-byte data: {dataLength - cursor} bytes are left over"));
        }
    }

    private static FixtureFormatException Fail(string path, string problem, string? tensor = null) => new(path, problem, null, tensor);
}

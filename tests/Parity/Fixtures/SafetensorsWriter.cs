using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace CosineParity.Tests.Fixtures;

/// <summary>A minimal safetensors writer for tests: header JSON (tensors in the given order, data contiguous),
/// padded with spaces to a multiple of 8, then the data. Hooks let a test corrupt the header before it is written.</summary>
internal static class SafetensorsWriter
{
    /// <summary>The header object the tensors get: name to dtype, shape and data_offsets, in order.</summary>
    public static JsonObject Header(IEnumerable<TensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is not null)
        {
            var meta = new JsonObject();
            foreach ((string key, string value) in metadata)
            {
                meta[key] = value;
            }

            header["__metadata__"] = meta;
        }

        long offset = 0;
        foreach (TensorSpec tensor in tensors)
        {
            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = tensor.DType,
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + tensor.Data.Length),
            };
            offset += tensor.Data.Length;
        }

        return header;
    }

    /// <summary>A whole file from header text and data, padding the header with spaces so the data starts at a
    /// multiple of 8 (as the safetensors library writes it).</summary>
    public static byte[] Assemble(string headerJson, byte[] data, bool pad = true)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        int padding = pad ? (8 - ((8 + header.Length) % 8)) % 8 : 0;
        var file = new byte[8 + header.Length + padding + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)(header.Length + padding));
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padding).Fill((byte)' ');
        data.CopyTo(file, 8 + header.Length + padding);
        return file;
    }

    /// <summary>A valid file holding the tensors.</summary>
    public static byte[] Write(IReadOnlyList<TensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Assemble(Header(tensors, metadata).ToJsonString(), tensors.SelectMany(t => t.Data).ToArray());
}

using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CosineParity.Oracle.Cases;

/// <summary>
/// The arguments a case passed (its <c>args</c> object), spelled as Python spells them: the raw object, kept for
/// reports, and typed accessors for the known keys. An absent key was not passed and takes the library's default;
/// that is not the same as a JSON <c>null</c> (Keras 3 reads <c>reduction=None</c> as "no reduction"). Keys the format
/// does not name (an <c>errors</c> case's <c>from_logits</c>) are listed in <see cref="UnknownKeys"/>.
/// </summary>
public sealed class CaseArgs
{
    /// <summary>The keys this class reads, in the order of the fixtures README.</summary>
    public static IReadOnlyList<string> KnownKeys { get; } =
        ["axis", "reduction", "name", "dtype", "input_kind", "global_batch_size", "replicas", "target"];

    /// <summary>No arguments (<c>{}</c>).</summary>
    public static CaseArgs Empty { get; } = new(new JsonObject());

    private string? _name;
    private string? _dtype;
    private string? _target;

    private CaseArgs(JsonObject raw)
    {
        Raw = raw;
        UnknownKeys = ReadOnlyCollection<string>.Empty;
    }

    /// <summary>Reads and checks an <c>args</c> object; it is copied, so later changes to it do not show here.</summary>
    /// <param name="raw">The object.</param>
    /// <exception cref="ArgumentException">A known key has the wrong JSON type; the message says which and why.</exception>
    public static CaseArgs Create(JsonObject raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return TryCreate(raw, out CaseArgs? args, out string? problem) ? args : throw new ArgumentException(problem, nameof(raw));
    }

    /// <summary>Reads and checks <c>args</c> given as JSON text, e.g. <c>{"axis": [1, 2], "reduction": null}</c>.</summary>
    /// <param name="json">A JSON object.</param>
    /// <exception cref="ArgumentException">The text is not a JSON object, or a known key has the wrong JSON type.</exception>
    public static CaseArgs Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"args are not JSON: {e.Message}", nameof(json), e);
        }

        return node is JsonObject raw ? Create(raw) : throw new ArgumentException("args must be a JSON object", nameof(json));
    }

    /// <summary>Reads and checks an <c>args</c> object (copied, as for <see cref="Create"/>).</summary>
    /// <param name="raw">The object.</param>
    /// <param name="args">The arguments, when every known key has its JSON type.</param>
    /// <param name="problem">Otherwise what is wrong, naming the key (e.g. <c>args.axis: "1" is neither ...</c>).</param>
    /// <returns>Whether the object is valid.</returns>
    public static bool TryCreate(JsonObject raw, [NotNullWhen(true)] out CaseArgs? args, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return TryRead((JsonObject)raw.DeepClone(), out args, out problem);
    }

    /// <summary>As <see cref="TryCreate"/> but keeps <paramref name="raw"/> itself (the reader's freshly built object).</summary>
    internal static bool TryRead(JsonObject raw, [NotNullWhen(true)] out CaseArgs? args, [NotNullWhen(false)] out string? problem)
    {
        var result = new CaseArgs(raw);
        args = null;
        var unknown = new List<string>();
        foreach ((string key, JsonNode? value) in raw)
        {
            problem = key switch
            {
                "axis" => result.ReadAxis(value),
                "reduction" => result.ReadReduction(value),
                "name" => ReadString(key, value, out result._name),
                "dtype" => ReadString(key, value, out result._dtype),
                "input_kind" => result.ReadInputKind(value),
                "global_batch_size" => result.ReadGlobalBatchSize(value),
                "replicas" => result.ReadReplicas(value),
                "target" => ReadString(key, value, out result._target),
                _ => null,
            };
            if (problem is not null)
            {
                return false;
            }

            if (!IsKnown(key))
            {
                unknown.Add(key);
            }
        }

        result.UnknownKeys = unknown.Count == 0 ? ReadOnlyCollection<string>.Empty : unknown.AsReadOnly();
        args = result;
        problem = null;
        return true;
    }

    /// <summary>The <c>args</c> object as read, key order kept (for reports). Treat it as read-only: it is shared.</summary>
    public JsonObject Raw { get; }

    /// <summary>The axes the cosine reduces over, or null when <c>axis</c> was not passed (the default <c>-1</c>). A
    /// single integer becomes a one-element list; <see cref="AxisIsList"/> says which form was passed.</summary>
    public IReadOnlyList<int>? Axis { get; private set; }

    /// <summary>Whether <c>axis</c> was passed as a list (<c>[1]</c>) rather than an integer (<c>1</c>).</summary>
    public bool AxisIsList { get; private set; }

    /// <summary>Whether <c>reduction</c> was passed at all (possibly as <c>null</c>).</summary>
    public bool HasReduction { get; private set; }

    /// <summary>The reduction as spelled (<c>"sum_over_batch_size"</c>, <c>"auto"</c>, ...); null when passed as
    /// <c>null</c> (Keras 3: no reduction) or not passed (see <see cref="HasReduction"/>).</summary>
    public string? Reduction { get; private set; }

    /// <summary>The <c>name</c> passed to the constructor, or null.</summary>
    public string? Name => _name;

    /// <summary>The Keras 3 <c>dtype</c> argument (the dtype the loss computes in), or null when not passed.</summary>
    public string? DType => _dtype;

    /// <summary><c>"numpy"</c> when the inputs were numpy arrays, null when they were tensors.</summary>
    public string? InputKind { get; private set; }

    /// <summary>Whether the inputs were handed to TF as numpy arrays (<c>input_kind: "numpy"</c>).</summary>
    public bool IsNumpyInput => InputKind is not null;

    /// <summary>The <c>global_batch_size</c> of a <c>compute_average_loss</c> case, or null when not passed.</summary>
    public long? GlobalBatchSize { get; private set; }

    /// <summary>The number of <c>MirroredStrategy</c> replicas the call ran under (at least 1), or null.</summary>
    public int? Replicas { get; private set; }

    /// <summary>What a <c>config</c> case built (<c>"loss"</c> or <c>"metric"</c>), or null.</summary>
    public string? Target => _target;

    /// <summary>The keys not among <see cref="KnownKeys"/>, in their order (e.g. <c>from_logits</c>).</summary>
    public IReadOnlyList<string> UnknownKeys { get; private set; }

    /// <summary>The raw object as compact JSON.</summary>
    public override string ToString() => Raw.ToJsonString();

    private static bool IsKnown(string key)
    {
        foreach (string known in KnownKeys)
        {
            if (key == known)
            {
                return true;
            }
        }

        return false;
    }

    private string? ReadAxis(JsonNode? value)
    {
        const string Wrong = "is neither an integer nor a non-empty list of integers";
        if (value is JsonArray list)
        {
            if (list.Count == 0)
            {
                return $"args.axis: [] {Wrong}";
            }

            var axes = new int[list.Count];
            for (int i = 0; i < axes.Length; i++)
            {
                if (!TryGetInt(list[i], out axes[i]))
                {
                    return $"args.axis: {JsonNumbers.Describe(value)} {Wrong}";
                }
            }

            Axis = Array.AsReadOnly(axes);
            AxisIsList = true;
            return null;
        }

        if (!TryGetInt(value, out int axis))
        {
            return $"args.axis: {JsonNumbers.Describe(value)} {Wrong}";
        }

        Axis = Array.AsReadOnly(new[] { axis });
        return null;
    }

    private string? ReadReduction(JsonNode? value)
    {
        HasReduction = true;
        if (value is null)
        {
            return null;   // JSON null: Python None, which Keras 3 reads as "no reduction"
        }

        string? problem = ReadString("reduction", value, out string? reduction);
        Reduction = reduction;
        return problem;
    }

    private string? ReadInputKind(JsonNode? value)
    {
        string? problem = ReadString("input_kind", value, out string? kind);
        if (problem is not null)
        {
            return problem;
        }

        if (kind != "numpy")
        {
            return $"args.input_kind: \"{kind}\" is not \"numpy\" (absent means tensors)";
        }

        InputKind = kind;
        return null;
    }

    private string? ReadGlobalBatchSize(JsonNode? value)
    {
        if (!JsonNumbers.TryGetInteger(value, out long size))
        {
            return $"args.global_batch_size: {JsonNumbers.Describe(value)} is not an integer";
        }

        GlobalBatchSize = size;
        return null;
    }

    private string? ReadReplicas(JsonNode? value)
    {
        if (!TryGetInt(value, out int replicas) || replicas < 1)
        {
            return $"args.replicas: {JsonNumbers.Describe(value)} is not a positive integer";
        }

        Replicas = replicas;
        return null;
    }

    private static string? ReadString(string key, JsonNode? value, out string? text)
    {
        text = null;
        if (value is not JsonValue || value.GetValueKind() != JsonValueKind.String)
        {
            return $"args.{key}: {JsonNumbers.Describe(value)} is not a string";
        }

        text = value.GetValue<string>();
        return null;
    }

    private static bool TryGetInt(JsonNode? node, out int value)
    {
        value = 0;
        if (!JsonNumbers.TryGetInteger(node, out long wide) || wide is < int.MinValue or > int.MaxValue)
        {
            return false;
        }

        value = (int)wide;
        return true;
    }
}

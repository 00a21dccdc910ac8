using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace CosineParity.Oracle.Live;

/// <summary>The server's first line: the format it speaks, the profiles it answers for, and where its answers come
/// from (the same provenance object a fixture manifest records).</summary>
/// <param name="Format">The protocol and fixture format, <c>cosine-parity/1</c>.</param>
/// <param name="Profiles">The profiles the server answers for.</param>
/// <param name="Provenance">TensorFlow, Keras and platform versions; treat it as read-only.</param>
public sealed record LiveHello(string Format, IReadOnlyList<string> Profiles, JsonObject Provenance)
{
    /// <summary>The format this client speaks.</summary>
    public const string ExpectedFormat = "cosine-parity/1";

    /// <summary>The format.</summary>
    public string Format { get; } = Format ?? throw new ArgumentNullException(nameof(Format));

    /// <summary>The profiles.</summary>
    public IReadOnlyList<string> Profiles { get; } = Profiles ?? throw new ArgumentNullException(nameof(Profiles));

    /// <summary>The provenance.</summary>
    public JsonObject Provenance { get; } = Provenance ?? throw new ArgumentNullException(nameof(Provenance));
}

using System;
using System.Collections.Generic;

namespace CosineParity.Oracle.Fixtures;

/// <summary>
/// A fixture departs from <c>cosine-parity/1</c>. The message names the file, the case and the tensor where they
/// apply, and what is wrong, e.g. <c>/f/keras2/manifest.json: case 'keras2/x/0': tensor 'keras2/x/0/expected/exact':
/// expected.exact is F32, must be F64</c>.
/// </summary>
public sealed class FixtureFormatException : FormatException
{
    /// <summary>A fixture is malformed, for no file in particular.</summary>
    public FixtureFormatException()
        : this("the fixture does not follow cosine-parity/1")
    {
    }

    /// <summary>A fixture is malformed, as the message says.</summary>
    /// <param name="message">What is wrong.</param>
    public FixtureFormatException(string message)
        : base(message)
    {
        File = string.Empty;
        Problem = message;
    }

    /// <summary>A fixture is malformed, as the message says, found through another exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The exception that revealed it.</param>
    public FixtureFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = string.Empty;
        Problem = message;
    }

    /// <summary>A file of a fixture is malformed.</summary>
    /// <param name="file">The path of the file (the manifest, an array file, or the folder when no manifest was found).</param>
    /// <param name="problem">What is wrong, in words.</param>
    /// <param name="caseId">The case it concerns, if any.</param>
    /// <param name="tensor">The tensor it concerns, if any.</param>
    /// <param name="innerException">The exception that revealed it, if any.</param>
    public FixtureFormatException(string file, string problem, string? caseId, string? tensor = null, Exception? innerException = null)
        : base(Compose(file, problem, caseId, tensor), innerException)
    {
        File = file;
        Problem = problem;
        CaseId = caseId;
        Tensor = tensor;
    }

    /// <summary>The path of the malformed file (empty when not known).</summary>
    public string File { get; }

    /// <summary>What is wrong, without the file, case and tensor (those are in <see cref="File"/>, <see cref="CaseId"/>,
    /// <see cref="Tensor"/> and the message).</summary>
    public string Problem { get; }

    /// <summary>The id of the case concerned (or <c>cases[i]</c> before its id is known), or null.</summary>
    public string? CaseId { get; }

    /// <summary>The name of the tensor concerned, or null.</summary>
    public string? Tensor { get; }

    private static string Compose(string file, string problem, string? caseId, string? tensor)
    {
        var parts = new List<string>(4) { file };
        if (caseId is not null)
        {
            parts.Add($"case '{caseId}'");
        }

        if (tensor is not null)
        {
            parts.Add($"tensor '{tensor}'");
        }

        parts.Add(problem);
        return string.Join(": ", parts);
    }
}

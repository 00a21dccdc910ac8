using System.Collections.Generic;

namespace CosineParity.Oracle.Graphs;

/// <summary>A difference class one graph met during validation, with its cause.</summary>
/// <param name="Class">The class (<c>value</c>, <c>nan-vs-number</c>, <c>inf</c>, <c>dtype</c>, <c>shape</c>,
/// <c>ort-error</c>, <c>tf-error</c>, <c>signed-zero</c>, <c>subnormal</c>).</param>
/// <param name="Inputs">On how many of the validation inputs it was met (at least 1).</param>
/// <param name="ValueClasses">The value classes it was met in.</param>
/// <param name="Cause">The cause: a key of the manifest's <c>causes</c>.</param>
/// <param name="Example">One input where it was met.</param>
public sealed record KnownDifference(string Class, int Inputs, IReadOnlyList<string> ValueClasses, string Cause, DifferenceExample Example);

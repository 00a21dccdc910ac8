using System.Collections.Generic;

namespace CosineParity.Oracle.Cases;

/// <summary>
/// One question put to TensorFlow and its recorded answer, with every tensor resolved: read from a fixture, made by a
/// fuzzer, or carried by the wire protocol. See the fixtures README, section "Cases", for each field's meaning.
/// </summary>
/// <param name="Id">Unique within its profile, starts with <c>&lt;profile&gt;/</c>; the name for a test report.</param>
/// <param name="Profile">The Keras generation (<see cref="Profiles"/>).</param>
/// <param name="Group">Where the case comes from (<c>fuzz</c>, <c>special</c>, <c>errors</c>, ...); a label.</param>
/// <param name="Api">What was called (<see cref="Apis"/>).</param>
/// <param name="DType">The dtype name of <c>y_pred</c> as handed to TF, or what the case is about; empty for <c>config</c> cases.</param>
/// <param name="Args">The arguments passed.</param>
/// <param name="Inputs">The inputs by name (<c>y_true</c>, <c>y_pred</c>, <c>sample_weight</c>, <c>mask</c>,
/// <c>per_example_loss</c>); empty for metric and config cases. An absent input was not passed.</param>
/// <param name="Expected">What TF answered.</param>
/// <param name="Gradients">TF's recorded <c>d(sum(value))/d(input)</c> by input name, each of that input's shape and
/// dtype; empty if none were recorded.</param>
/// <param name="Steps">A metric case's steps, in order; empty for the other apis.</param>
/// <param name="Tags">Free words saying what the case probes; empty if none.</param>
public sealed record ParityCase(
    string Id,
    string Profile,
    string Group,
    string Api,
    string DType,
    CaseArgs Args,
    IReadOnlyDictionary<string, CaseInput> Inputs,
    CaseExpected Expected,
    IReadOnlyDictionary<string, TensorData> Gradients,
    IReadOnlyList<MetricStep> Steps,
    IReadOnlyList<string> Tags)
{
    /// <summary>The id, the name to put in a test report.</summary>
    public override string ToString() => Id;
}

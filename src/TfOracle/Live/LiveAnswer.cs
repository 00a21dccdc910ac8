using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Text.Json.Nodes;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Live;

/// <summary>
/// One answer line of the live oracle, checked and decoded: either a <see cref="ProtocolError"/> (the server says the
/// request is not a case) or TF's outcome in the case model: <see cref="Expected"/> (a value with, when asked for, its
/// exact value, bound and exact gradients; an error; a config), TF's <see cref="Gradients"/> and a metric's
/// <see cref="Steps"/>. <see cref="TryComplete"/> puts it into its question.
/// </summary>
public sealed class LiveAnswer
{
    internal LiveAnswer(JsonValue? id, string? protocolError, CaseExpected? expected,
        IReadOnlyDictionary<string, TensorData> gradients, IReadOnlyList<ExpectedNumber?>? steps)
    {
        Id = id;
        ProtocolError = protocolError;
        Expected = expected;
        Gradients = gradients;
        Steps = steps;
    }

    /// <summary>The id the answer echoes (a string or an integer), or null (<c>"id": null</c>).</summary>
    public JsonValue? Id { get; }

    /// <summary>The server's message when the request was not a case, else null.</summary>
    public string? ProtocolError { get; }

    /// <summary>TF's answer, or null for a protocol error.</summary>
    public CaseExpected? Expected { get; }

    /// <summary>TF's gradients by input name (asked for, and TF had float tensor inputs to differentiate); else empty.</summary>
    public IReadOnlyDictionary<string, TensorData> Gradients { get; }

    /// <summary>A metric case's value after each step (null after a reset, with exact and bound when asked for), or
    /// null when the answer has no steps (other apis, or TF raised).</summary>
    public IReadOnlyList<ExpectedNumber?>? Steps { get; }

    /// <summary>Whether the server refused the request.</summary>
    public bool IsProtocolError => ProtocolError is not null;

    /// <summary>The question with this answer: <see cref="ParityCase.Expected"/>, <see cref="ParityCase.Gradients"/>
    /// and the step values filled in, after checking that the answer fits it (its api's kind of answer, one step
    /// value per update step and none per reset, gradients of the question's float tensor inputs with their dtype
    /// and shape).</summary>
    /// <param name="question">The case asked.</param>
    /// <param name="answered">The answered case.</param>
    /// <param name="problem">Otherwise why the answer does not fit.</param>
    /// <returns>Whether it fits.</returns>
    public bool TryComplete(ParityCase question, [NotNullWhen(true)] out ParityCase? answered, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(question);
        answered = null;
        problem = Misfit(question);
        if (problem is not null)
        {
            return false;
        }

        IReadOnlyList<MetricStep> steps = question.Steps;
        if (Steps is not null)
        {
            steps = question.Steps.Select((step, i) => step.Reset ? step : MetricStep.Update(step.Inputs, Steps[i])).ToArray().AsReadOnly();
        }
        else if (question.Steps.Any(step => step.Value is not null))
        {
            steps = question.Steps.Select(step => step.Reset ? step : MetricStep.Update(step.Inputs, null)).ToArray().AsReadOnly();
        }

        answered = question with { Expected = Expected!, Gradients = Gradients, Steps = steps };
        return true;
    }

    private string? Misfit(ParityCase question)
    {
        if (Expected is null)
        {
            return $"a protocol error ({ProtocolError}) is no answer to put into a case";
        }

        bool config = Expected.Kind == ExpectedKind.Config;
        if (config != (question.Api == Apis.Config) && Expected.Kind != ExpectedKind.Error)
        {
            return $"a {Expected.Kind.ToString().ToLowerInvariant()} answer to a case of api '{question.Api}'";
        }

        if (Steps is not null)
        {
            if (question.Api != Apis.Metric)
            {
                return $"step values in the answer to a case of api '{question.Api}'";
            }

            if (Steps.Count != question.Steps.Count)
            {
                return $"{Steps.Count} step values for the {question.Steps.Count} steps asked";
            }

            for (int i = 0; i < Steps.Count; i++)
            {
                if ((Steps[i] is null) != question.Steps[i].Reset)
                {
                    return question.Steps[i].Reset ? $"steps[{i}] is a reset but the answer has a value for it" : $"steps[{i}] has no value in the answer";
                }
            }
        }
        else if (question.Api == Apis.Metric && Expected.Kind == ExpectedKind.Value)
        {
            return "a metric value without the value after each step";
        }

        foreach ((string name, TensorData gradient) in Gradients)
        {
            if (question.Api is not (Apis.Loss or Apis.Function))
            {
                return $"gradients in the answer to a case of api '{question.Api}'";
            }

            if (!question.Inputs.TryGetValue(name, out CaseInput? input) || input is not TensorInput { Tensor: var source })
            {
                return $"gradients.{name}: the question has no tensor input {name}";
            }

            if (!source.DType.IsFloatingPoint() || gradient.DType != source.DType || !gradient.Shape.SequenceEqual(source.Shape))
            {
                return $"gradients.{name} is {gradient} but inputs.{name} is {source}: a gradient has its floating-point input's dtype and shape";
            }
        }

        return null;
    }
}

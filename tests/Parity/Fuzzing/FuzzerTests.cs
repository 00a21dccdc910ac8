using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Fixtures;
using CosineParity.Oracle.Fuzzing;
using CosineParity.Oracle.Live;
using CosineParity.Oracle.Replay;
using CosineParity.Tests.Graphs;
using Xunit;

namespace CosineParity.Tests.Fuzzing;

/// <summary>The fuzzer: a fixed-seed run of the real port passes, cases are reproducible from their seeds, the
/// generators reach every form they promise, and a planted bug is found, shrunk and printed as a request line.</summary>
[Collection(SharedGraphOracle.Name)]
public sealed class FuzzerTests(GraphOracleFixture graphs)
{
    private const long Seed = 20261202;

    [Fact]
    public void FixedSeedRunOfThePortHasNoFailure()
    {
        FuzzRun run = FuzzRunner.Run(120, Seed, null, new FuzzJudge(graphs.Oracle).Judge);

        Assert.Equal(120, run.Outcomes.Count);
        Assert.All(run.Outcomes, o => Assert.False(o.Failed, $"{o.Case.Id}: {o.PortFailure ?? o.GraphCause}\n{FuzzRunner.ReproLine(o.Case)}"));
        Assert.Contains(run.Outcomes, o => o.Graph == GraphResult.Within);
        Assert.Equal(60, run.Outcomes.Count(o => o.Case.Profile == Profiles.Keras3));
    }

    [Fact]
    public void ACaseIsReproducibleFromItsSeed()
    {
        for (int i = 0; i < 20; i++)
        {
            string profile = FuzzRunner.ProfileOf(null, i), caseSeed = FuzzRunner.CaseSeed(Seed, i);
            Assert.Equal(FuzzRunner.ReproLine(FuzzRunner.Regenerate(profile, caseSeed)), FuzzRunner.ReproLine(FuzzRunner.Regenerate(profile, caseSeed)));
        }

        Assert.NotEqual(FuzzRunner.CaseSeed(Seed, 0), FuzzRunner.CaseSeed(Seed + 1, 0));
    }

    [Fact]
    public void GeneratorsReachEveryForm()
    {
        List<ParityCase> cases = Enumerable.Range(0, 3000)
            .Select(i => FuzzRunner.Regenerate(FuzzRunner.ProfileOf(null, i), FuzzRunner.CaseSeed(Seed, i))).ToList();
        var tags = cases.SelectMany(c => c.Tags).ToHashSet();
        foreach (ValueClass valueClass in Enum.GetValues<ValueClass>())
        {
            Assert.Contains($"class:{valueClass}", tags);
        }

        foreach (WeightForm form in Enum.GetValues<WeightForm>().Where(f => f != WeightForm.Absent))
        {
            Assert.Contains($"weight:{form}", tags);
        }

        Assert.Contains("mask", tags);
        Assert.Contains("y-true-trailing-1", tags);
        Assert.Equal(["bfloat16", "float16", "float32", "float64"], cases.Select(c => c.DType).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal([1, 2, 3, 4, 5], cases.Select(c => Pred(c).Rank).Distinct().Order());
        Assert.Contains(cases, c => Pred(c).ElementCount == 0);
        Assert.Contains(cases, c => Pred(c).Shape.Contains(64) || Pred(c).Shape.Any(d => d > 32));
        Assert.All(cases, c => Assert.InRange(Pred(c).ElementCount, 0, FuzzGenerators.MaxElements));
        Assert.Contains(cases, c => c.Args.AxisIsList && c.Args.Axis!.Count == 3);
        Assert.Contains(cases, c => c.Args.AxisIsList && c.Args.Axis!.Count == 2 && c.Args.Axis[0] > c.Args.Axis[1]);
        Assert.Contains(cases, c => c.Args.Axis is [< 0] && !c.Args.AxisIsList);
        Assert.Contains(cases, c => c.Args.Axis is null);
        Assert.Contains(cases, c => c.Profile == Profiles.Keras3 && c.Args.DType is not null);
        Assert.Contains(cases, c => c.Profile == Profiles.Keras3 && c.Args.HasReduction && c.Args.Reduction is null);
        Assert.Contains(cases, c => c.Api == Apis.Function);
        Assert.Contains(cases, c => Pred(c).ToDoubles().Any(double.IsNaN));
        Assert.Contains(cases, c => Pred(c).DType == TensorDType.Float16 && Pred(c).ToDoubles().Any(x => Math.Abs(x) > 256 && double.IsFinite(x)));
    }

    [Fact]
    public void APlantedBugIsFoundShrunkAndPrintedAsARequestLine()
    {
        // The planted bug: every value of a float32 loss with a weight is one ulp-ish wrong, far beyond the bound.
        static PortAnswer Wrong(ParityCase question)
        {
            PortAnswer right = PortRunner.Run(question);
            if (right.Value is not { DType: TensorDType.Float32 } value || !question.Inputs.ContainsKey("sample_weight"))
            {
                return right;
            }

            float[] values = value.ToArray<float>().Select(v => v + 0.25f).ToArray();
            return right with { Value = TensorData.Create<float>(values, [.. value.Shape]) };
        }

        FuzzRun run = FuzzRunner.Run(200, Seed, Profiles.Keras3, new FuzzJudge(graphs.Oracle, Wrong).Judge, maxShrunk: 1, shrinkIterations: 200);

        FuzzFailure failure = Assert.Single(run.Failures);
        Assert.True(failure.Minimal.PortFailed);
        Assert.True(FuzzRunner.Elements(failure.Minimal.Case) <= FuzzRunner.Elements(failure.Original.Case));
        Assert.True(LiveCodec.TryDecodeRequest(Encoding.UTF8.GetBytes(failure.ReproLine), out LiveRequest? request, out string? problem), problem);
        Assert.Equal(LiveWants.Exact | LiveWants.Gradients, request.Want);
        Assert.Equal(Pred(failure.Minimal.Case), Pred(request.Case!));
        Assert.Equal(failure.Minimal.Case.Args.ToString(), request.Case!.Args.ToString());
        Assert.Equal(failure.CaseSeed, FuzzRunner.CaseSeed(Seed, run.Outcomes.ToList().FindIndex(o => o.PortFailed)));
        Assert.Contains("FAILED", FuzzSummary.Text(run, "the exact reference"), StringComparison.Ordinal);
        Assert.Contains(failure.ReproLine, FuzzSummary.Text(run, "the exact reference"), StringComparison.Ordinal);
    }

    [Fact]
    public void AnAnswerWhereTfCertainlyRaisesIsAFailure()
    {
        ParityCase question = FuzzRunner.Regenerate(Profiles.Keras2, FuzzRunner.CaseSeed(Seed, 0));
        var inputs = new Dictionary<string, CaseInput>(question.Inputs, StringComparer.Ordinal)
        {
            ["y_true"] = new TensorInput(TensorData.Create<double>([1, 2, 3], [3])),
            ["y_pred"] = new TensorInput(TensorData.Create<double>([1, 2], [2])),
        };
        ParityCase mismatched = question with { Api = Apis.Function, Args = CaseArgs.Empty, Inputs = inputs };
        static PortAnswer Answers(ParityCase q) => new(TensorData.CreateScalar(0.0), null);

        FuzzOutcome outcome = new FuzzJudge(null, Answers).Judge(mismatched);

        Assert.True(outcome.PortFailed);
        Assert.Contains("TF raises", outcome.PortFailure, StringComparison.Ordinal);
        Assert.False(new FuzzJudge().Judge(mismatched).PortFailed);
    }

    [Fact]
    public void TheLivePathJudgesThePortByTfsOwnAnswer()
    {
        // A recorded case stands for TF's live answer: it has TF's value, exact, bound and gradients.
        ParityCase answered = FixtureReader.Read(Path.Combine(RepoPaths.Fixtures, Profiles.Keras3)).SelectMany(s => s.Cases)
            .First(c => c.Api == Apis.Loss && c.Expected.Gradients.Count > 0 && c.Expected.Value?.Bound is not null);
        static PortAnswer Wrong(ParityCase q) => PortRunner.Run(q) with { Gradients = new Dictionary<string, TensorData>() };

        Assert.False(new FuzzJudge().JudgeAnswered(answered).Failed);
        FuzzOutcome wrong = new FuzzJudge(null, Wrong).JudgeAnswered(answered);
        Assert.True(wrong.PortFailed);
        Assert.Contains("no gradient", wrong.PortFailure, StringComparison.Ordinal);
    }

    private static TensorData Pred(ParityCase c) => ((TensorInput)c.Inputs["y_pred"]).Tensor;
}

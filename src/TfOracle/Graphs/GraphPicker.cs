using System;
using System.Collections.Generic;
using System.Linq;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Graphs;

/// <summary>
/// Finds the graph entry for a question (fixtures/README.md, "Picking the graph for a call"): same profile, api,
/// input dtype and arguments as spelled, the same input names and ranks, every static 1 of the template present, no
/// dim of <c>dims_not_one</c> of size 1, and (when <see cref="GraphMatching.Strict"/>) each dim name one size across
/// the inputs. Entries are indexed by call and ranks, so a pick looks at a handful. Thread-safe (read-only).
/// </summary>
internal sealed class GraphPicker
{
    private readonly Dictionary<string, GraphEntry[]> _byCall;

    public GraphPicker(IEnumerable<GraphEntry> graphs)
    {
        _byCall = graphs.GroupBy(g => Key(g.Profile, g.Api, g.DType, g.Inputs.Select(i => i.Rank)), StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The entry that fits, or null. Where several fit (the grid is built so that none do), the one with
    /// the most static 1s, then the first in manifest order.</summary>
    public GraphEntry? Pick(GraphQuestion question, GraphMatching matching)
    {
        GraphEntry? best = null;
        int bestStatic = -1;
        foreach (GraphEntry entry in Candidates(question, matching))
        {
            int statics = entry.Inputs.Sum(input => input.Shape.Count(d => d.IsStaticOne));
            if (statics > bestStatic)
            {
                (best, bestStatic) = (entry, statics);
            }
        }

        return best;
    }

    /// <summary>Every entry that fits, in manifest order.</summary>
    public IEnumerable<GraphEntry> Candidates(GraphQuestion question, GraphMatching matching)
    {
        ArgumentNullException.ThrowIfNull(question);
        IReadOnlyList<(string Name, IReadOnlyList<int> Shape)> shapes = question.Shapes;
        string key = Key(question.Profile, question.Api, question.DType, shapes.Select(s => s.Shape.Count));
        if (!_byCall.TryGetValue(key, out GraphEntry[]? entries))
        {
            yield break;
        }

        foreach (GraphEntry entry in entries)
        {
            if (SameArgs(entry.Args, question.Args) && Fits(entry, shapes, matching))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Whether two argument sets are the same call as spelled: <c>axis</c> (its form, int or list, and
    /// values), <c>reduction</c> (absent, null or its spelling) and <c>dtype</c>.</summary>
    public static bool SameArgs(CaseArgs graph, CaseArgs question) =>
        graph.AxisIsList == question.AxisIsList
        && (graph.Axis is null ? question.Axis is null : question.Axis is not null && graph.Axis.SequenceEqual(question.Axis))
        && graph.HasReduction == question.HasReduction
        && graph.Reduction == question.Reduction
        && graph.DType == question.DType;

    private static bool Fits(GraphEntry entry, IReadOnlyList<(string Name, IReadOnlyList<int> Shape)> shapes, GraphMatching matching)
    {
        if (entry.Inputs.Count != shapes.Count)
        {
            return false;
        }

        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < shapes.Count; i++)
        {
            GraphInputSpec input = entry.Inputs[i];
            (string name, IReadOnlyList<int> shape) = shapes[i];
            if (input.Name != name || input.Rank != shape.Count)
            {
                return false;
            }

            for (int d = 0; d < shape.Count; d++)
            {
                GraphDim dim = input.Shape[d];
                int size = shape[d];
                if (dim.IsStaticOne)
                {
                    if (size != 1)
                    {
                        return false;
                    }

                    continue;
                }

                if (size == 1 && entry.DimsNotOne.Contains(dim.Name!))
                {
                    return false;
                }

                if (matching == GraphMatching.Strict && !sizes.TryAdd(dim.Name!, size) && sizes[dim.Name!] != size)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string Key(string profile, string api, TensorDType dtype, IEnumerable<int> ranks) =>
        $"{profile}/{api}/{dtype.CaseName()}/{string.Join(",", ranks)}";
}

using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Graphs;

namespace CosineParity.Tests.Graphs;

/// <summary>The picker's argument rule, for the tests' reports.</summary>
internal static class GraphPickerAccess
{
    public static bool SameArgs(CaseArgs graph, CaseArgs question) => GraphPicker.SameArgs(graph, question);
}

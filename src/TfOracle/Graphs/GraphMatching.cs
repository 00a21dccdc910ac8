namespace CosineParity.Oracle.Graphs;

/// <summary>How strictly a question's shapes must fit a graph's templates.</summary>
public enum GraphMatching
{
    /// <summary>The README's rule: same ranks, every static 1 of the template present, no dim of
    /// <see cref="GraphEntry.DimsNotOne"/> of size 1, and each dynamic dim name the same size in every input.</summary>
    Strict,

    /// <summary>Only what Keras saw at trace time: ranks, static 1s and dims that must not be 1; the sizes behind one
    /// dim name may differ between inputs. The graph Keras would have built for a question TF rejects at run time
    /// (shapes that do not broadcast), to see whether the graph rejects it too.</summary>
    StaticOnly,
}

namespace CosineParity.Oracle.Graphs;

/// <summary>Where running a graph failed.</summary>
public enum GraphRunStage
{
    /// <summary>ONNX Runtime could not make a session of the graph file.</summary>
    Load,

    /// <summary>ONNX Runtime refused the inputs or failed while running (a Squeeze of a dim that is not 1, shapes that
    /// do not broadcast, ...): where TF raises, this is the graph agreeing that the question has no answer.</summary>
    Run,

    /// <summary>The output is not a tensor of an element type a case can hold.</summary>
    Output,
}

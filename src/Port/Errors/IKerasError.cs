namespace CosineParity;

/// <summary>An exception of the port that stands for an error TensorFlow raises for the same input, under the same
/// Keras generation: each input a fixture records as a TF error (Keras 2 or Keras 3) raises one of these.</summary>
public interface IKerasError
{
    /// <summary>The Python exception class TensorFlow raises in the same situation.</summary>
    TensorFlowErrorType TensorFlowError { get; }
}

namespace CosineParity;

/// <summary>An exception of the port that stands for an error TensorFlow raises for the same input.</summary>
public interface IKerasError
{
    /// <summary>The Python exception class TensorFlow raises in the same situation.</summary>
    TensorFlowErrorType TensorFlowError { get; }
}

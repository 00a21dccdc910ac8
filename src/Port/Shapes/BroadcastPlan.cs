using System;

namespace CosineParity;

/// <summary>An elementwise product of two dense tensors under TF's broadcasting, decided from their shapes once.</summary>
internal sealed class BroadcastPlan
{
    private readonly int[] _leftStrides;
    private readonly int[] _rightStrides;

    private BroadcastPlan(int[] left, int[] right)
    {
        Output = Shape.Broadcast(left, right);
        _leftStrides = Shape.BroadcastStrides(left, Shape.DenseStrides(left), Output);
        _rightStrides = Shape.BroadcastStrides(right, Shape.DenseStrides(right), Output);
        Length = checked((int)Shape.Size(Output));
    }

    public int[] Output { get; }

    public int Length { get; }

    /// <exception cref="KerasShapeException">The shapes do not broadcast.</exception>
    public static BroadcastPlan Create(int[] left, int[] right) => new(left, right);

    /// <summary><c>destination = round(left * right)</c> element by element over the broadcast shape.</summary>
    public void Multiply(ReadOnlySpan<double> left, ReadOnlySpan<double> right, Span<double> destination, Precision precision)
    {
        var walk = new StridedWalk(Output, _leftStrides, _rightStrides, stackalloc int[Output.Length]);
        for (int n = 0; n < Length; n++, walk.Next())
        {
            destination[n] = precision.Multiply(left[walk.First], right[walk.Second]);
        }
    }

    /// <summary>
    /// The gradient of <c>left * right</c> by <c>left</c>: <c>round(upstream * right)</c> over the broadcast shape,
    /// summed back to <c>left</c>'s shape (TF's <c>Mul</c> gradient with <c>BroadcastGradientArgs</c>). A one-element
    /// <paramref name="upstream"/> stands for the same value everywhere.
    /// </summary>
    public void MultiplyAndSumToLeft(ReadOnlySpan<double> upstream, ReadOnlySpan<double> right, Span<double> left, Precision precision)
    {
        left.Clear();
        bool uniform = upstream.Length == 1 && Length != 1;
        var walk = new StridedWalk(Output, _leftStrides, _rightStrides, stackalloc int[Output.Length]);
        for (int n = 0; n < Length; n++, walk.Next())
        {
            left[walk.First] += precision.Multiply(uniform ? upstream[0] : upstream[n], right[walk.Second]);
        }

        for (int i = 0; i < left.Length; i++)
        {
            left[i] = precision.Round(left[i]);
        }
    }
}

using System;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using CosineParity.Oracle.Cases;

namespace CosineParity.Benchmarks;

/// <summary>
/// One case's data, allocated and filled once, and every implementation of its loss, each returning the loss
/// (<c>-mean(cos)</c>) so that nothing is optimized away. Every call after the first allocates nothing of its own
/// (the port's plan is made on the first call and reused).
/// </summary>
internal abstract class Workload : IDisposable
{
    protected Workload(CaseSpec spec) => Spec = spec;

    public CaseSpec Spec { get; }

    public static Workload Create(string name)
    {
        CaseSpec spec = Cases.Get(name);
        return spec.DType switch
        {
            TensorDType.Float32 => new Workload<float, float>(spec),
            TensorDType.Float16 => new Workload<Half, float>(spec),
            TensorDType.Float64 when spec.LossDType == KerasDType.Float64 => new Workload<double, double>(spec),
            _ => throw new ArgumentException($"{spec}: no workload for {spec.DType}", nameof(name)),
        };
    }

    /// <summary>The C one-pass loop (benchmarks/native/cosine.c) through P/Invoke.</summary>
    public abstract double CLoop();

    /// <summary>Whether the case has <see cref="CLoopWithGradients"/>: float32 rows (not axis 0).</summary>
    public bool HasCGradients => Spec.DType == TensorDType.Float32 && !Spec.Columns;

    /// <summary>The C forward + gradients loop (<c>cosine_loss_grad_rows_f32</c>) into the port's gradient buffers: the
    /// yardstick of <see cref="PortForwardAndGradients"/> (the same destinations, so the same memory layout).</summary>
    public abstract double CLoopWithGradients();

    /// <summary><see cref="CosineSimilarityLoss.Compute{TTrue, TPred, TResult}(ShapedSpan{TTrue}, ShapedSpan{TPred}, SampleWeight{TResult}, KerasMask, Span{TResult}, LossContext)"/> into a buffer.</summary>
    public abstract double PortForward();

    /// <summary><see cref="PortForward"/> with the kernel kept on the calling thread (inputs of 2^20 elements and more
    /// are otherwise split over two cores), to show what the second core gives.</summary>
    public double PortForwardOneThread()
    {
        KernelSwitch.SplitRows = false;
        try
        {
            return PortForward();
        }
        finally
        {
            KernelSwitch.SplitRows = true;
        }
    }

    /// <summary>The span overload of <c>ComputeWithGradients</c>: the value and both gradients into buffers.</summary>
    public abstract double PortForwardAndGradients();

    /// <summary><see cref="TensorPrimitives.CosineSimilarity{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/> per row, then <c>-mean</c>.</summary>
    public abstract double TensorPrimitivesRows();

    /// <summary>Three scalar sums per row, then the Keras 3 epilogue and <c>-mean</c>.</summary>
    public abstract double NaiveScalar();

    /// <summary>TF's own graph of the call in ONNX Runtime, inputs bound once.</summary>
    public abstract double OrtTfGraph();

    /// <summary>The port's gradients, and <see cref="CLoopWithGradients"/>'s where the case has it (else null), against
    /// the exact (double) gradient of <c>-mean(cos)</c>, computed once for both: the largest difference over the
    /// largest magnitude, both inputs.</summary>
    public abstract (double Port, double? C) GradientErrors();

    /// <summary>Bytes the current thread allocates per call of the port's two entries (after a warm-up call).</summary>
    public abstract (double Forward, double Gradients) PortAllocatedBytesPerCall(int calls);

    public abstract void Dispose();
}

/// <summary>The workload of inputs of <typeparamref name="T"/> and a loss computing in <typeparamref name="TR"/>.</summary>
internal sealed class Workload<T, TR> : Workload
    where T : unmanaged, IFloatingPointIeee754<T>
    where TR : unmanaged, INumberBase<TR>
{
    private readonly T[] _t;
    private readonly T[] _p;
    private readonly nint[] _shape;
    private readonly int _rows;
    private readonly int _length;
    private readonly bool _columns;
    private readonly CosineSimilarityLoss _loss;
    private readonly TR[] _value = new TR[1];
    private readonly T[] _trueGradient;
    private readonly T[] _predGradient;
    private readonly float[] _scratch;
    private readonly float[] _rowTrue;
    private readonly float[] _rowPred;
    private OrtGraph? _graph;

    public Workload(CaseSpec spec)
        : base(spec)
    {
        long elements = spec.Elements;
        _rows = spec.Rows;
        _length = spec.Length;
        _columns = spec.Columns;
        if (_columns && typeof(T) != typeof(float))
        {
            throw new ArgumentException($"{spec}: the axis-0 yardsticks are float32 only", nameof(spec));
        }

        _shape = spec.Shape.Select(d => (nint)d).ToArray();
        (_t, _p) = Data.Make<T>(checked((int)elements), seed: 17);
        _loss = new CosineSimilarityLoss(KerasProfile.Keras3, spec.Axis, dtype: spec.LossDType);
        _trueGradient = new T[elements];
        _predGradient = new T[elements];
        _scratch = _columns ? new float[3 * _rows] : [];
        _rowTrue = typeof(T) == typeof(Half) ? new float[_length] : [];
        _rowPred = typeof(T) == typeof(Half) ? new float[_length] : [];
        _graph = OrtGraph.Open(spec.DType, spec.GraphArgs, _t, _p, spec.Shape);

        // The first call of each entry makes the port's plan for these shapes; every later call reuses it.
        PortForward();
        PortForwardAndGradients();
    }

    public override double CLoop()
    {
        if (typeof(T) == typeof(float))
        {
            ReadOnlySpan<float> t = MemoryMarshal.Cast<T, float>(_t), p = MemoryMarshal.Cast<T, float>(_p);
            return _columns ? Native.ColumnsF32(t, p, _length, _rows, _scratch) : Native.RowsF32(t, p, _rows, _length);
        }

        if (typeof(T) == typeof(double))
        {
            return Native.RowsF64(MemoryMarshal.Cast<T, double>(_t), MemoryMarshal.Cast<T, double>(_p), _rows, _length);
        }

        return Native.RowsF16(MemoryMarshal.Cast<T, ushort>(_t), MemoryMarshal.Cast<T, ushort>(_p), _rows, _length);
    }

    public override double CLoopWithGradients()
    {
        if (!HasCGradients)
        {
            throw new NotSupportedException($"{Spec}: the C forward + gradients loop is float32 rows only");
        }

        return Native.RowsWithGradientsF32(
            MemoryMarshal.Cast<T, float>(_t), MemoryMarshal.Cast<T, float>(_p), _rows, _length,
            MemoryMarshal.Cast<T, float>(_trueGradient.AsSpan()), MemoryMarshal.Cast<T, float>(_predGradient.AsSpan()));
    }

    public override double PortForward()
    {
        _loss.Compute(new ShapedSpan<T>(_t, _shape), new ShapedSpan<T>(_p, _shape), SampleWeight<TR>.None, KerasMask.None, _value.AsSpan());
        return double.CreateTruncating(_value[0]);
    }

    public override double PortForwardAndGradients()
    {
        _loss.ComputeWithGradients(
            new ShapedSpan<T>(_t, _shape), new ShapedSpan<T>(_p, _shape), SampleWeight<TR>.None, KerasMask.None, _value.AsSpan(),
            _trueGradient.AsSpan(), _predGradient.AsSpan());
        return double.CreateTruncating(_value[0]);
    }

    public override double TensorPrimitivesRows()
    {
        if (_columns)
        {
            return TensorPrimitivesColumns(MemoryMarshal.Cast<T, float>(_t), MemoryMarshal.Cast<T, float>(_p));
        }

        double total = 0;
        if (typeof(T) == typeof(float))
        {
            ReadOnlySpan<float> t = MemoryMarshal.Cast<T, float>(_t), p = MemoryMarshal.Cast<T, float>(_p);
            for (int row = 0; row < _rows; row++)
            {
                total += TensorPrimitives.CosineSimilarity(t.Slice(row * _length, _length), p.Slice(row * _length, _length));
            }
        }
        else if (typeof(T) == typeof(double))
        {
            ReadOnlySpan<double> t = MemoryMarshal.Cast<T, double>(_t), p = MemoryMarshal.Cast<T, double>(_p);
            for (int row = 0; row < _rows; row++)
            {
                total += TensorPrimitives.CosineSimilarity(t.Slice(row * _length, _length), p.Slice(row * _length, _length));
            }
        }
        else
        {
            // As Keras 3's float32 loss: cast each row to float32, then the cosine in float32.
            ReadOnlySpan<Half> t = MemoryMarshal.Cast<T, Half>(_t), p = MemoryMarshal.Cast<T, Half>(_p);
            for (int row = 0; row < _rows; row++)
            {
                TensorPrimitives.ConvertToSingle(t.Slice(row * _length, _length), _rowTrue);
                TensorPrimitives.ConvertToSingle(p.Slice(row * _length, _length), _rowPred);
                total += TensorPrimitives.CosineSimilarity(_rowTrue, _rowPred);
            }
        }

        return -(total / _rows);
    }

    public override double NaiveScalar()
    {
        if (typeof(T) == typeof(double))
        {
            ReadOnlySpan<double> t = MemoryMarshal.Cast<T, double>(_t), p = MemoryMarshal.Cast<T, double>(_p);
            double total = 0;
            for (int row = 0; row < _rows; row++)
            {
                double tt = 0, pp = 0, tp = 0;
                int start = row * _length;
                for (int k = start; k < start + _length; k++)
                {
                    tt += t[k] * t[k];
                    pp += p[k] * p[k];
                    tp += t[k] * p[k];
                }

                total += tp * InverseNorm(tt) * InverseNorm(pp);
            }

            return -(total / _rows);
        }

        return _columns ? NaiveColumns(MemoryMarshal.Cast<T, float>(_t), MemoryMarshal.Cast<T, float>(_p)) : NaiveRowsSingle();
    }

    public override double OrtTfGraph() => _graph!.Run();

    public override (double Port, double? C) GradientErrors()
    {
        double[] t = _t.Select(double.CreateTruncating).ToArray(), p = _p.Select(double.CreateTruncating).ToArray();
        (double[] gt, double[] gp) = Reference.Gradients(t, p, _rows, _length, _columns ? 1 : _length, _columns ? _rows : 1);

        // Both write the same buffers: each is cleared first, so neither is judged by what the other left there.
        double ErrorOf(Func<double> writeGradients)
        {
            Array.Clear(_trueGradient);
            Array.Clear(_predGradient);
            writeGradients();
            return Math.Max(Reference.RelativeMaxError(_trueGradient, gt), Reference.RelativeMaxError(_predGradient, gp));
        }

        return (ErrorOf(PortForwardAndGradients), HasCGradients ? ErrorOf(CLoopWithGradients) : null);
    }

    public override (double Forward, double Gradients) PortAllocatedBytesPerCall(int calls)
    {
        PortForward();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            PortForward();
        }

        long middle = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            PortForwardAndGradients();
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        return ((middle - before) / (double)calls, (after - middle) / (double)calls);
    }

    public override void Dispose()
    {
        _graph?.Dispose();
        _graph = null;
    }

    private static float InverseNorm(float sum) => MathF.Min(1f / MathF.Sqrt(sum), 1e7f);

    private static double InverseNorm(double sum) => Math.Min(1 / Math.Sqrt(sum), 1e7);

    /// <summary>Rows of float32 or float16 (widened to float32 as Keras 3's loss casts), sums in float.</summary>
    private double NaiveRowsSingle()
    {
        ReadOnlySpan<T> t = _t, p = _p;
        double total = 0;
        for (int row = 0; row < _rows; row++)
        {
            float tt = 0, pp = 0, tp = 0;
            int start = row * _length;
            for (int k = start; k < start + _length; k++)
            {
                float x = float.CreateTruncating(t[k]), y = float.CreateTruncating(p[k]);
                tt += x * x;
                pp += y * y;
                tp += x * y;
            }

            total += tp * InverseNorm(tt) * InverseNorm(pp);
        }

        return -(total / _rows);
    }

    /// <summary>Axis 0: the three sums of each column, walking down it (stride = the row length).</summary>
    private double NaiveColumns(ReadOnlySpan<float> t, ReadOnlySpan<float> p)
    {
        int columns = _rows, height = _length;
        double total = 0;
        for (int column = 0; column < columns; column++)
        {
            float tt = 0, pp = 0, tp = 0;
            for (int i = 0; i < height; i++)
            {
                float x = t[(i * columns) + column], y = p[(i * columns) + column];
                tt += x * x;
                pp += y * y;
                tp += x * y;
            }

            total += tp * InverseNorm(tt) * InverseNorm(pp);
        }

        return -(total / columns);
    }

    /// <summary>Axis 0 with TensorPrimitives, which has no strided row: the column sums accumulated row by row
    /// (<c>MultiplyAdd</c>), then the cosines (<c>Multiply</c>, <c>Sqrt</c>, <c>Divide</c>) and their sum.</summary>
    private double TensorPrimitivesColumns(ReadOnlySpan<float> t, ReadOnlySpan<float> p)
    {
        int columns = _rows, height = _length;
        Span<float> tt = _scratch.AsSpan(0, columns), pp = _scratch.AsSpan(columns, columns), tp = _scratch.AsSpan(2 * columns, columns);
        _scratch.AsSpan().Clear();
        for (int i = 0; i < height; i++)
        {
            ReadOnlySpan<float> tRow = t.Slice(i * columns, columns), pRow = p.Slice(i * columns, columns);
            TensorPrimitives.MultiplyAdd(tRow, tRow, tt, tt);
            TensorPrimitives.MultiplyAdd(pRow, pRow, pp, pp);
            TensorPrimitives.MultiplyAdd(tRow, pRow, tp, tp);
        }

        TensorPrimitives.Multiply(tt, pp, tt);
        TensorPrimitives.Sqrt(tt, tt);
        TensorPrimitives.Divide(tp, tt, tp);
        return -(TensorPrimitives.Sum(tp) / (double)columns);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace CosineParity.Benchmarks;

/// <summary>The loss of one case by every implementation; the C loop is the baseline of each case's ratios.</summary>
public abstract class LossBenchmarks
{
    private Workload? _workload;

    /// <summary>The case's workload (made in <see cref="Setup"/>).</summary>
    private protected Workload Current => _workload ?? throw new InvalidOperationException("the benchmark is not set up");

    /// <summary>The case (see <see cref="Cases"/>).</summary>
    public abstract CaseName Input { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = Workload.Create(Input.Name);
        Check.Run(_workload);   // throws, failing this case, if the implementations disagree
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _workload?.Dispose();
        _workload = null;
    }

    [Benchmark(Baseline = true)]
    public double CLoop() => Current.CLoop();

    [Benchmark]
    public double PortForward() => Current.PortForward();

    [Benchmark]
    public double PortForwardOneThread() => Current.PortForwardOneThread();

    [Benchmark]
    public double PortForwardAndGradients() => Current.PortForwardAndGradients();

    [Benchmark]
    public double TensorPrimitivesRows() => Current.TensorPrimitivesRows();

    [Benchmark]
    public double NaiveScalar() => Current.NaiveScalar();

    [Benchmark]
    public double OrtTfGraph() => Current.OrtTfGraph();
}

/// <summary>float32 [batch, features], the cosine over the last axis, the mean over the batch.</summary>
public class Float32Sizes : LossBenchmarks
{
    [ParamsSource(nameof(Sizes))]
    public override CaseName Input { get; set; } = CaseName.Of(Cases.Float32Sizes, 0);

    public static IEnumerable<CaseName> Sizes => CaseName.All(Cases.Float32Sizes);

    /// <summary>The C forward + gradients loop: the yardstick of <see cref="LossBenchmarks.PortForwardAndGradients"/>.</summary>
    [Benchmark]
    public double CLoopWithGradients() => Current.CLoopWithGradients();
}

/// <summary>One mid size: float16 inputs (float32 loss), float64 (dtype="float64"), axis 0, and axes [1, 2] of [B, T, D].</summary>
public class Variants : LossBenchmarks
{
    [ParamsSource(nameof(All))]
    public override CaseName Input { get; set; } = CaseName.Of(Cases.Variants, 0);

    public static IEnumerable<CaseName> All => CaseName.All(Cases.Variants);
}

/// <summary>A case as a benchmark parameter: shown by name, ordered as declared (BenchmarkDotNet sorts parameters, and
/// would sort names as strings).</summary>
public sealed class CaseName : IComparable<CaseName>, IComparable
{
    private CaseName(string name, int order)
    {
        Name = name;
        Order = order;
    }

    public string Name { get; }

    public int Order { get; }

    /// <summary>The cases of <paramref name="names"/>, each ordered by its place in <see cref="Cases.All"/> (so that a
    /// joined summary lists the float32 sizes first).</summary>
    public static IEnumerable<CaseName> All(string[] names) => names.Select(Named);

    public static CaseName Of(string[] names, int index) => Named(names[index]);

    private static CaseName Named(string name) => new(name, Cases.All.ToList().IndexOf(name));

    public int CompareTo(CaseName? other) => other is null ? 1 : Order.CompareTo(other.Order);

    public int CompareTo(object? obj) => CompareTo(obj as CaseName);

    public override bool Equals(object? obj) => obj is CaseName other && other.Name == Name && other.Order == Order;

    public override int GetHashCode() => HashCode.Combine(Name, Order);

    public override string ToString() => Name;

    public static bool operator ==(CaseName? left, CaseName? right) => Equals(left, right);

    public static bool operator !=(CaseName? left, CaseName? right) => !Equals(left, right);

    public static bool operator <(CaseName? left, CaseName? right) => Compare(left, right) < 0;

    public static bool operator <=(CaseName? left, CaseName? right) => Compare(left, right) <= 0;

    public static bool operator >(CaseName? left, CaseName? right) => Compare(left, right) > 0;

    public static bool operator >=(CaseName? left, CaseName? right) => Compare(left, right) >= 0;

    private static int Compare(CaseName? left, CaseName? right) => left is null ? (right is null ? 0 : -1) : left.CompareTo(right);
}

using System.Collections.Generic;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// The sum row of the rules: for terms <c>q_1..q_n</c> in any order or tree, with <c>k</c> the terms where
/// <c>|v| + e &gt; 0</c>: <c>sum e</c> if <c>k &lt;= 1</c>, else <c>sum e + gamma(k-1) sum(|v| + e) + (k-1) tiny</c>,
/// unbounded if <c>max(P, N)</c> plus that may reach <c>max</c> (every partial sum lies in <c>[-N, P]</c>); for a
/// non-finite sum 0 if every <c>e</c> is finite, else unbounded; NaN with <c>e = 0</c> if a term is a certain NaN.
/// The rounding dtype is the coarsest of all the array's terms (the recorder's <c>total</c> looks at the whole array);
/// an array of exact constants sums exactly.
/// </summary>
internal static class SumRule
{
    /// <summary>Below this fraction of the terms' magnitude the double-word sum is redone exactly, so that a sum of
    /// exact terms that cancels (weights summing to 0 for <c>divide_no_nan</c>) is exactly what it is.</summary>
    private static readonly XFloat CancellationLimit = XFloat.PowerOfTwo(-90);

    /// <summary>The sum over all elements, as a 0-d array.</summary>
    public static Bounded All(NdArray<Bounded> x) => Total(x, null, keepDims: false).Items[0];

    /// <summary>Sums over <paramref name="axes"/> (all when null); an empty list leaves the array as it is.</summary>
    public static NdArray<Bounded> Total(NdArray<Bounded> x, int[]? axes, bool keepDims)
    {
        if (axes is { Length: 0 })
        {
            return x;
        }

        var reduced = new bool[x.Rank];
        foreach (int a in axes ?? AllAxes(x.Rank))
        {
            reduced[a] = true;
        }

        int[] map = Shapes.ReduceMap(x.Shape, reduced, out int[] kept);
        int[] shape = keepDims ? kept : Dropped(x.Shape, reduced);
        int outputs = Shapes.Count(kept);
        FloatFormat? format = null;
        foreach (Bounded b in x.Items)
        {
            if (b.Format is not null)
            {
                format = format is null ? b.Format : FloatFormat.Coarser(format, b.Format);
            }
        }

        var acc = new Accumulator[outputs];
        for (int i = 0; i < x.Items.Length; i++)
        {
            acc[map[i]].Add(x.Items[i]);
        }

        var result = new Bounded[outputs];
        Groups? groups = null;
        for (int o = 0; o < outputs; o++)
        {
            XFloat v = acc[o].Value(out bool cancels);
            if (cancels)
            {
                v = XFloat.ExactSum((groups ??= new Groups(map, outputs)).Values(x, o));
            }

            result[o] = acc[o].Bound(format, v);
        }

        return new(shape, result);
    }

    private static int[] AllAxes(int rank)
    {
        var axes = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            axes[i] = i;
        }

        return axes;
    }

    private static int[] Dropped(int[] shape, bool[] reduced)
    {
        var kept = new List<int>();
        for (int i = 0; i < shape.Length; i++)
        {
            if (!reduced[i])
            {
                kept.Add(shape[i]);
            }
        }

        return [.. kept];
    }

    /// <summary>The aggregates the rule needs, gathered one term at a time.</summary>
    private struct Accumulator
    {
        private XFloat _positive;   // sum of max(v, 0) over finite terms
        private XFloat _negative;   // sum of max(-v, 0)
        private XFloat _errors;     // sum of e
        private int _live;
        private bool _certainNaN, _nan, _plusInfinity, _minusInfinity;

        public void Add(Bounded term)
        {
            _errors += term.E;
            if (term.V.IsNaN)
            {
                _nan = true;
                _certainNaN |= term.E.IsZero;
                return;
            }

            if (term.V.IsInfinity)
            {
                _plusInfinity |= !term.V.IsNegative;
                _minusInfinity |= term.V.IsNegative;
                _live++;
                return;
            }

            if (term.V.IsNegative)
            {
                _negative -= term.V;
            }
            else
            {
                _positive += term.V;
            }

            if (!term.V.IsZero || !term.E.IsZero)
            {
                _live++;
            }
        }

        public readonly Bounded Bound(FloatFormat? format, XFloat v)
        {
            if (format is null)
            {
                return Bounded.Exact(v);
            }

            XFloat spread = _certainNaN ? XFloat.Zero : _errors;
            if (!v.IsFinite)
            {
                return new(v, spread.IsFinite ? XFloat.Zero : XFloat.PositiveInfinity, format);
            }

            if (_live <= 1)
            {
                return new(v, spread, format);
            }

            XFloat mass = _positive + _negative + _errors;
            XFloat error = Bounded.Plus(
                Bounded.Plus(spread, Bounded.Times(format.Gamma(_live - 1), mass)),
                XFloat.FromDouble(_live - 1).ScaleB(format.MinExponent));   // (k - 1) tiny
            XFloat reach = XFloat.Max(_positive, _negative) + _errors;
            return reach + error >= format.Max ? new(v, XFloat.PositiveInfinity, format) : new(v, error, format);
        }

        /// <summary>The double-word sum; <paramref name="cancels"/> when it cancels so far that it must be redone exactly.</summary>
        public readonly XFloat Value(out bool cancels)
        {
            cancels = false;
            if (_nan || (_plusInfinity && _minusInfinity))
            {
                return XFloat.NaN;
            }

            if (_plusInfinity || _minusInfinity)
            {
                return _plusInfinity ? XFloat.PositiveInfinity : -XFloat.PositiveInfinity;
            }

            XFloat v = _positive - _negative;
            XFloat magnitude = _positive + _negative;
            cancels = !magnitude.IsZero && v.Abs() <= magnitude * CancellationLimit;
            return v;
        }
    }

    /// <summary>The input indices of each output, built once when some sum cancels.</summary>
    private sealed class Groups
    {
        private readonly int[] _start;
        private readonly int[] _members;

        public Groups(int[] map, int outputs)
        {
            _start = new int[outputs + 1];
            foreach (int o in map)
            {
                _start[o + 1]++;
            }

            for (int o = 0; o < outputs; o++)
            {
                _start[o + 1] += _start[o];
            }

            _members = new int[map.Length];
            var next = (int[])_start.Clone();
            for (int i = 0; i < map.Length; i++)
            {
                _members[next[map[i]]++] = i;
            }
        }

        public XFloat[] Values(NdArray<Bounded> x, int output)
        {
            var values = new XFloat[_start[output + 1] - _start[output]];
            for (int k = 0; k < values.Length; k++)
            {
                values[k] = x.Items[_members[_start[output] + k]].V;
            }

            return values;
        }
    }
}

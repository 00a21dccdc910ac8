namespace CosineParity.Oracle.Reference;

/// <summary>
/// One intermediate quantity of the formula: its exact value <see cref="V"/>, a bound <see cref="E"/> on how far a
/// correct floating-point evaluation of it can land from <see cref="V"/>, and the dtype it rounds in
/// (<see cref="Format"/>; null for an exact constant, whose <see cref="E"/> is 0). The operations are the rules of
/// fixtures/README, "How the bound is computed", row by row. Unlike the recorder (exact.py), the rules read the exact
/// value itself where the recorder reads its float64 image, and the error terms are <see cref="XFloat"/>s, which
/// neither underflow nor overflow: a term below 1e-308 (a product of two float64 values near 1e-160, the cube of
/// 1/norm for a norm above 1e102) keeps its size and the rule's <c>tiny</c> term, where a float64 would be 0.
/// </summary>
internal readonly struct Bounded
{
    public Bounded(XFloat v, XFloat e, FloatFormat? format)
    {
        V = v;
        E = e;
        Format = format;
    }

    public XFloat V { get; }

    public XFloat E { get; }

    public FloatFormat? Format { get; }

    /// <summary>NaN in every evaluation: whatever it meets, the result is NaN too.</summary>
    public bool IsCertainNaN => V.IsNaN && E.IsZero;

    public static Bounded Exact(XFloat v) => new(v, XFloat.Zero, null);

    public static Bounded Exact(double v) => new(XFloat.FromDouble(v), XFloat.Zero, null);

    public static Bounded operator -(Bounded a) => new(-a.V, a.E, a.Format);

    public static Bounded operator +(Bounded a, Bounded b)
    {
        FloatFormat? format = Common(a, b);
        return a.IsCertainNaN || b.IsCertainNaN ? CertainNaN(format) : Rounded(a.V + b.V, Plus(a.E, b.E), format);
    }

    public static Bounded operator *(Bounded a, Bounded b)
    {
        FloatFormat? format = Common(a, b);
        if (a.IsCertainNaN || b.IsCertainNaN)
        {
            return CertainNaN(format);
        }

        // |a| e(b) + |b| e(a) + e(a) e(b); a term with a zero e is 0 (where it would be 0 * inf, the other e is inf)
        XFloat spread = a.E.IsZero
            ? (b.E.IsZero ? XFloat.Zero : Times(a.V.Abs(), b.E))
            : b.E.IsZero ? Times(b.V.Abs(), a.E) : Plus(Plus(Times(a.V.Abs(), b.E), Times(b.V.Abs(), a.E)), Times(a.E, b.E));
        return Rounded(a.V * b.V, spread, format);
    }

    /// <summary><c>a / b</c>: <c>R(v, 0)</c> for exact operands; unbounded where the computed divisor may be 0
    /// (<c>e(b) &gt;= |v(b)|</c>); else <c>R(v, (|b| e(a) + |a| e(b)) / (|b| (|b| - e(b))))</c>.</summary>
    public static Bounded operator /(Bounded a, Bounded b)
    {
        FloatFormat? format = Common(a, b);
        if (a.IsCertainNaN || b.IsCertainNaN)
        {
            return CertainNaN(format);
        }

        XFloat v = a.V / b.V;
        if (a.E.IsZero && b.E.IsZero)
        {
            return Rounded(v, XFloat.Zero, format);
        }

        XFloat divisor = b.V.Abs();
        if (!(b.E < divisor))
        {
            return new(v, XFloat.PositiveInfinity, format);
        }

        // a non-finite numerator is forced where its e is finite, unbounded otherwise
        XFloat spread = a.V.IsFinite
            ? Plus(Times(divisor, a.E), Times(a.V.Abs(), b.E)) / (divisor * (divisor - b.E))
            : a.E;
        return Rounded(v, spread, format);
    }

    /// <summary>One rounding in <paramref name="format"/> of a result whose exact value is <paramref name="v"/> and
    /// whose inputs already put it within <paramref name="spread"/>: <c>R(v, s)</c>.</summary>
    public static Bounded Rounded(XFloat v, XFloat spread, FloatFormat? format)
    {
        if (format is null)
        {
            return new(v, spread, null);
        }

        if (spread.IsNaN)
        {
            spread = XFloat.PositiveInfinity;
        }

        if (!v.IsFinite)
        {
            // NaN or inf that the inputs force: deterministic, unless an input is unbounded
            return new(v, spread.IsFinite ? XFloat.Zero : XFloat.PositiveInfinity, format);
        }

        XFloat magnitude = v.Abs() + spread;
        if (magnitude >= format.Max)
        {
            return new(v, XFloat.PositiveInfinity, format);
        }

        XFloat error = spread + magnitude.ScaleB(-format.Digits);   // u * magnitude
        if (spread.IsZero ? v.Abs() < format.Tiny : v.Abs() - spread < format.Tiny)
        {
            error += XFloat.Min(magnitude, format.Tiny);
        }

        return new(v, error, format);
    }

    /// <summary>A cast to <paramref name="format"/>: the exact value stays, the rounding adds to the bound.</summary>
    public Bounded CastTo(FloatFormat format) => Rounded(V, E, format);

    /// <summary>NaN with <c>e = 0</c>.</summary>
    public static Bounded CertainNaN(FloatFormat? format) => new(XFloat.NaN, XFloat.Zero, format);

    /// <summary>Where an operation on a and b rounds: the coarser dtype if they differ; null if both are exact.</summary>
    public static FloatFormat? Common(Bounded a, Bounded b)
    {
        if (ReferenceEquals(a.Format, b.Format) || b.Format is null)
        {
            return a.Format;
        }

        return a.Format is null ? b.Format : FloatFormat.Coarser(a.Format, b.Format);
    }

    /// <summary>A sum of non-negative error terms; NaN (from an unbounded one) means unbounded.</summary>
    public static XFloat Plus(XFloat a, XFloat b)
    {
        XFloat sum = a + b;
        return sum.IsNaN ? XFloat.PositiveInfinity : sum;
    }

    /// <summary>A product of error terms, where <c>0 * inf</c> (and anything with NaN) is unbounded rather than NaN.</summary>
    public static XFloat Times(XFloat a, XFloat b)
    {
        XFloat product = a * b;
        return product.IsNaN ? XFloat.PositiveInfinity : product;
    }

    public override string ToString() => $"{V} +- {E} ({Format?.ToString() ?? "exact"})";
}

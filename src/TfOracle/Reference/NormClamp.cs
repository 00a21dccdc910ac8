using System;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// How a generation keeps <c>1/norm</c> finite: <c>keras2</c> <c>rsqrt(max(s, eps))</c>, <c>keras3</c>
/// <c>min(rsqrt(s), cap)</c>. Both equal <c>rsqrt(max(s, floor))</c> with <c>floor = eps</c> or <c>1/cap^2</c>
/// (0 where <c>cap</c> is infinite, i.e. float16), which is what the bound uses; the exact value is computed in the
/// generation's own form.
/// </summary>
internal sealed class NormClamp
{
    /// <summary>The rsqrt's own error, 2 ulps: <c>4u</c>.</summary>
    private const int RsqrtUnits = 4;

    private NormClamp(bool isFloor, XFloat constant)
    {
        IsFloor = isFloor;
        Constant = constant;
        Floor = isFloor ? constant : constant.IsInfinity ? XFloat.Zero : XFloat.One / (constant * constant);
    }

    /// <summary>Whether the clamp is Keras 2's <c>max(s, eps)</c> (else Keras 3's <c>min(rsqrt(s), cap)</c>).</summary>
    public bool IsFloor { get; }

    /// <summary>eps or cap, as held in the compute dtype.</summary>
    public XFloat Constant { get; }

    /// <summary>The floor <c>f</c> on the squared norm.</summary>
    public XFloat Floor { get; }

    /// <summary>Emulates the recorder's float64 evaluation of the rsqrt factor (validation only; see the README).</summary>
    public bool RecorderFactor { get; private init; }

    /// <summary>This clamp, with the recorder's float64 factor if <paramref name="recorderFactor"/>.</summary>
    public NormClamp Emulating(bool recorderFactor) =>
        recorderFactor && !RecorderFactor ? new(IsFloor, Constant) { RecorderFactor = true } : this;

    /// <summary><c>rsqrt(max(s, eps))</c>.</summary>
    public static NormClamp MaxWith(double epsilon) => new(true, XFloat.FromDouble(epsilon));

    /// <summary><c>min(rsqrt(s), cap)</c>.</summary>
    public static NormClamp MinWith(double cap) => new(false, XFloat.FromDouble(cap));

    /// <summary>The exact clamped <c>1/norm</c> of an exact squared norm.</summary>
    public XFloat Value(XFloat s) => IsFloor
        ? XFloat.ReciprocalSqrt(XFloat.Max(s, Constant))
        : XFloat.Min(XFloat.ReciprocalSqrt(s), Constant);

    /// <summary>
    /// <c>1/norm</c> from <c>s = sum(t*t)</c> with its bound: with <c>m = max(v(s), f)</c>, 0 or unbounded (as
    /// <c>e(s)</c> is 0 or not) where <c>v(s)</c> or <c>r</c> is not finite; unbounded where <c>e(s) &gt;= m</c>;
    /// otherwise <c>r ((1 - e(s)/m)^(-1/2) (1 + 4u) - 1)</c>.
    /// </summary>
    public Bounded InverseNorm(Bounded s)
    {
        XFloat r = Value(s.V);
        if (s.Format is not { } format)
        {
            return Bounded.Exact(r);
        }

        if (!s.V.IsFinite || !r.IsFinite)
        {
            return new(r, s.E.IsZero ? XFloat.Zero : XFloat.PositiveInfinity, format);
        }

        XFloat m = XFloat.Max(s.V, Floor);
        if (!(s.E < m))
        {
            return new(r, XFloat.PositiveInfinity, format);
        }

        return new(r, Bounded.Times(r.Abs(), Factor(s.E / m, format)), format);
    }

    /// <summary>
    /// <c>(1 - rho)^(-1/2) (1 + 4u) - 1</c>, written as <c>a (1 + 4u) + 4u</c> with
    /// <c>a = (1 - rho)^(-1/2) - 1 = rho / (q (1 + q))</c>, <c>q = sqrt(1 - rho)</c>: no cancellation. (The recorder
    /// evaluates the first form in float64, where the final <c>- 1</c> leaves a few units of 2^-53 of absolute error:
    /// up to a fifth of the factor for float64, where it is itself only about <c>(4 + n/2) 2^-53</c>.)
    /// </summary>
    private XFloat Factor(XFloat rho, FloatFormat format)
    {
        XFloat rsqrtError = XFloat.FromDouble(RsqrtUnits) * format.Unit;
        if (RecorderFactor)
        {
            double u4 = RsqrtUnits * format.UnitDouble;
            return XFloat.FromDouble((Math.Pow(1 - rho.ToDouble(), -0.5) * (1 + u4)) - 1);
        }

        XFloat q = XFloat.Sqrt(XFloat.One - rho);
        XFloat a = rho / (q * (XFloat.One + q));
        return (a * (XFloat.One + rsqrtError)) + rsqrtError;
    }
}

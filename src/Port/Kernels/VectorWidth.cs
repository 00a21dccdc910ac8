using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CosineParity;

/// <summary>
/// The operations the SIMD kernel needs from one vector width, so that one generic loop runs at 512, 256 or 128
/// bits: arithmetic on <typeparamref name="TAcc"/> lanes, loads (widening ones included) and the few 32-bit lane
/// bit operations of the float16 widening. Implemented by <see cref="Width512{TAcc}"/>, <see cref="Width256{TAcc}"/>
/// and <see cref="Width128{TAcc}"/>; calls through the type parameter are resolved and inlined per instantiation.
/// </summary>
internal interface IVectorWidth<TVec, TAcc>
    where TVec : struct
    where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
{
    /// <summary>Lanes of <typeparamref name="TAcc"/> per vector.</summary>
    static abstract int Count { get; }

    static abstract TVec Zero { get; }

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVec Create(TAcc value);

    static abstract TVec Add(TVec a, TVec b);

    static abstract TVec Multiply(TVec a, TVec b);

    /// <summary><c>a * b + c</c> with one rounding (the FMA instruction).</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    static abstract TAcc Sum(TVec v);

    static abstract TAcc Lane(TVec v, int lane);

    /// <summary><see cref="Count"/> values from <paramref name="index"/> on, as they are.</summary>
    static abstract TVec Load(ref TAcc source, nuint index);

    /// <summary>Writes the <see cref="Count"/> lanes to <paramref name="destination"/> from <paramref name="index"/> on.</summary>
    static abstract void Store(TVec v, ref TAcc destination, nuint index);

    /// <summary><see cref="Count"/> floats widened to doubles (<typeparamref name="TAcc"/> is double).</summary>
    static abstract TVec LoadWidened(ref float source, nuint index);

    /// <summary><see cref="Count"/> 16-bit patterns, each zero-extended into a 32-bit lane (<typeparamref name="TAcc"/> is float).</summary>
    static abstract TVec LoadBits(ref ushort source, nuint index);

    /// <summary>Every lane the 32-bit pattern <paramref name="bits"/>.</summary>
    static abstract TVec FromBits(uint bits);

    static abstract TVec ShiftLeft(TVec bits, int count);

    static abstract TVec And(TVec a, TVec b);

    static abstract TVec Or(TVec a, TVec b);

    /// <summary>Per 32-bit lane: <paramref name="whenAtLeast"/> where <paramref name="bits"/> as unsigned is at least <paramref name="threshold"/>'s, else <paramref name="otherwise"/>.</summary>
    static abstract TVec SelectAtLeast(TVec bits, TVec threshold, TVec whenAtLeast, TVec otherwise);
}

/// <summary>512-bit vectors (AVX-512).</summary>
internal readonly struct Width512<TAcc> : IVectorWidth<Vector512<TAcc>, TAcc>
    where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
{
    public static int Count => Vector512<TAcc>.Count;

    public static Vector512<TAcc> Zero => Vector512<TAcc>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> Create(TAcc value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> Add(Vector512<TAcc> a, Vector512<TAcc> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> Multiply(Vector512<TAcc> a, Vector512<TAcc> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> MultiplyAdd(Vector512<TAcc> a, Vector512<TAcc> b, Vector512<TAcc> c) =>
        typeof(TAcc) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.As<TAcc, float>(), b.As<TAcc, float>(), c.As<TAcc, float>()).As<float, TAcc>()
            : Vector512.FusedMultiplyAdd(a.As<TAcc, double>(), b.As<TAcc, double>(), c.As<TAcc, double>()).As<double, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TAcc Sum(Vector512<TAcc> v) => Vector512.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TAcc Lane(Vector512<TAcc> v, int lane) => v[lane];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> Load(ref TAcc source, nuint index) => Vector512.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<TAcc> v, ref TAcc destination, nuint index) => v.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> LoadWidened(ref float source, nuint index) =>
        Vector512.WidenLower(Vector256.LoadUnsafe(ref source, index).ToVector512Unsafe()).As<double, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> LoadBits(ref ushort source, nuint index) =>
        Vector512.WidenLower(Vector256.LoadUnsafe(ref source, index).ToVector512Unsafe()).As<uint, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> FromBits(uint bits) => Vector512.Create(bits).As<uint, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> ShiftLeft(Vector512<TAcc> bits, int count) => (bits.AsUInt32() << count).As<uint, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> And(Vector512<TAcc> a, Vector512<TAcc> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> Or(Vector512<TAcc> a, Vector512<TAcc> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<TAcc> SelectAtLeast(Vector512<TAcc> bits, Vector512<TAcc> threshold, Vector512<TAcc> whenAtLeast, Vector512<TAcc> otherwise) =>
        Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(bits.AsUInt32(), threshold.AsUInt32()).As<uint, TAcc>(), whenAtLeast, otherwise);
}

/// <summary>256-bit vectors (AVX2).</summary>
internal readonly struct Width256<TAcc> : IVectorWidth<Vector256<TAcc>, TAcc>
    where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
{
    public static int Count => Vector256<TAcc>.Count;

    public static Vector256<TAcc> Zero => Vector256<TAcc>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> Create(TAcc value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> Add(Vector256<TAcc> a, Vector256<TAcc> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> Multiply(Vector256<TAcc> a, Vector256<TAcc> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> MultiplyAdd(Vector256<TAcc> a, Vector256<TAcc> b, Vector256<TAcc> c) =>
        typeof(TAcc) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.As<TAcc, float>(), b.As<TAcc, float>(), c.As<TAcc, float>()).As<float, TAcc>()
            : Vector256.FusedMultiplyAdd(a.As<TAcc, double>(), b.As<TAcc, double>(), c.As<TAcc, double>()).As<double, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TAcc Sum(Vector256<TAcc> v) => Vector256.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TAcc Lane(Vector256<TAcc> v, int lane) => v[lane];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> Load(ref TAcc source, nuint index) => Vector256.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<TAcc> v, ref TAcc destination, nuint index) => v.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> LoadWidened(ref float source, nuint index) =>
        Vector256.WidenLower(Vector128.LoadUnsafe(ref source, index).ToVector256Unsafe()).As<double, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> LoadBits(ref ushort source, nuint index) =>
        Vector256.WidenLower(Vector128.LoadUnsafe(ref source, index).ToVector256Unsafe()).As<uint, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> FromBits(uint bits) => Vector256.Create(bits).As<uint, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> ShiftLeft(Vector256<TAcc> bits, int count) => (bits.AsUInt32() << count).As<uint, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> And(Vector256<TAcc> a, Vector256<TAcc> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> Or(Vector256<TAcc> a, Vector256<TAcc> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<TAcc> SelectAtLeast(Vector256<TAcc> bits, Vector256<TAcc> threshold, Vector256<TAcc> whenAtLeast, Vector256<TAcc> otherwise) =>
        Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(bits.AsUInt32(), threshold.AsUInt32()).As<uint, TAcc>(), whenAtLeast, otherwise);
}

/// <summary>128-bit vectors (SSE, Arm AdvSimd).</summary>
internal readonly struct Width128<TAcc> : IVectorWidth<Vector128<TAcc>, TAcc>
    where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
{
    public static int Count => Vector128<TAcc>.Count;

    public static Vector128<TAcc> Zero => Vector128<TAcc>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> Create(TAcc value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> Add(Vector128<TAcc> a, Vector128<TAcc> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> Multiply(Vector128<TAcc> a, Vector128<TAcc> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> MultiplyAdd(Vector128<TAcc> a, Vector128<TAcc> b, Vector128<TAcc> c) =>
        typeof(TAcc) == typeof(float)
            ? Vector128.FusedMultiplyAdd(a.As<TAcc, float>(), b.As<TAcc, float>(), c.As<TAcc, float>()).As<float, TAcc>()
            : Vector128.FusedMultiplyAdd(a.As<TAcc, double>(), b.As<TAcc, double>(), c.As<TAcc, double>()).As<double, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TAcc Sum(Vector128<TAcc> v) => Vector128.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TAcc Lane(Vector128<TAcc> v, int lane) => v[lane];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> Load(ref TAcc source, nuint index) => Vector128.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<TAcc> v, ref TAcc destination, nuint index) => v.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> LoadWidened(ref float source, nuint index) =>
        Vector128.WidenLower(Vector64.LoadUnsafe(ref source, index).ToVector128Unsafe()).As<double, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> LoadBits(ref ushort source, nuint index) =>
        Vector128.WidenLower(Vector64.LoadUnsafe(ref source, index).ToVector128Unsafe()).As<uint, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> FromBits(uint bits) => Vector128.Create(bits).As<uint, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> ShiftLeft(Vector128<TAcc> bits, int count) => (bits.AsUInt32() << count).As<uint, TAcc>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> And(Vector128<TAcc> a, Vector128<TAcc> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> Or(Vector128<TAcc> a, Vector128<TAcc> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<TAcc> SelectAtLeast(Vector128<TAcc> bits, Vector128<TAcc> threshold, Vector128<TAcc> whenAtLeast, Vector128<TAcc> otherwise) =>
        Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(bits.AsUInt32(), threshold.AsUInt32()).As<uint, TAcc>(), whenAtLeast, otherwise);
}

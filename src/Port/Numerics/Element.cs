using System;
using System.Runtime.CompilerServices;

namespace CosineParity;

/// <summary>
/// Conversions of the element types the port accepts (<see cref="Half"/>, <see cref="BFloat16"/>, <see cref="float"/>,
/// <see cref="double"/>, and <see cref="long"/> for integer tensors) to and from <see cref="double"/>. The type tests
/// are on the generic parameter, so the JIT keeps only the branch of the instantiated type.
/// </summary>
internal static class Element
{
    /// <summary>Whether <typeparamref name="T"/> is one of the floating-point element types.</summary>
    public static bool IsFloating<T>() =>
        typeof(T) == typeof(Half) || typeof(T) == typeof(BFloat16) || typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <summary>Whether <typeparamref name="T"/> is an element type the port accepts as input.</summary>
    public static bool IsSupportedInput<T>() => IsFloating<T>() || typeof(T) == typeof(long);

    /// <summary>Keras's dtype name of an input element type (<c>"int64"</c> for <see cref="long"/>).</summary>
    public static string Name<T>() => typeof(T) == typeof(long) ? "int64" : KerasDTypes.Name(KerasDTypes.Of<T>());

    /// <summary>Throws unless <typeparamref name="T"/> is an accepted input element type.</summary>
    public static void RequireInput<T>(string parameterName)
    {
        if (!IsSupportedInput<T>())
        {
            throw new NotSupportedException(
                $"{parameterName}: element type {typeof(T).Name} is not supported; use Half, BFloat16, float, double or long");
        }
    }

    /// <summary>Exact widening to double (a long beyond 2^53 rounds, as numpy's float64 cast does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble<T>(T value)
    {
        if (typeof(T) == typeof(float))
        {
            return Unsafe.As<T, float>(ref value);
        }

        if (typeof(T) == typeof(double))
        {
            return Unsafe.As<T, double>(ref value);
        }

        if (typeof(T) == typeof(Half))
        {
            return (double)Unsafe.As<T, Half>(ref value);
        }

        if (typeof(T) == typeof(BFloat16))
        {
            return (double)Unsafe.As<T, BFloat16>(ref value);
        }

        if (typeof(T) == typeof(long))
        {
            return Unsafe.As<T, long>(ref value);
        }

        if (typeof(T) == typeof(bool))
        {
            return Unsafe.As<T, bool>(ref value) ? 1 : 0;   // a mask as 0/1
        }

        throw new NotSupportedException($"element type {typeof(T).Name} is not supported");
    }

    /// <summary>The double rounded to the floating-point element type <typeparamref name="T"/> (exact when it already is one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromDouble<T>(double value)
    {
        if (typeof(T) == typeof(float))
        {
            float single = (float)value;
            return Unsafe.As<float, T>(ref single);
        }

        if (typeof(T) == typeof(double))
        {
            return Unsafe.As<double, T>(ref value);
        }

        if (typeof(T) == typeof(Half))
        {
            Half half = (Half)value;
            return Unsafe.As<Half, T>(ref half);
        }

        if (typeof(T) == typeof(BFloat16))
        {
            BFloat16 brain = (BFloat16)value;
            return Unsafe.As<BFloat16, T>(ref brain);
        }

        throw new NotSupportedException($"element type {typeof(T).Name} is not a floating-point type");
    }
}

using System;

namespace CosineParity.Oracle.Reference;

/// <summary>Elementwise operations over <see cref="NdArray{T}"/>s with numpy's broadcasting.</summary>
internal static class NdArrays
{
    /// <summary><c>f(a, b)</c> over the broadcast of both shapes.</summary>
    public static NdArray<TOut> Zip<TA, TB, TOut>(NdArray<TA> a, NdArray<TB> b, Func<TA, TB, TOut> f)
    {
        if (Shapes.Same(a.Shape, b.Shape))
        {
            var same = new TOut[a.Size];
            for (int i = 0; i < same.Length; i++)
            {
                same[i] = f(a.Items[i], b.Items[i]);
            }

            return new(a.Shape, same);
        }

        int[] shape = Shapes.Broadcast(a.Shape, b.Shape);
        int[] ma = Shapes.BroadcastMap(shape, a.Shape), mb = Shapes.BroadcastMap(shape, b.Shape);
        var items = new TOut[ma.Length];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = f(a.Items[ma[i]], b.Items[mb[i]]);
        }

        return new(shape, items);
    }

    public static NdArray<Bounded> Multiply(NdArray<Bounded> a, NdArray<Bounded> b) => Zip(a, b, static (x, y) => x * y);

    public static NdArray<Bounded> Add(NdArray<Bounded> a, NdArray<Bounded> b) => Zip(a, b, static (x, y) => x + y);
}

using System;
using CosineParity.Oracle.Cases;

namespace CosineParity.Oracle.Reference;

/// <summary>
/// The input row of the rules: an element <c>t</c>, rounded to the compute dtype as the recorder's numpy casts it,
/// carries <c>e = |t|</c> where <c>0 &lt; |t| &lt; limit</c> (TF sets denormals-are-zero and may read it as 0), with
/// <c>limit</c> the compute dtype's <c>tiny</c>, or the source dtype's where that is larger and the source is one
/// TF's CPU kernels read through DAZ while casting: float32, float64, and (unlike the recorder) bfloat16. A bfloat16
/// subnormal cast to float64 is read as 0 too (Keras 3 <c>dtype="float64"</c> over bfloat16 inputs near 1e-39: TF
/// gives the answer for zeros there), since bfloat16 is widened as the upper half of a float32. float16 is widened
/// exactly (F16C or software), so a float16 subnormal stays what it is in a wider dtype.
/// </summary>
internal static class InputRule
{
    /// <summary>A tensor as the formula sees it in <paramref name="format"/>.</summary>
    public static NdArray<Bounded> Tensor(TensorData tensor, FloatFormat format)
    {
        double[] values = Values(tensor);
        var items = new Bounded[values.Length];
        double limit = Limit(tensor.DType, format);
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = Element(values[i], limit, format);
        }

        return new([.. tensor.Shape], items);
    }

    /// <summary>A Python number as a 0-d tensor of dtype <paramref name="source"/>, cast to <paramref name="format"/>.</summary>
    public static NdArray<Bounded> Number(double value, TensorDType source, FloatFormat format) =>
        NdArray<Bounded>.Scalar(Element(value, Limit(source, format), format));

    /// <summary>A bool mask as 0/1 in <paramref name="format"/> (exact: 0 and 1 are representable).</summary>
    public static NdArray<Bounded> Mask(TensorData mask, FloatFormat format)
    {
        ReadOnlySpan<byte> bytes = mask.Bytes.Span;
        var items = new Bounded[bytes.Length];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new(bytes[i] != 0 ? XFloat.One : XFloat.Zero, XFloat.Zero, format);
        }

        return new([.. mask.Shape], items);
    }

    /// <summary>The element values of a numeric tensor as doubles (int64 correctly rounded).</summary>
    public static double[] Values(TensorData tensor)
    {
        if (tensor.DType != TensorDType.Int64)
        {
            return tensor.ToDoubles();
        }

        ReadOnlySpan<long> longs = tensor.AsSpan<long>();
        var values = new double[longs.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = longs[i];
        }

        return values;
    }

    /// <summary>Whether TF reads a subnormal of <paramref name="source"/> as 0 even while casting it to a wider dtype.</summary>
    public static bool ReadsAsZero(TensorDType source) =>
        source is TensorDType.Float32 or TensorDType.Float64 or TensorDType.BFloat16;

    private static double Limit(TensorDType source, FloatFormat format) =>
        ReadsAsZero(source) ? Math.Max(format.TinyDouble, FloatFormat.Of(source)!.TinyDouble) : format.TinyDouble;

    private static Bounded Element(double value, double limit, FloatFormat format)
    {
        double t = format.Round(value);
        double magnitude = Math.Abs(t);
        return new(XFloat.FromDouble(t), magnitude < limit ? XFloat.FromDouble(magnitude) : XFloat.Zero, format);
    }
}

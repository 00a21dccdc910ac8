using System;
using CosineParity.Oracle.Cases;
using CosineParity.Oracle.Replay;

namespace CosineParity.Oracle.Fuzzing;

/// <summary>Tensors of a dtype made from doubles (rounded once, to nearest even), and the row structure of a shape.</summary>
internal static class FuzzTensors
{
    /// <summary>The float dtypes a fuzz case may use.</summary>
    public static readonly string[] FloatDTypes = ["float16", "bfloat16", "float32", "float64"];

    public static TensorData Create(string dtype, double[] values, int[] shape) => dtype switch
    {
        "float16" => TensorData.Create<Half>(Round<Half>(values), shape),
        "bfloat16" => TensorData.Create<BFloat16>(Round<BFloat16>(values), shape),
        "float32" => TensorData.Create<float>(Round<float>(values), shape),
        "float64" => TensorData.Create<double>(values, shape),
        _ => throw new ArgumentException($"not a float dtype: {dtype}", nameof(dtype)),
    };

    /// <summary>The smallest positive normal number of a dtype.</summary>
    public static double MinNormal(string dtype) => dtype switch
    {
        "float16" => 6.103515625e-05,
        "float64" => 2.2250738585072014e-308,
        _ => 1.1754943508222875e-38,
    };

    /// <summary>The largest finite number of a dtype.</summary>
    public static double Max(string dtype) => dtype switch
    {
        "float16" => 65504.0,
        "bfloat16" => 3.3895313892515355e38,
        "float32" => float.MaxValue,
        _ => double.MaxValue,
    };

    /// <summary>For each element (row-major), the index of its row: the element's position with the reduced axes
    /// taken out, i.e. the loss element it feeds.</summary>
    public static int[] RowIds(int[] shape, bool[] reduced)
    {
        int count = 1;
        foreach (int d in shape)
        {
            count *= d;
        }

        var ids = new int[count];
        var index = new int[shape.Length];
        for (int flat = 0; flat < count; flat++)
        {
            int row = 0;
            for (int a = 0; a < shape.Length; a++)
            {
                if (!reduced[a])
                {
                    row = (row * shape[a]) + index[a];
                }
            }

            ids[flat] = row;
            for (int a = shape.Length - 1; a >= 0; a--)
            {
                if (++index[a] < shape[a])
                {
                    break;
                }

                index[a] = 0;
            }
        }

        return ids;
    }

    private static T[] Round<T>(double[] values)
        where T : unmanaged
    {
        var result = new T[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = ElementTypes.Round<T>(values[i]);
        }

        return result;
    }
}

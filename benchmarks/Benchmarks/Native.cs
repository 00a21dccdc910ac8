using System;
using System.Runtime.InteropServices;

namespace CosineParity.Benchmarks;

/// <summary>The C yardstick, benchmarks/native/cosine.c, built by this project into libcosine.so beside the assembly.
/// Each returns <c>-mean(cos)</c> over the rows (or columns) in one pass, sums in the accumulator type.</summary>
internal static partial class Native
{
    private const string Library = "cosine";

    /// <summary>float32, rows x len row-major, the cosine over each row (axis -1, or a trailing axis list).</summary>
    [LibraryImport(Library, EntryPoint = "cosine_loss_rows_f32")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double RowsF32(ReadOnlySpan<float> t, ReadOnlySpan<float> p, long rows, long length);

    /// <summary><see cref="RowsF32"/> and the gradients of its loss by both inputs into <paramref name="trueGradient"/>
    /// and <paramref name="predGradient"/> (the same shape), each row's gradient pass right after its sums.</summary>
    [LibraryImport(Library, EntryPoint = "cosine_loss_grad_rows_f32")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double RowsWithGradientsF32(
        ReadOnlySpan<float> t, ReadOnlySpan<float> p, long rows, long length, Span<float> trueGradient, Span<float> predGradient);

    /// <summary>float64, sums in double.</summary>
    [LibraryImport(Library, EntryPoint = "cosine_loss_rows_f64")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double RowsF64(ReadOnlySpan<double> t, ReadOnlySpan<double> p, long rows, long length);

    /// <summary>float16 (binary16 bits), widened to float32 as Keras 3's float32 loss casts, sums in float.</summary>
    [LibraryImport(Library, EntryPoint = "cosine_loss_rows_f16")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double RowsF16(ReadOnlySpan<ushort> t, ReadOnlySpan<ushort> p, long rows, long length);

    /// <summary>float32, rows x cols row-major, the cosine over each column (axis 0); scratch holds 3 * cols floats.</summary>
    [LibraryImport(Library, EntryPoint = "cosine_loss_cols_f32")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double ColumnsF32(ReadOnlySpan<float> t, ReadOnlySpan<float> p, long rows, long cols, Span<float> scratch);
}

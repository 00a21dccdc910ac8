using System;
using System.Linq;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using Xunit;

namespace CosineParity.Tests.Port.Mutation;

/// <summary>
/// The forward kernel (<c>src/Port/Kernels</c>) pinned where <see cref="RowSumsTests"/>, <see cref="WideKernelTests"/>
/// and <see cref="RowPartitionTests"/> leave mutants alive (src/Port/MUTATION.md): the switches' defaults and checks,
/// the row layouts of a 3-D tensor, every input type read as the compute dtype, that each accelerated width really
/// takes its vector loops (rows whose exact sums only one rounding per product-add gives, or that element-order
/// float summation provably loses), and that a split call's second half runs on the worker.
/// </summary>
[Collection(RowPartitionTests.Collection)]
public sealed class KernelsMutationTests
{
    // ---- KernelSwitch --------------------------------------------------------------------------------------------

    [Fact]
    public void A_new_thread_starts_with_every_switch_at_its_default()
    {
        (bool Vectorize, int MaxBits, bool Split, int Bits) seen = default;
        var thread = new Thread(() => seen = (KernelSwitch.Vectorize, KernelSwitch.MaxVectorBits, KernelSwitch.SplitRows, KernelSwitch.VectorBits));
        KernelSwitch.Vectorize = false;
        KernelSwitch.MaxVectorBits = 128;
        KernelSwitch.SplitRows = false;
        try
        {
            thread.Start();
            thread.Join();
            Assert.False(KernelSwitch.Vectorize);   // this thread's settings, not the new thread's
            Assert.Equal(128, KernelSwitch.MaxVectorBits);
            Assert.False(KernelSwitch.SplitRows);
            Assert.Equal(0, KernelSwitch.VectorBits);
        }
        finally
        {
            KernelSwitch.Vectorize = true;
            KernelSwitch.MaxVectorBits = 512;
            KernelSwitch.SplitRows = true;
        }

        Assert.True(seen.Vectorize);
        Assert.Equal(512, seen.MaxBits);
        Assert.True(seen.Split);
        Assert.Equal(WideKernelTests.AcceleratedWidths.DefaultIfEmpty(0).First(), seen.Bits);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(64)]
    [InlineData(384)]
    [InlineData(1024)]
    public void The_vector_cap_is_512_256_or_128(int bits)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => { KernelSwitch.MaxVectorBits = bits; });
        Assert.Equal("value", error.ParamName);
        Assert.StartsWith("512, 256 or 128", error.Message, StringComparison.Ordinal);
        Assert.Equal(512, KernelSwitch.MaxVectorBits);
    }

    [Fact]
    public void Each_cap_runs_the_widest_accelerated_width_within_it()
    {
        try
        {
            foreach (int cap in new[] { 512, 256, 128 })
            {
                KernelSwitch.MaxVectorBits = cap;
                Assert.Equal(cap, KernelSwitch.MaxVectorBits);
                Assert.Equal(WideKernelTests.AcceleratedWidths.Where(bits => bits <= cap).DefaultIfEmpty(0).First(), KernelSwitch.VectorBits);
            }
        }
        finally
        {
            KernelSwitch.MaxVectorBits = 512;
        }
    }

    [Fact]
    public void Splitting_off_keeps_large_inputs_on_one_thread()
    {
        Assert.True(RowPartition.Splits(RowPartition.MinimumElements));   // "from which splitting pays": inclusive
        Assert.False(RowPartition.Splits(RowPartition.MinimumElements - 1));
        Assert.True(RowPartition.Splits(1L << 20));    // 2^20 elements per input (docs/benchmarks.md)
        Assert.False(RowPartition.Splits(3 * 1000));   // a batch of three 1000-long rows stays on the caller
        KernelSwitch.SplitRows = false;
        try
        {
            Assert.False(KernelSwitch.SplitRows);
            Assert.False(RowPartition.Splits(RowPartition.MinimumElements));
        }
        finally
        {
            KernelSwitch.SplitRows = true;
        }
    }

    // ---- RowLayout -----------------------------------------------------------------------------------------------

    [Fact]
    public void Rows_walk_the_kept_dimensions_and_elements_the_reduced_ones_in_row_major_order()
    {
        // A dense [2, 3, 4] tensor reduced over axes [0, 2]: 3 rows (dimension 1, stride 4), each of the 8 elements
        // (dimension 0, stride 12) x (dimension 2, stride 1).
        RowLayout layout = RowLayout.Create([2, 3, 4], [12, 4, 1], [0, 2]);
        Assert.Equal([0, 4, 8], layout.RowOffsets);
        Assert.Equal([0, 1, 2, 3, 12, 13, 14, 15], layout.ElementOffsets);
        Assert.Equal(3, layout.RowCount);
        Assert.Equal(8, layout.RowLength);
        Assert.False(layout.IsContiguous);
        Assert.False(layout.RowsAdjacent);

        // Over axis 1 only: 8 rows in row-major order of (0, 2), 3 elements 4 apart.
        layout = RowLayout.Create([2, 3, 4], [12, 4, 1], [1]);
        Assert.Equal([0, 1, 2, 3, 12, 13, 14, 15], layout.RowOffsets);
        Assert.Equal([0, 4, 8], layout.ElementOffsets);
        Assert.False(layout.IsContiguous);
        Assert.False(layout.RowsAdjacent);   // adjacent up to row 3, then a jump

        // Over the leading axes [0, 1]: 4 adjacent rows, each of 6 elements 4 apart.
        layout = RowLayout.Create([2, 3, 4], [12, 4, 1], [0, 1]);
        Assert.Equal([0, 1, 2, 3], layout.RowOffsets);
        Assert.Equal([0, 4, 8, 12, 16, 20], layout.ElementOffsets);
        Assert.True(layout.RowsAdjacent);
        Assert.False(layout.IsContiguous);

        // The trailing axis: contiguous rows, not adjacent ones.
        layout = RowLayout.Create([2, 3, 4], [12, 4, 1], [2]);
        Assert.Equal([0, 4, 8, 12, 16, 20], layout.RowOffsets);
        Assert.Equal([0, 1, 2, 3], layout.ElementOffsets);
        Assert.True(layout.IsContiguous);
        Assert.False(layout.RowsAdjacent);
    }

    [Fact]
    public void Broadcast_strides_repeat_offsets()
    {
        // A [3] vector broadcast to [2, 3] (strides [0, 1]), reduced over axis 1: two rows on the same elements.
        RowLayout layout = RowLayout.Create([2, 3], [0, 1], [1]);
        Assert.Equal([0, 0], layout.RowOffsets);
        Assert.Equal([0, 1, 2], layout.ElementOffsets);
        Assert.True(layout.IsContiguous);
        Assert.False(layout.RowsAdjacent);

        // The same over axis 0: three adjacent rows, each element twice.
        layout = RowLayout.Create([2, 3], [0, 1], [0]);
        Assert.Equal([0, 1, 2], layout.RowOffsets);
        Assert.Equal([0, 0], layout.ElementOffsets);
        Assert.True(layout.RowsAdjacent);
        Assert.False(layout.IsContiguous);

        // A [2, 1] column broadcast to [2, 3] (strides [1, 0]) over axis 1.
        layout = RowLayout.Create([2, 3], [1, 0], [1]);
        Assert.Equal([0, 1], layout.RowOffsets);
        Assert.Equal([0, 0, 0], layout.ElementOffsets);
        Assert.True(layout.RowsAdjacent);
        Assert.False(layout.IsContiguous);
    }

    [Fact]
    public void Row_index_layouts_and_empty_dimensions()
    {
        RowLayout indices = RowLayout.RowIndices(3, 2);
        Assert.Equal([0, 1, 2], indices.RowOffsets);
        Assert.Equal([0, 0], indices.ElementOffsets);
        Assert.True(indices.RowsAdjacent);
        Assert.False(indices.IsContiguous);

        // [0, 3] over axis 1: no rows of three elements; [3, 0] over axis 1: three rows of none (not contiguous runs).
        RowLayout noRows = RowLayout.Create([0, 3], [3, 1], [1]);
        Assert.Equal(0, noRows.RowCount);
        Assert.Equal([0, 1, 2], noRows.ElementOffsets);
        RowLayout emptyRows = RowLayout.Create([3, 0], [1, 1], [1]);
        Assert.Equal([0, 1, 2], emptyRows.RowOffsets);
        Assert.Equal(0, emptyRows.RowLength);
        Assert.False(emptyRows.IsContiguous);

        // A scalar: one row of one element (no reduced dimensions), and a rank-1 tensor reduced whole.
        RowLayout scalar = RowLayout.Create([], [], []);
        Assert.Equal([0], scalar.RowOffsets);
        Assert.Equal([0], scalar.ElementOffsets);
        Assert.True(scalar.IsContiguous);
        RowLayout vector = RowLayout.Create([5], [2], [0]);
        Assert.Equal([0], vector.RowOffsets);
        Assert.Equal([0, 2, 4, 6, 8], vector.ElementOffsets);
        Assert.False(vector.IsContiguous);
        Assert.True(vector.RowsAdjacent);
    }

    /// <summary>A layout whose rows or elements an int cannot count fails (OverflowException) rather than wrapping:
    /// [65537, 65537, 1] broadcast from one element (strides 0) has 2^32 + 2^17 + 1 rows.</summary>
    [Fact]
    public void A_layout_beyond_int_fails_rather_than_wrapping()
    {
        Assert.Throws<OverflowException>(() => RowLayout.Create([65537, 65537, 1], [0, 0, 0], [2]));
        Assert.Throws<OverflowException>(() => RowLayout.Create([65537, 65537, 1], [0, 0, 0], [0, 1]));
    }

    // ---- every input type read as the compute dtype --------------------------------------------------------------

    /// <summary>
    /// Rows of every input element type and compute dtype the profiles produce, at every accelerated width and
    /// scalar, over contiguous rows and (32 of them, a full vector at every width) adjacent rows: each sum within
    /// the bound of the double sum of the elements as the compute dtype reads them (an element of another dtype
    /// rounded to the compute dtype first, as Keras 3 casts; one of the compute dtype as it is).
    /// </summary>
    [Fact]
    public void Every_input_type_is_read_as_the_compute_dtype_at_every_width()
    {
        CheckReads<Half, float>(KerasDType.Float32);
        CheckReads<Half, float>(KerasDType.Float16);
        CheckReads<Half, float>(KerasDType.BFloat16);      // rounds to bfloat16 first: not a widening
        CheckReads<BFloat16, float>(KerasDType.Float32);
        CheckReads<BFloat16, float>(KerasDType.BFloat16);
        CheckReads<BFloat16, float>(KerasDType.Float16);   // rounds to float16 first
        CheckReads<float, float>(KerasDType.Float32);
        CheckReads<float, float>(KerasDType.Float16);      // Keras 3 float16 on float32 inputs: rounded on read
        CheckReads<float, float>(KerasDType.BFloat16);
        CheckReads<double, float>(KerasDType.Float32);     // float64 inputs cast down
        CheckReads<long, float>(KerasDType.Float32);
        CheckReads<Half, double>(KerasDType.Float64);
        CheckReads<BFloat16, double>(KerasDType.Float64);
        CheckReads<float, double>(KerasDType.Float64);
        CheckReads<double, double>(KerasDType.Float64);
        CheckReads<long, double>(KerasDType.Float64);
    }

    private static void CheckReads<TIn, TAcc>(KerasDType dtype)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    {
        var precision = Precision.Of(dtype);
        var random = new Random(31 + (int)dtype);
        foreach ((int rows, int length, bool adjacent) in new[] { (3, 37, false), (32, 5, true), (3, 1, false) })
        {
            int count = rows * length;

            // Values off every grid but float64's (2^-13 apart: below float16's and bfloat16's spacing near 1), and
            // for long inputs integers beyond float16's 2048 and bfloat16's 256 exactness.
            double[] tValues = [.. Enumerable.Range(0, count).Select(_ => Value<TIn>(random))];
            double[] pValues = [.. Enumerable.Range(0, count).Select(_ => Value<TIn>(random))];
            TIn[] t = [.. tValues.Select(From<TIn>)], p = [.. pValues.Select(From<TIn>)];
            RowLayout layout = adjacent ? RowLayout.Create([length, rows], [rows, 1], [0]) : RowLayout.Create([rows, length], [length, 1], [1]);
            var reader = new ElementReader(InputReader.For<TIn>(precision), InputReader.For<TIn>(precision));
            foreach (int bits in WideKernelTests.AcceleratedWidths.Append(0))
            {
                (double[] tt, double[] pp, double[] tp) = Sums<TIn, TAcc>(t, layout, p, layout, reader, bits);
                for (int row = 0; row < rows; row++)
                {
                    double sumTT = 0, sumPP = 0, sumTP = 0, magnitude = 0;
                    for (int k = 0; k < length; k++)
                    {
                        int at = layout.RowOffsets[row] + layout.ElementOffsets[k];
                        double x = AsRead(t[at], precision), y = AsRead(p[at], precision);
                        (sumTT, sumPP, sumTP) = (sumTT + (x * x), sumPP + (y * y), sumTP + (x * y));
                        magnitude += (x * x) + (y * y);
                    }

                    double u = typeof(TAcc) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);
                    double bound = 2 * (length * u / (1 - (length * u))) * magnitude;
                    string where = $"{typeof(TIn).Name} as {dtype} in {typeof(TAcc).Name}, {bits}-bit, {rows}x{length}{(adjacent ? " adjacent" : "")} row {row}";
                    Assert.True(Math.Abs(tt[row] - sumTT) <= bound, $"{where} tt: {tt[row]:R}, reference {sumTT:R}");
                    Assert.True(Math.Abs(pp[row] - sumPP) <= bound, $"{where} pp: {pp[row]:R}, reference {sumPP:R}");
                    Assert.True(Math.Abs(tp[row] - sumTP) <= bound, $"{where} tp: {tp[row]:R}, reference {sumTP:R}");
                }
            }
        }
    }

    /// <summary>
    /// <c>y_true</c> and <c>y_pred</c> of different types (Keras 3 casts both to the compute dtype): float32 beside
    /// float16 in float32 (both widen), float32 beside float64 in float32 (only one widens, so neither may be read as
    /// a vector), and float64 beside float32 in float64; each sum within the bound of the double sum of the elements
    /// as read, at every width and scalar.
    /// </summary>
    [Fact]
    public void Inputs_of_two_types_are_each_read_as_the_compute_dtype()
    {
        CheckMixed<float, Half, float>(KerasDType.Float32);
        CheckMixed<float, double, float>(KerasDType.Float32);
        CheckMixed<double, float, float>(KerasDType.Float32);
        CheckMixed<double, float, double>(KerasDType.Float64);
        CheckMixed<BFloat16, float, double>(KerasDType.Float64);
    }

    private static void CheckMixed<TT, TP, TAcc>(KerasDType dtype)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    {
        const int Rows = 3, Length = 37;
        var precision = Precision.Of(dtype);
        var random = new Random(17);
        TT[] t = [.. Enumerable.Range(0, Rows * Length).Select(_ => From<TT>(Value<TT>(random)))];
        TP[] p = [.. Enumerable.Range(0, Rows * Length).Select(_ => From<TP>(Value<TP>(random)))];
        RowLayout layout = RowLayout.Create([Rows, Length], [Length, 1], [1]);
        var reader = new ElementReader(InputReader.For<TT>(precision), InputReader.For<TP>(precision));
        foreach (int bits in WideKernelTests.AcceleratedWidths.Append(0))
        {
            double[] tt = new double[Rows], pp = new double[Rows], tp = new double[Rows];
            KernelSwitch.Vectorize = bits != 0;
            KernelSwitch.MaxVectorBits = bits == 0 ? 512 : bits;
            try
            {
                RowSums<TAcc>.Three<TT, TP>(t, layout, p, layout, reader, tt, pp, tp);
            }
            finally
            {
                KernelSwitch.Vectorize = true;
                KernelSwitch.MaxVectorBits = 512;
            }

            for (int row = 0; row < Rows; row++)
            {
                double sumTT = 0, sumPP = 0, sumTP = 0, magnitude = 0;
                for (int k = 0; k < Length; k++)
                {
                    double x = AsRead(t[(row * Length) + k], precision), y = AsRead(p[(row * Length) + k], precision);
                    (sumTT, sumPP, sumTP) = (sumTT + (x * x), sumPP + (y * y), sumTP + (x * y));
                    magnitude += (x * x) + (y * y);
                }

                double u = typeof(TAcc) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);
                double bound = 2 * (Length * u / (1 - (Length * u))) * magnitude;
                string where = $"{typeof(TT).Name} and {typeof(TP).Name} as {dtype}, {bits}-bit, row {row}";
                Assert.True(Math.Abs(tt[row] - sumTT) <= bound, $"{where} tt: {tt[row]:R}, reference {sumTT:R}");
                Assert.True(Math.Abs(pp[row] - sumPP) <= bound, $"{where} pp: {pp[row]:R}, reference {sumPP:R}");
                Assert.True(Math.Abs(tp[row] - sumTP) <= bound, $"{where} tp: {tp[row]:R}, reference {sumTP:R}");
            }
        }
    }

    private static double Value<TIn>(Random random) =>
        typeof(TIn) == typeof(long)
            ? random.Next(-5000, 5000)
            : ((random.Next(2) * 2) - 1) * (1 + (random.Next(1, 1 << 12) * Math.ScaleB(1, -13))) * Math.ScaleB(1, random.Next(-3, 4));

    private static TIn From<TIn>(double value) => typeof(TIn) == typeof(long) ? (TIn)(object)(long)value : Element.FromDouble<TIn>(value);

    /// <summary>An element as the compute dtype reads it: its own value when it has that dtype, else rounded to it.</summary>
    private static double AsRead<TIn>(TIn value, Precision precision)
    {
        double v = Element.ToDouble(value);
        bool sameDType = typeof(TIn) != typeof(long) && KerasDTypes.Of<TIn>() == precision.DType;
        return sameDType ? v : precision.Round(v);
    }

    [Fact]
    public void Squares_sum_each_row_as_read()
    {
        // A float32 row read as float16 (rounded on read) and a strided float64 row: sum(x*x) within the bound.
        float[] x = [1 + (1f / 8192), 3, -2.5f, 1 + (3f / 8192)];
        var sums = new double[2];
        RowLayout twoRows = RowLayout.Create([2, 2], [2, 1], [1]);
        RowSums<float>.Squares<float>(x, twoRows, InputReader.For<float>(Precision.Of(KerasDType.Float16)), sums);
        Assert.Equal([1 + 9.0, 6.25 + 1], sums);   // 1 + 2^-13 and 1 + 3*2^-13 round to 1 in float16
        RowSums<float>.Squares<float>(x, twoRows, InputReader.For<float>(Precision.Of(KerasDType.Float32)), sums);
        Assert.Equal((double)((x[0] * x[0]) + 9f), sums[0]);
        double[] d = [0.5, 99, 0.25, 99, -2];
        var one = new double[1];
        RowSums<double>.Squares<double>(d, RowLayout.Create([3], [2], [0]), InputReader.For<double>(Precision.Of(KerasDType.Float64)), one);
        Assert.Equal(0.25 + 0.0625 + 4, one[0]);
    }

    // ---- each width takes its vector loops -----------------------------------------------------------------------

    /// <summary>
    /// One dense row of 64: <c>t = p = [4096, 1, 1, ...]</c> (exact in float16, bfloat16 and float). In element order
    /// a float sum of <c>t*p</c> stays 2^24: every <c>2^24 + 1</c> ties to even, back to 2^24. Any vector loop keeps
    /// the ones of its other lanes apart (at least 4 ones per lane at 16 lanes), and adding an integer of at least 2
    /// to 2^24 moves it (spacing 2): the sum is above 2^24, at most the exact 2^24 + 63 rounded. So the scalar and
    /// vector paths must differ, at every accelerated width, for each 16-bit and float input (and likewise in double
    /// around 2^53 for float and double inputs).
    /// </summary>
    [Fact]
    public void Every_accelerated_width_sums_rows_in_vector_lanes()
    {
        VectorLanesKeepTheOnes<Half, float>(4096, 4096, KerasDType.Float32, 24);
        VectorLanesKeepTheOnes<BFloat16, float>(4096, 4096, KerasDType.Float32, 24);
        VectorLanesKeepTheOnes<float, float>(4096, 4096, KerasDType.Float32, 24);
        VectorLanesKeepTheOnes<float, double>(1 << 27, 1 << 26, KerasDType.Float64, 53);
        VectorLanesKeepTheOnes<double, double>(1 << 27, 1 << 26, KerasDType.Float64, 53);
    }

    private static void VectorLanesKeepTheOnes<TIn, TAcc>(double first, double firstP, KerasDType dtype, int exponent)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    {
        const int Length = 64;
        TIn[] t = [.. Enumerable.Range(0, Length).Select(k => Element.FromDouble<TIn>(k == 0 ? first : 1))];
        TIn[] p = [.. Enumerable.Range(0, Length).Select(k => Element.FromDouble<TIn>(k == 0 ? firstP : 1))];
        RowLayout layout = RowLayout.Create([1, Length], [Length, 1], [1]);
        var precision = Precision.Of(dtype);
        var reader = new ElementReader(InputReader.For<TIn>(precision), InputReader.For<TIn>(precision));
        double big = Math.ScaleB(1, exponent);
        Assert.Equal(big, Sums<TIn, TAcc>(t, layout, p, layout, reader, 0).TP[0]);
        foreach (int bits in WideKernelTests.AcceleratedWidths)
        {
            double tp = Sums<TIn, TAcc>(t, layout, p, layout, reader, bits).TP[0];
            Assert.True(tp > big && tp <= big + Length, $"{typeof(TIn).Name} in {typeof(TAcc).Name}, {bits}-bit: {tp:R}, not a vector sum");
        }
    }

    /// <summary>
    /// Rows whose exact <c>sum(t*p)</c> one rounding per product-add gives and element-order summation does not: in
    /// one lane of one chain (the elements a multiple of 2 * lanes apart, as the kernel documents), <c>1 * -(1 + e)</c>
    /// and then <c>(1 + e/2)^2 = 1 + e + e^2/4</c>, e = 2^-11 in float, 2^-26 in double. Rounded alone, the square
    /// is <c>1 + e</c> (e^2/4 is half a unit in the last place in float, a tie to the even neighbour, and a quarter in
    /// double) and the pair cancels to 0; fused into the running sum it leaves
    /// the exact e^2/4. One such pair per lane: the exact row sum is lanes * e^2/4, which every vector loop must give
    /// exactly, the scalar loop giving 0. Rows of 4 and 5 vectors place the pairs in the second chain of the main
    /// loop and in the first chain's single-vector step.
    /// </summary>
    [Fact]
    public void Every_accelerated_width_fuses_each_product_into_its_lanes_sum()
    {
        foreach (int bits in WideKernelTests.AcceleratedWidths)
        {
            FusedRow<float>(bits, 11, vectors: 4, firstAt: 1, secondAt: 3);
            FusedRow<float>(bits, 11, vectors: 5, firstAt: 2, secondAt: 4);
            FusedRow<double>(bits, 26, vectors: 4, firstAt: 1, secondAt: 3);
            FusedRow<double>(bits, 26, vectors: 5, firstAt: 2, secondAt: 4);
            FusedColumns<float>(bits, 11);
            FusedColumns<double>(bits, 26);
        }
    }

    private static void FusedRow<T>(int bits, int e, int vectors, int firstAt, int secondAt)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = bits / (8 * Unsafe.SizeOf<T>()), length = vectors * lanes;
        double eps = Math.ScaleB(1, -e);
        var t = new T[length];
        var p = new T[length];
        for (int lane = 0; lane < lanes; lane++)
        {
            (t[(firstAt * lanes) + lane], p[(firstAt * lanes) + lane]) = (T.One, T.CreateTruncating(-(1 + eps)));
            (t[(secondAt * lanes) + lane], p[(secondAt * lanes) + lane]) = (T.CreateTruncating(1 + (eps / 2)), T.CreateTruncating(1 + (eps / 2)));
        }

        RowLayout layout = RowLayout.Create([1, length], [length, 1], [1]);
        ElementReader reader = SameTypeReader<T>();
        Assert.Equal(0.0, Sums<T, T>(t, layout, p, layout, reader, 0).TP[0]);
        double exact = lanes * eps * eps / 4;
        Assert.True(exact == Sums<T, T>(t, layout, p, layout, reader, bits).TP[0], $"{typeof(T).Name} {bits}-bit row of {vectors} vectors: not {exact:R}");
    }

    /// <summary>The same pair down each of 32 adjacent rows ([2, 32] over axis 0, a whole number of vectors at every
    /// width): the column loop fuses too, so every row sums to exactly e^2/4, where the scalar loop gives 0.</summary>
    private static void FusedColumns<T>(int bits, int e)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Rows = 32;
        double eps = Math.ScaleB(1, -e);
        T[] t = [.. Enumerable.Repeat(T.One, Rows), .. Enumerable.Repeat(T.CreateTruncating(1 + (eps / 2)), Rows)];
        T[] p = [.. Enumerable.Repeat(T.CreateTruncating(-(1 + eps)), Rows), .. Enumerable.Repeat(T.CreateTruncating(1 + (eps / 2)), Rows)];
        RowLayout layout = RowLayout.Create([2, Rows], [Rows, 1], [0]);
        ElementReader reader = SameTypeReader<T>();
        Assert.All(Sums<T, T>(t, layout, p, layout, reader, 0).TP, tp => Assert.Equal(0.0, tp));
        double[] fused = Sums<T, T>(t, layout, p, layout, reader, bits).TP;
        for (int row = 0; row < Rows; row++)
        {
            Assert.True(eps * eps / 4 == fused[row], $"{typeof(T).Name} {bits}-bit column {row}: {fused[row]:R}");
        }
    }

    /// <summary>32 rows, <c>y_true</c> dense along its rows and <c>y_pred</c> its transpose (adjacent rows): the rows
    /// pair by index, and neither the dense-row nor the column loop may take both.</summary>
    [Fact]
    public void Rows_that_are_adjacent_in_one_input_only_sum_element_by_element()
    {
        const int Rows = 32, Length = 5;
        var random = new Random(5);
        float[] t = [.. Enumerable.Range(0, Rows * Length).Select(_ => (float)random.Next(-8, 9))];
        float[] p = [.. Enumerable.Range(0, Rows * Length).Select(_ => (float)random.Next(-8, 9))];
        RowLayout dense = RowLayout.Create([Rows, Length], [Length, 1], [1]), transposed = RowLayout.Create([Length, Rows], [Rows, 1], [0]);
        ElementReader reader = SameTypeReader<float>();
        foreach (int bits in WideKernelTests.AcceleratedWidths.Append(0))
        {
            foreach ((RowLayout tLayout, RowLayout pLayout) in new[] { (dense, transposed), (transposed, dense) })
            {
                (double[] tt, double[] pp, double[] tp) = Sums<float, float>(t, tLayout, p, pLayout, reader, bits);
                for (int row = 0; row < Rows; row++)
                {
                    double sumTT = 0, sumPP = 0, sumTP = 0;   // small integers: exact in any order
                    for (int k = 0; k < Length; k++)
                    {
                        double x = t[tLayout.RowOffsets[row] + tLayout.ElementOffsets[k]], y = p[pLayout.RowOffsets[row] + pLayout.ElementOffsets[k]];
                        (sumTT, sumPP, sumTP) = (sumTT + (x * x), sumPP + (y * y), sumTP + (x * y));
                    }

                    Assert.Equal((sumTT, sumPP, sumTP), (tt[row], pp[row], tp[row]));
                }
            }
        }
    }

    // ---- RowPartition --------------------------------------------------------------------------------------------

    /// <summary>
    /// A split call through the kernel whose outputs are one row short: the last row is the worker's, so the
    /// exception the caller rethrows must have been thrown on the worker (its stack trace runs through the job's
    /// <c>RunRows</c>), on two calls in a row (the worker was released after the first); then the same call with room
    /// for every row splits and gives the single thread's sums.
    /// </summary>
    [Fact]
    public void The_second_half_of_a_split_call_runs_on_the_worker()
    {
        const int Rows = 1024, Columns = 1024;   // 2^20 elements: the smallest split
        var random = new Random(8);
        float[] t = [.. Enumerable.Range(0, Rows * Columns).Select(_ => random.NextSingle() - 0.5f)];
        float[] p = [.. Enumerable.Range(0, Rows * Columns).Select(_ => random.NextSingle() - 0.5f)];
        RowLayout layout = RowLayout.Create([Rows, Columns], [Columns, 1], [1]);
        ElementReader reader = SameTypeReader<float>();
        for (int call = 0; call < 2; call++)
        {
            var shortSums = new double[3 * (Rows - 1)];
            var error = Assert.Throws<IndexOutOfRangeException>(() => RowSums<float>.Three<float, float>(
                t, layout, p, layout, reader, shortSums.AsSpan(0, Rows - 1), shortSums.AsSpan(Rows - 1, Rows - 1), shortSums.AsSpan(2 * (Rows - 1))));
            Assert.Contains("RunRows", error.StackTrace, StringComparison.Ordinal);
        }

        (double[] tt, double[] pp, double[] tp) split = Sums<float, float>(t, layout, p, layout, reader, KernelSwitch.VectorBits);
        KernelSwitch.SplitRows = false;
        try
        {
            (double[] tt, double[] pp, double[] tp) single = Sums<float, float>(t, layout, p, layout, reader, KernelSwitch.VectorBits);
            Assert.Equal(single.tt, split.tt);
            Assert.Equal(single.pp, split.pp);
            Assert.Equal(single.tp, split.tp);
        }
        finally
        {
            KernelSwitch.SplitRows = true;
        }
    }

    /// <summary>The worker is one named background thread: it never keeps the process alive.</summary>
    [Fact]
    public void The_worker_is_a_named_background_thread()
    {
        _ = SplitCallOnFreshLayouts();
        Assert.True(RowPartition.WorkerStarted);
        var worker = (Thread?)typeof(RowPartition).GetField("s_worker", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null);
        Assert.NotNull(worker);
        Assert.True(worker.IsBackground);
        Assert.Equal("CosineParity row sums", worker.Name);
    }

    /// <summary>After a split call the worker's job holds nothing of it: the layouts it was given can be collected.</summary>
    [Fact]
    public void A_split_call_lets_go_of_its_layouts()
    {
        WeakReference[] layouts = SplitCallOnFreshLayouts();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.All(layouts, layout => Assert.False(layout.IsAlive));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] SplitCallOnFreshLayouts()
    {
        const int Rows = 1024, Columns = 1024;
        float[] t = new float[Rows * Columns], p = new float[Rows * Columns];
        RowLayout tLayout = RowLayout.Create([Rows, Columns], [Columns, 1], [1]), pLayout = RowLayout.Create([Rows, Columns], [Columns, 1], [1]);
        double[] tt = new double[Rows], pp = new double[Rows], tp = new double[Rows];
        RowSums<float>.Three<float, float>(t, tLayout, p, pLayout, SameTypeReader<float>(), tt, pp, tp);
        return [new WeakReference(tLayout), new WeakReference(pLayout)];
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static ElementReader SameTypeReader<T>()
    {
        var precision = Precision.Of(typeof(T) == typeof(float) ? KerasDType.Float32 : KerasDType.Float64);
        return new ElementReader(InputReader.For<T>(precision), InputReader.For<T>(precision));
    }

    /// <summary>The three sums of every row at <paramref name="bits"/> (0: scalar).</summary>
    private static (double[] TT, double[] PP, double[] TP) Sums<TIn, TAcc>(
        TIn[] t, RowLayout tLayout, TIn[] p, RowLayout pLayout, ElementReader reader, int bits)
        where TAcc : unmanaged, IFloatingPointIeee754<TAcc>
    {
        int rows = tLayout.RowCount;
        double[] tt = new double[rows], pp = new double[rows], tp = new double[rows];
        KernelSwitch.Vectorize = bits != 0;
        if (bits != 0)
        {
            KernelSwitch.MaxVectorBits = bits;
        }

        try
        {
            Assert.Equal(bits, KernelSwitch.VectorBits);
            RowSums<TAcc>.Three<TIn, TIn>(t, tLayout, p, pLayout, reader, tt, pp, tp);
        }
        finally
        {
            KernelSwitch.Vectorize = true;
            KernelSwitch.MaxVectorBits = 512;
        }

        return (tt, pp, tp);
    }
}

"""tforacle.exact's arithmetic helpers against values derived by hand (IEEE 754 rules, written out in comments).

Behaviour only (inputs to outputs), so these keep holding whatever the module's internals become.
"""
from __future__ import annotations

import math
import struct

import numpy as np
import pytest
from mpmath import mpf

from tforacle import exact as X

pytestmark = pytest.mark.correctness

TWO = mpf(2)
ULP_SUB = TWO ** -1074          # the smallest positive float64 subnormal, 4.9406564584124654e-324
MIN_NORMAL = TWO ** -1022       # 2.2250738585072014e-308
MAX64 = (2 - TWO ** -52) * TWO ** 1023   # sys.float_info.max: 53 one-bits times 2**971


def f32(bits: int) -> float:
    """The float32 with these bits, as a Python float."""
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def same(a: float, b: float) -> bool:
    """Equal bit for bit (so -0.0 != 0.0 and NaN == NaN)."""
    return struct.pack("<d", a) == struct.pack("<d", b)


# ---- round_float64: round to nearest, ties to even, subnormals, overflow -------------------------------------

@pytest.mark.parametrize("x, want", [
    (mpf(1), 1.0),
    (mpf(-3), -3.0),
    (mpf(0), 0.0),
    # 1/3 at 320 bits rounds to the float64 nearest to 1/3, which is what 1.0 / 3.0 computes (IEEE division)
    (mpf(1) / 3, 1.0 / 3.0),
    (-mpf(2) / 3, -2.0 / 3.0),
    # float64 spacing just above 1 is 2**-52. 1 + 2**-53 is exactly halfway between 1 and 1 + 2**-52: the tie goes
    # to the even significand, 1.0 (truncation or round-half-up would also be caught by the next rows)
    (1 + TWO ** -53, 1.0),
    # 1 + 3 * 2**-53 is halfway between 1 + 2**-52 (odd significand) and 1 + 2**-51 (even): up to 1 + 2**-51
    (1 + 3 * TWO ** -53, 1 + 2.0 ** -51),
    # a hair above the tie goes up; a hair below goes down (320 bits hold 2**-300 next to 1)
    (1 + TWO ** -53 + TWO ** -300, 1 + 2.0 ** -52),
    (1 + 3 * TWO ** -53 - TWO ** -300, 1 + 2.0 ** -52),
    # round to nearest, not toward zero: 1 + 0.75 * 2**-52 is nearer 1 + 2**-52
    (1 + TWO ** -52 * mpf("0.75"), 1 + 2.0 ** -52),
    (-(1 + TWO ** -52 * mpf("0.75")), -(1 + 2.0 ** -52)),
    # not toward +inf either: 1 + 0.25 * 2**-52 is nearer 1
    (1 + TWO ** -52 * mpf("0.25"), 1.0),
])
def test_round_float64_normal_numbers(x: mpf, want: float) -> None:
    assert same(X.round_float64(x), want)


@pytest.mark.parametrize("x, want", [
    # subnormals are multiples of 2**-1074; rounding works on that grid, ties to an even multiple
    (ULP_SUB, 5e-324),
    (ULP_SUB * 3, 3 * 5e-324),
    (ULP_SUB * mpf("0.5"), 0.0),               # tie between 0 (even) and 1 ulp: 0
    (ULP_SUB * mpf("0.50001"), 5e-324),          # just above the tie: 1 ulp, not flushed to zero
    (ULP_SUB * mpf("0.49999"), 0.0),
    (ULP_SUB * mpf("1.5"), 2 * 5e-324),        # tie between 1 (odd) and 2 (even) ulp: 2
    (ULP_SUB * mpf("2.5"), 2 * 5e-324),        # tie between 2 (even) and 3: 2
    (ULP_SUB * mpf("3.5"), 4 * 5e-324),        # tie between 3 and 4 (even): 4
    (ULP_SUB * mpf("1.4"), 5e-324),
    (-ULP_SUB * mpf("1.6"), -2 * 5e-324),
    # the largest subnormal is (2**52 - 1) ulp; half an ulp above it is a tie with 2**52 ulp = the smallest normal
    (MIN_NORMAL - ULP_SUB / 2, 2.0 ** -1022),
    (MIN_NORMAL - ULP_SUB * mpf("0.7"), 2.0 ** -1022 - 5e-324),
    (MIN_NORMAL, 2.0 ** -1022),
    (MIN_NORMAL * 3, 3 * 2.0 ** -1022),
])
def test_round_float64_subnormals(x: mpf, want: float) -> None:
    assert same(X.round_float64(x), want)


@pytest.mark.parametrize("x, want", [
    (MAX64, 1.7976931348623157e308),
    # halfway between MAX64 (odd significand) and 2**1024 rounds to the even one, which overflows: inf
    (MAX64 + TWO ** 970, math.inf),
    (-(MAX64 + TWO ** 970), -math.inf),
    # below the halfway point stays MAX64 (2**900 is well inside 320 bits of 2**1024)
    (MAX64 + TWO ** 970 - TWO ** 900, 1.7976931348623157e308),
    (mpf("inf"), math.inf),
    (mpf("-inf"), -math.inf),
])
def test_round_float64_overflow_and_infinities(x: mpf, want: float) -> None:
    assert same(X.round_float64(x), want)


def test_round_float64_nan() -> None:
    assert math.isnan(X.round_float64(mpf("nan")))
    assert isinstance(X.round_float64(mpf(2)), float)


def test_to_float64_keeps_shape_and_rounds_each_element() -> None:
    got = X.to_float64(np.array([[mpf(1) / 3, 1 + TWO ** -53], [ULP_SUB / 2, mpf("nan")]], dtype=object))
    assert got.dtype == np.float64 and got.shape == (2, 2)
    assert got[0, 0] == 1.0 / 3.0 and got[0, 1] == 1.0 and got[1, 0] == 0.0 and np.isnan(got[1, 1])
    zero_d = X.to_float64(mpf(1) / 3)
    assert zero_d.shape == () and zero_d.dtype == np.float64 and float(zero_d) == 1.0 / 3.0
    empty = X.to_float64(np.zeros((2, 0), dtype=object))
    assert empty.shape == (2, 0) and empty.dtype == np.float64


# ---- array: the values a TF cast would hold, exactly -------------------------------------------------------------
# Read back through to_float64: every value a cast to float16/bfloat16/float32 can produce is a float64, so the
# round trip shows the cast's result exactly, whatever the element type `array` uses inside.

def cast_value(value: float | np.generic, dtype: str | None) -> float:
    got = X.to_float64(X.array(np.asarray(value), dtype))
    assert got.shape == ()
    return float(got)


@pytest.mark.parametrize("dtype, value, want", [
    # float16 has 10 fraction bits: spacing 2**-10 just above 1. 1 + 0.75 * 2**-10 rounds to nearest (up), where
    # truncation would give 1.0; the ties 1 + 2**-11 and 1 + 3 * 2**-11 go to the even significands 1 and 1 + 2**-9
    ("float16", 1 + 0.75 * 2 ** -10, 1 + 2 ** -10),
    ("float16", 1 + 0.25 * 2 ** -10, 1.0),
    ("float16", 1 + 2 ** -11, 1.0),
    ("float16", 1 + 3 * 2 ** -11, 1 + 2 ** -9),
    ("float16", -(1 + 0.75 * 2 ** -10), -(1 + 2 ** -10)),
    ("float16", 65504.0, 65504.0),             # the largest float16
    ("float16", 70000.0, math.inf),            # past 65520 (halfway to 2**16) a cast overflows
    ("float16", 2.0 ** -24, 2.0 ** -24),       # the smallest float16 subnormal
    ("float16", 2.0 ** -26, 0.0),              # a quarter of it: underflows to 0
    # bfloat16 has 7 fraction bits: spacing 2**-7 above 1, the same rules one grid coarser
    ("bfloat16", 1 + 0.75 * 2 ** -7, 1 + 2 ** -7),
    ("bfloat16", 1 + 2 ** -8, 1.0),
    ("bfloat16", 1 + 3 * 2 ** -8, 1 + 2 ** -6),
    # bfloat16 keeps float32's range: 3e38 = 1.76324 * 2**127 and 1.76324 * 128 = 225.69, nearest 226: 226/128 * 2**127
    ("bfloat16", 3.0e38, 226 / 128 * 2.0 ** 127),
    # float32 of 0.1 is 0x3DCCCCCD = 0.100000001490116119384765625 (nearest; truncation gives ...CCCC)
    ("float32", 0.1, f32(0x3DCCCCCD)),
    ("float32", 1e40, math.inf),
    ("float32", -1e40, -math.inf),
    ("float64", 0.1, 0.1),
])
def test_array_rounds_to_the_dtype_to_nearest(dtype: str, value: float, want: float) -> None:
    assert same(cast_value(np.float64(value), dtype), want)


def test_array_without_dtype_keeps_the_inputs_values() -> None:
    # float32 input stays the float32 value (0x3DCCCCCD), not the decimal it was written from
    assert same(cast_value(np.float32(0.1), None), f32(0x3DCCCCCD))
    assert same(cast_value(np.float16(0.1), None), 0.0999755859375)   # float16 0x2E66 = 1638/16384
    assert same(cast_value(np.float64(5e-324), None), 5e-324)
    # int64 and bool convert exactly
    assert X.to_float64(X.array(np.array([2 ** 40 + 1, -3], np.int64))).tolist() == [2.0 ** 40 + 1, -3.0]
    assert X.to_float64(X.array(np.array([True, False]))).tolist() == [1.0, 0.0]


def test_array_keeps_shapes() -> None:
    assert X.to_float64(X.array(np.zeros((2, 0, 3)), "float16")).shape == (2, 0, 3)
    assert X.array(np.zeros((2, 0, 3)), "float16").shape == (2, 0, 3)
    assert X.array(np.ones((2, 3)), "float32").shape == (2, 3)
    assert X.array(2.0).shape == ()
    values = X.to_float64(X.array(np.arange(6.0).reshape(2, 3), "float16"))
    assert values.tolist() == [[0, 1, 2], [3, 4, 5]]   # C order kept


def test_array_keeps_non_finite_values() -> None:
    got = X.to_float64(X.array(np.array([np.inf, -np.inf, np.nan]), "float16"))
    assert got[0] == math.inf and got[1] == -math.inf and math.isnan(got[2])


# ---- constant: Python constants as TF holds them in the compute dtype ----------------------------------------

@pytest.mark.parametrize("value, dtype, want", [
    (1e-12, "float16", 0.0),            # below half the smallest float16 subnormal 2**-24: 0 (fixtures/README.md)
    (1e7, "float16", math.inf),         # past 65520: inf (fixtures/README.md)
    (1.0 / 1e-7, "float16", math.inf),  # Keras 3's cap 1/epsilon in float16
    (1e-12, "float32", f32(0x2B8CBCCC)),   # float32 nearest 1e-12: 9.999999960041972e-13
    (1e-12, "float64", 1e-12),
    (1e-12, "bfloat16", f32(0x2B8D0000)),  # bfloat16 keeps the upper 16 bits, rounded: 0x2B8CBCCC -> 0x2B8D
    (1e7, "float32", 1e7),              # 10**7 < 2**24: exact in float32
    # counts (what sum_over_batch_size divides by): float16 holds every integer up to 2048, then steps of 2 with
    # ties to even: 2049 -> 2048, 2051 -> 2052; bfloat16 steps by 2 above 256: 257 -> 256, 259 -> 260
    (2048, "float16", 2048.0),
    (2049, "float16", 2048.0),
    (2051, "float16", 2052.0),
    (257, "bfloat16", 256.0),
    (259, "bfloat16", 260.0),
    (16777217, "float32", 16777216.0),  # 2**24 + 1 is a tie in float32: down to the even 2**24
    (0.5, "float32", 0.5),
])
def test_constant(value: float, dtype: str, want: float) -> None:
    got = X.constant(value, dtype)
    assert isinstance(got, mpf) and got == mpf(want)


# ---- IEEE helpers -------------------------------------------------------------------------------------------------

NAN = mpf("nan")


@pytest.mark.parametrize("x, want", [
    (mpf(4), mpf("0.5")), (mpf("0.25"), mpf(2)), (mpf(0), mpf("inf")), (mpf("inf"), mpf(0)),
])
def test_rsqrt(x: mpf, want: mpf) -> None:
    assert X.rsqrt(x) == want


def test_rsqrt_is_full_precision() -> None:
    # 1/sqrt(2) to 320 bits: squaring it must give 1/2 to about 2**-318
    r = X.rsqrt(mpf(2))
    assert abs(r * r - mpf("0.5")) < TWO ** -310
    assert abs(float(r) - 0.7071067811865476) < 1e-16


@pytest.mark.parametrize("x", [mpf(-1), mpf("-inf"), NAN, -TWO ** -1000])
def test_rsqrt_of_negative_or_nan_is_nan(x: mpf) -> None:
    assert X.is_nan(X.rsqrt(x))


def test_maximum_minimum() -> None:
    one, two = mpf(1), mpf(2)
    assert X.maximum(one, two) == two and X.maximum(two, one) == two
    assert X.minimum(one, two) == one and X.minimum(two, one) == one
    assert X.maximum(one, one) == one and X.minimum(two, two) == two
    assert X.maximum(mpf("-inf"), one) == one and X.minimum(mpf("inf"), one) == one


@pytest.mark.parametrize("a, b", [(NAN, mpf(1)), (mpf(1), NAN), (NAN, NAN), (NAN, mpf("-inf")), (mpf("inf"), NAN)])
def test_maximum_minimum_propagate_nan(a: mpf, b: mpf) -> None:
    # IEEE maximum/minimum as TF's kernels do them: NaN in, NaN out (Python's max would pick by comparison order)
    assert X.is_nan(X.maximum(a, b)) and X.is_nan(X.minimum(a, b))


def test_is_nan() -> None:
    assert X.is_nan(NAN) and not X.is_nan(mpf("inf")) and not X.is_nan(mpf(0))
    assert X.is_nan(X.NAN) and X.INF == mpf("inf") and X.INF > 0


def test_elementwise_keeps_shape() -> None:
    got = X.elementwise(lambda v: v * 2, np.array([[mpf(1), mpf(2)], [mpf(3), mpf(4)]], dtype=object))
    assert got.shape == (2, 2) and got.dtype == object and got[1, 0] == 6
    zero_d = X.elementwise(lambda v: v + 1, np.asarray(mpf(1), dtype=object))
    assert zero_d.shape == () and zero_d[()] == 2
    assert X.elementwise(lambda v: v, np.zeros((0, 3), dtype=object)).shape == (0, 3)


# ---- axes and sums ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("axis, rank, want", [
    (-1, 3, (2,)), (0, 3, (0,)), (2, 3, (2,)), (-3, 3, (0,)),
    ([0, -1], 3, (0, 2)),
    ([2, 0], 3, (0, 2)),          # sorted
    ([1, -2], 3, (1,)),           # -2 is 1 in rank 3: duplicates collapse
    ((0, 1), 2, (0, 1)),
    ([], 2, ()),
    (0, 1, (0,)), (-1, 1, (0,)),
])
def test_axis_tuple(axis: int | list[int], rank: int, want: tuple[int, ...]) -> None:
    assert X.axis_tuple(axis, rank) == want


@pytest.mark.parametrize("axis, rank, bad", [(3, 3, 3), (-4, 3, -4), ([0, 2], 2, 2), (-1, 0, -1), (0, 0, 0)])
def test_axis_tuple_out_of_range(axis: int | list[int], rank: int, bad: int) -> None:
    with pytest.raises(ValueError, match=rf"^axis {bad} out of range for rank {rank}$"):
        X.axis_tuple(axis, rank)


def test_total() -> None:
    x = X.array(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    assert X.to_float64(X.total(x)).tolist() == 21.0
    assert X.to_float64(X.total(x, (1,))).tolist() == [6.0, 15.0]
    assert X.to_float64(X.total(x, (0,))).tolist() == [5.0, 7.0, 9.0]
    assert X.to_float64(X.total(x, (1,), keepdims=True)).tolist() == [[6.0], [15.0]]
    assert X.to_float64(X.total(x, (0, 1))).tolist() == 21.0
    # axis () reduces nothing: the input comes back as it is
    assert X.to_float64(X.total(x, ())).tolist() == [[1, 2, 3], [4, 5, 6]]
    # 2**-300 survives next to 1 at 320 bits (a float64 sum would drop it)
    assert X.to_float64(X.total(np.array([mpf(1), TWO ** -300, mpf(-1)], dtype=object))).tolist() == 2.0 ** -300
    # the float64 inputs 0.3 = 5404319552844595 * 2**-54, 0.2 = 3602879701896397 * 2**-54 and
    # 0.1 = 3602879701896397 * 2**-55 sum exactly to (10808639105689190 - 7205759403792794 - 3602879701896397)
    # * 2**-55 = -2**-55
    assert X.to_float64(X.total(X.array(np.array([0.3, -0.2, -0.1])))).tolist() == -(2.0 ** -55)


def test_total_of_nothing_is_zero() -> None:
    assert X.to_float64(X.total(np.zeros((0,), dtype=object))).tolist() == 0.0
    assert X.to_float64(X.total(X.array(np.zeros((0,)), "float32"))).tolist() == 0.0
    assert X.to_float64(X.total(X.array(np.zeros((2, 0))), (1,))).tolist() == [0.0, 0.0]
    assert X.to_float64(X.total(X.array(np.zeros((0, 3))), (0,), keepdims=True)).tolist() == [[0.0, 0.0, 0.0]]


# ---- the shared formula pieces --------------------------------------------------------------------------------------

def test_cosine_sum() -> None:
    t = X.array(np.array([[1.0, 2.0], [3.0, 4.0]]))
    p = X.array(np.array([[5.0, 6.0], [7.0, 8.0]]))
    # rows: 1*5 + 2*6 = 17, 3*7 + 4*8 = 53; columns: 1*5 + 3*7 = 26, 2*6 + 4*8 = 44; all: 70
    assert X.to_float64(X.cosine_sum(t, p, -1)).tolist() == [17.0, 53.0]
    assert X.to_float64(X.cosine_sum(t, p, 0)).tolist() == [26.0, 44.0]
    whole = X.to_float64(X.cosine_sum(t, p, [0, 1]))
    assert whole.shape == () and whole.tolist() == 70.0
    # broadcasting: (1, 2) against (3, 2), axis counted against the product's rank 2
    row = X.array(np.array([[1.0, -1.0]]))
    many = X.array(np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]))
    assert X.to_float64(X.cosine_sum(row, many, 1)).tolist() == [1.0, -1.0, 0.0]
    # a zero-size batch stays zero-size
    empty = X.cosine_sum(X.array(np.zeros((0, 4))), X.array(np.zeros((0, 4))), -1)
    assert empty.shape == (0,)

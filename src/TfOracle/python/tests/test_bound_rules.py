"""Each rule of the error bound (fixtures/README, "The error bound") and each reduction rule of the profiles,
checked against numbers derived by hand in the test (the derivation is in the comments), never against another
call of the code under test. Without TensorFlow (`pytest -m correctness`)."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from mpmath import mpf

from tforacle import compare as C
from tforacle import exact as X
from tforacle import gradient as G
from tforacle.case import Case, Outcome, Reference, Scalar, Step
from tforacle.profiles import PROFILES, keras_args, mask_scale, mean_over, squeeze_last

pytestmark = pytest.mark.correctness

U32, U16, U64, UB = 2.0 ** -24, 2.0 ** -11, 2.0 ** -53, 2.0 ** -8
TINY32, TINY16, TINY64 = 2.0 ** -126, 2.0 ** -14, 2.0 ** -1022
INF = math.inf
K2, K3 = PROFILES["keras2"], PROFILES["keras3"]


def B(v, e: float, dtype: str | None) -> X.Bounded:
    return X.Bounded(mpf(v), e, dtype)


def one(a) -> X.Bounded:
    """The single element of a 0-d or 1-element array."""
    return np.asarray(a, dtype=object).reshape(-1)[0]


# ---- constants per dtype ------------------------------------------------------------------------------------

def test_precision_table() -> None:
    # README table: u, tiny, max per dtype
    assert (X.PRECISION["float16"].unit, X.PRECISION["float16"].tiny, X.PRECISION["float16"].largest) == \
        (U16, TINY16, 65504.0)
    assert (X.PRECISION["float32"].unit, X.PRECISION["float32"].tiny) == (U32, TINY32)
    assert X.PRECISION["float32"].largest == float(np.finfo(np.float32).max)
    assert (X.PRECISION["float64"].unit, X.PRECISION["float64"].tiny) == (U64, TINY64)
    assert (X.PRECISION["bfloat16"].unit, X.PRECISION["bfloat16"].tiny) == (UB, TINY32)
    assert X.PRECISION["bfloat16"].largest == 3.3895313892515355e38   # (2 - 2**-7) * 2**127
    assert X.RSQRT_UNITS == 4 and X.BOUND_SLACK == 1 + 2.0 ** -30


def test_gamma() -> None:
    p = X.PRECISION["float16"]
    # gamma(k) = k u / (1 - k u): gamma(1) in float16 = 2**-11 / (1 - 2**-11) = 1 / 2047
    assert p.gamma(1) == 1 / 2047
    assert p.gamma(0) == 0.0
    # k u = 1023 / 2048 < 1/2: finite, 1023/1025; k u = 1/2 exactly: infinite
    assert p.gamma(1023) == 1023 / 1025
    assert p.gamma(1024) == INF


# ---- inputs and constants --------------------------------------------------------------------------------------

def test_normal_input_has_no_error() -> None:
    a = one(X.array(np.float32([1.5])))
    assert (a.v, a.e, a.dtype, a.g) == (mpf(1.5), 0.0, "float32", 1.5)


def test_subnormal_input_carries_its_magnitude() -> None:
    # 2**-130 is a float32 subnormal (below 2**-126): it may be read as 0, so e = |x| = 2**-130
    a = one(X.array(np.float32([-2.0 ** -130])))
    assert (a.v, a.e) == (-mpf(2) ** -130, 2.0 ** -130)
    # the smallest normal is not below tiny: e = 0; zero: e = 0
    assert one(X.array(np.float32([2.0 ** -126]))).e == 0.0
    assert one(X.array(np.float32([0.0]))).e == 0.0
    # a float64 value that is normal in float64 but subnormal once cast to float32
    c = one(X.array(np.float64([2.0 ** -140]), "float32"))
    assert (c.v, c.e, c.dtype) == (mpf(2) ** -140, 2.0 ** -140, "float32")


def test_integer_inputs_are_exact_numbers() -> None:
    a = X.array(np.asarray([3, -2], np.int32))
    assert list(a) == [mpf(3), mpf(-2)] and not isinstance(a[0], X.Bounded)


def test_constants_are_exact() -> None:
    # fl16(1e-12) = 0 (below half the smallest float16 subnormal 2**-24), fl16(1e7) = inf, fl32(1e7) = 1e7
    assert X.constant(1e-12, "float16") == 0
    assert X.constant(1e7, "float16") == mpf("inf")
    assert X.constant(1e7, "float32") == mpf(10 ** 7)
    # fl32(0.1) = 13421773 * 2**-27
    assert X.constant(0.1, "float32") == mpf(13421773) * mpf(2) ** -27
    assert isinstance(X.constant(0.1, "float32"), mpf)


def test_bounded_of_and_repr() -> None:
    b = X.Bounded.of(3)
    assert (b.v, b.e, b.dtype, b.g) == (mpf(3), 0.0, None, 3.0)
    assert X.Bounded.of(b) is b
    assert repr(B(0.5, 0.25, "float32")) == "Bounded(0.5, 0.25, float32)"
    assert B(2, 1.0, "float32") == 2 and B(2, 1.0, "float32") == B(2, 0.0, None)
    assert not (B(2, 0.0, "float32") == 3)


# ---- one rounding --------------------------------------------------------------------------------------------

def test_product_of_two_float32_inputs() -> None:
    a, b = X.array(np.float32([1.5, 3.0]))
    p = a * b
    # exact 4.5, inputs exact (spread 0): e = u * 4.5
    assert (p.v, p.e, p.dtype, p.g) == (mpf(4.5), 4.5 * U32, "float32", 4.5)


def test_product_with_input_errors() -> None:
    a, b = B(2, 2.0 ** -20, "float32"), B(-3, 2.0 ** -22, "float32")
    p = a * b
    # spread = |a| e_b + |b| e_a + e_a e_b = 2*2**-22 + 3*2**-20 + 2**-42; e = spread + u (6 + spread)
    spread = 2 * 2.0 ** -22 + 3 * 2.0 ** -20 + 2.0 ** -42
    assert p.v == -6 and p.e == spread + U32 * (6 + spread)


def test_product_with_exact_constant_and_reflected_operators() -> None:
    a = B(3, 0.0, "float64")
    p = 2 * a   # __rmul__: 6, e = u64 * 6
    assert (p.v, p.e, p.dtype) == (6, 6 * U64, "float64")
    q = a * mpf(2)
    assert (q.v, q.e) == (6, 6 * U64)
    # two exact constants: no rounding, no dtype
    c = X.Bounded.of(3) * X.Bounded.of(5)
    assert (c.v, c.e, c.dtype) == (15, 0.0, None)


def test_sum_and_difference_of_two() -> None:
    a, b = B(1, 2.0 ** -30, "float32"), B(2, 2.0 ** -31, "float32")
    s = a + b
    # spread = e_a + e_b; e = spread + u * (3 + spread)
    spread = 2.0 ** -30 + 2.0 ** -31
    assert (s.v, s.e) == (3, spread + U32 * (3 + spread))
    d = a - b   # -1: same spread, e = spread + u * (1 + spread)
    assert (d.v, d.e) == (-1, spread + U32 * (1 + spread))
    r = 5 - a   # __rsub__: 4, spread 2**-30
    assert (r.v, r.e) == (4, 2.0 ** -30 + U32 * (4 + 2.0 ** -30))
    r2 = 5 + a  # __radd__
    assert (r2.v, r2.e) == (6, 2.0 ** -30 + U32 * (6 + 2.0 ** -30))
    n = -a
    assert (n.v, n.e, n.g, n.dtype) == (-1, 2.0 ** -30, -1.0, "float32")


def test_mixed_dtypes_round_in_the_coarser() -> None:
    s = B(1, 0.0, "float64") + B(2, 0.0, "float16")
    assert (s.dtype, s.e) == ("float16", 3 * U16)
    s2 = B(1, 0.0, "float32") + B(2, 0.0, "float64")
    assert (s2.dtype, s2.e) == ("float32", 3 * U32)
    s3 = B(1, 0.0, None) + B(2, 0.0, "bfloat16")
    assert (s3.dtype, s3.e) == ("bfloat16", 3 * UB)


def test_result_below_tiny_may_flush() -> None:
    # 2**-70 * 2**-70 = 2**-140 < tiny: e = u * 2**-140 + min(2**-140, tiny) = 2**-140 (1 + 2**-24)
    p = B(2.0 ** -70, 0.0, "float32") * B(2.0 ** -70, 0.0, "float32")
    assert p.e == 2.0 ** -140 + 2.0 ** -164
    # |v| - s < tiny <= |v| + s: the flush term is capped at tiny. v = 2**-126, s = 2**-127 (from e_a):
    # e = s + u (2**-126 + s) + min(2**-126 + 2**-127, 2**-126)
    q = B(2.0 ** -126, 2.0 ** -127, "float32") * X.Bounded.of(1)
    s = 2.0 ** -127
    assert q.e == s + U32 * (2.0 ** -126 + s) + 2.0 ** -126
    # exactly 0 with no spread: no flush term
    z = B(0, 0.0, "float32") * B(5, 0.0, "float32")
    assert z.e == 0.0
    # just above tiny with no spread: no flush term
    w = B(2.0 ** -125, 0.0, "float32") * X.Bounded.of(1)
    assert w.e == U32 * 2.0 ** -125


def test_overflow_gives_inf() -> None:
    # float16: 300 * 300 = 90000 >= 65504 may overflow
    a = B(300, 0.0, "float16")
    assert (a * a).e == INF
    # 255 * 256 = 65280 < 65504: e = u * 65280 (65280 + spread 0 stays below max)
    assert (B(255, 0.0, "float16") * B(256, 0.0, "float16")).e == 65280 * U16
    # spread pushes the magnitude to max: 65000 + 504 (spread) >= 65504
    assert (B(65000, 504.0, "float16") * X.Bounded.of(1)).e == INF
    assert (B(65504, 0.0, "float16") * X.Bounded.of(1)).e == INF


def test_forced_non_finite_results() -> None:
    # inf * 2: the inf is forced by exact inputs: e = 0
    p = B("inf", 0.0, "float32") * B(2, 0.0, "float32")
    assert mpmath.isinf(p.v) and p.e == 0.0
    # inf * 0 = NaN, forced: e = 0
    n = B("inf", 0.0, "float32") * B(0, 0.0, "float32")
    assert mpmath.isnan(n.v) and n.e == 0.0
    # an input with an error: the spread is inf * e = inf, so the result is unbounded
    q = B("inf", 0.0, "float32") * B(2, 0.5, "float32")
    assert q.e == INF
    # a NaN spread counts as unbounded: X.rounded directly
    r = X.rounded(mpf(1), math.nan, "float32")
    assert r.e == INF
    # an exact constant (dtype None) keeps its spread unrounded
    c = X.rounded(mpf(1), 0.5, None)
    assert (c.e, c.dtype, c.g) == (0.5, None, 1.0)


def test_error_term_helpers() -> None:
    assert X._plus(1.0, 2.0) == 3.0 and X._plus(INF, -INF) == INF and X._plus() == 0
    assert X._times(0.0, INF) == INF and X._times(2.0, 3.0) == 6.0


# ---- quotients -------------------------------------------------------------------------------------------------

def test_quotient_of_exact_operands() -> None:
    q = B(1, 0.0, "float32") / B(4, 0.0, "float32")
    # 1/4, spread 0: e = u * 0.25
    assert (q.v, q.e) == (mpf(0.25), 0.25 * U32)
    t = B(1, 0.0, "float64") / B(3, 0.0, "float64")
    assert t.v == mpf(1) / 3 and t.e == U64 * (1 / 3)
    r = 1 / B(8, 0.0, "float64")   # __rtruediv__
    assert (r.v, r.e) == (mpf(0.125), 0.125 * U64)


def test_quotient_with_errors() -> None:
    a, b = B(1, 2.0 ** -10, "float64"), B(4, 2.0 ** -8, "float64")
    q = a / b
    # spread = (|b| e_a + |a| e_b) / (|b| (|b| - e_b)) = (4*2**-10 + 2**-8) / (4 (4 - 2**-8)) = 2**-7 / (16 - 2**-6)
    spread = 2.0 ** -7 / (16 - 2.0 ** -6)
    assert q.v == mpf(0.25)
    assert q.e == pytest.approx(spread + U64 * (0.25 + spread), rel=1e-15)
    assert q.e >= spread


@pytest.mark.parametrize("eb", [1.0, 2.0])
def test_quotient_divisor_may_be_zero(eb: float) -> None:
    # e_b >= |b|: the computed divisor may be 0
    q = B(3, 0.0, "float32") / B(1, eb, "float32")
    assert q.e == INF and q.v == 3


def test_quotient_by_exact_zero() -> None:
    q = B(1, 0.0, "float32") / B(0, 0.0, "float32")
    assert q.v == mpf("inf") and q.e == 0.0
    m = B(-2, 0.0, "float32") / B(0, 0.0, "float32")
    assert m.v == mpf("-inf")
    z = B(0, 0.0, "float32") / B(0, 0.0, "float32")
    assert mpmath.isnan(z.v) and z.e == 0.0
    n = B("nan", 0.0, "float32") / B(0, 0.0, "float32")
    assert mpmath.isnan(n.v)


def test_quotient_of_infinite_numerator() -> None:
    # inf / 2 with e_b > 0: no spread formula for an infinite numerator; the forced inf has e = 0
    q = B("inf", 0.0, "float32") / B(2, 0.5, "float32")
    assert mpmath.isinf(q.v) and q.e == 0.0


def test_quotient_of_an_unbounded_infinite_numerator() -> None:
    # inf / 2 where the inf itself is uncertain (e = inf, e.g. downstream of a norm that may compute as 0): the
    # result may be anything, so e = inf (a forced inf, e = 0, is the test above)
    q = B("inf", INF, "float32") / B(2, 0.0, "float32")
    assert mpmath.isinf(q.v) and q.e == INF


def test_certain_nan_absorbs_every_operand() -> None:
    # README: an operand that is NaN with e = 0 makes the result NaN with e = 0 whatever the other operand is,
    # even an unbounded one; the result rounds in the coarser dtype (float16 here)
    nan, wide = B("nan", 0.0, "float16"), B(1, INF, "float32")
    for r in (nan + wide, wide + nan, nan * wide, wide * nan, nan / wide, wide / nan, nan - wide, wide - nan):
        assert mpmath.isnan(r.v) and r.e == 0.0 and r.dtype == "float16" and math.isnan(r.g)
    # a NaN that is not certain (e = inf) absorbs nothing: the sum is NaN and unbounded
    loose = B("nan", INF, "float32") + B(1, 0.0, "float32")
    assert mpmath.isnan(loose.v) and loose.e == INF


def test_certain_nan_in_a_sum_per_row() -> None:
    # row 0: a certain NaN beside an unbounded 1: NaN with e = 0
    # row 1: 1 (e = 0.5) + 2: no NaN, e = 0.5 + gamma(1) * 3.5 + tiny (float32)
    # row 2: an uncertain NaN (e = inf) + 1: NaN with e = inf
    x = np.asarray([[B("nan", 0.0, "float32"), B(1, INF, "float32")],
                    [B(1, 0.5, "float32"), B(2, 0.0, "float32")],
                    [B("nan", INF, "float32"), B(1, 0.0, "float32")]], object)
    rows = X.total(x, (1,))
    assert mpmath.isnan(rows[0].v) and rows[0].e == 0.0
    assert rows[1].v == 3 and rows[1].e == 0.5 + (U32 / (1 - U32)) * 3.5 + TINY32
    assert mpmath.isnan(rows[2].v) and rows[2].e == INF


def test_divide_no_nan() -> None:
    # exact zero divisor: 0 with e = 0
    z = X.divide_no_nan(B(3, 0.5, "float32"), B(0, 0.0, "float32"))
    assert z == 0 and isinstance(z, mpf) and X.to_bound(z) == 0.0
    assert X.divide_no_nan(mpf(3), 0) == 0
    # a zero divisor that may compute as non-zero: a branch
    w = X.divide_no_nan(B(3, 0.0, "float32"), B(0, 2.0 ** -20, "float32"))
    assert (w.v, w.e, w.dtype) == (0, INF, "float32")
    # otherwise a quotient: 3 / 4 = 0.75, e = u * 0.75
    q = X.divide_no_nan(B(3, 0.0, "float32"), B(4, 0.0, "float32"))
    assert (q.v, q.e) == (mpf(0.75), 0.75 * U32)


def test_objects_keeps_python_numbers_as_objects() -> None:
    # Python ints stay Python ints (no int64), a numpy scalar stays one 0-d element
    ints = X.objects([1, 2])
    assert ints.dtype == object and type(ints[0]) is int
    scalar = X.objects(np.float32(1.5))
    assert scalar.dtype == object and scalar.shape == () and type(scalar[()]) is np.float32


# ---- sums ----------------------------------------------------------------------------------------------------

def test_sum_of_k_nonzero_terms() -> None:
    s = X.total(X.array(np.float32([1, 2, 4])))
    # k = 3: gamma(2) * sum |v| + 2 tiny = 2u/(1-2u) * 7 + 2**-125
    assert s.v == 7 and s.e == (2 * U32 / (1 - 2 * U32)) * 7 + 2 * TINY32


def test_exact_zeros_add_no_error() -> None:
    s = X.total(X.array(np.float32([0, 1, 0, 2, 0, 4, 0])))
    assert s.e == (2 * U32 / (1 - 2 * U32)) * 7 + 2 * TINY32
    # one non-zero term: nothing rounds, e = its own e
    one_term = X.total(np.asarray([B(0, 0.0, "float32"), B(5, 0.25, "float32"), B(0, 0.0, "float32")], object))
    assert (one_term.v, one_term.e) == (5, 0.25)
    # all zero: 0 with e = 0
    zero = X.total(X.array(np.float32([0, 0])))
    assert (zero.v, zero.e) == (0, 0.0)


def test_zero_with_error_counts_as_a_term() -> None:
    # |v| + e > 0 for the 0 with e = 2**-30: k = 2; gamma(1) = u/(1-u); mass = 1 + 2**-30
    s = X.total(np.asarray([B(0, 2.0 ** -30, "float32"), B(1, 0.0, "float32")], object))
    assert s.e == 2.0 ** -30 + (U32 / (1 - U32)) * (1 + 2.0 ** -30) + TINY32


def test_sum_float64_two_terms_and_axis() -> None:
    x = X.array(np.asarray([[1.0, 2.0], [4.0, 0.0]]))
    rows = X.total(x, (1,))
    # row 0: k = 2, gamma(1) * 3 + tiny64; row 1: one term, e = 0
    assert rows[0].v == 3 and rows[0].e == (U64 / (1 - U64)) * 3 + TINY64
    assert rows[1].v == 4 and rows[1].e == 0.0
    kept = X.total(x, (0,), keepdims=True)
    assert kept.shape == (1, 2) and kept[0, 0].v == 5 and kept[0, 1].v == 2 and kept[0, 1].e == 0.0
    assert X.total(x, ()) is not None and X.total(x, ()).shape == (2, 2)


def test_sum_of_mixed_dtypes_rounds_in_the_coarser() -> None:
    s = X.total(np.asarray([B(1, 0.0, "float64"), B(1, 0.0, "float16"), mpf(1)], object))
    # k = 3 in float16: gamma(2) * 3 + 2 * 2**-14
    assert s.dtype == "float16" and s.e == (2 * U16 / (1 - 2 * U16)) * 3 + 2 * TINY16


def test_sum_of_exact_constants_is_exact() -> None:
    s = X.total(np.asarray([mpf(1), mpf(2)], object))
    assert s == 3 and isinstance(s, mpf)
    e = X.total(np.asarray([], object))
    assert e == 0
    rows = X.total(np.asarray([[mpf(1), mpf(2)], [mpf(3), mpf(4)]], object), (1,))
    assert list(rows) == [3, 7] and isinstance(rows[0], mpf)


def test_sum_overflow_and_non_finite() -> None:
    # 3e38 + 3e38 = 6e38 > float32 max: e = inf
    s = X.total(np.asarray([B(3e38, 0.0, "float32"), B(3e38, 0.0, "float32")], object))
    assert s.e == INF
    # a forced inf: e = 0; with an unbounded term: inf
    i = X.total(np.asarray([B("inf", 0.0, "float32"), B(1, 0.0, "float32")], object))
    assert mpmath.isinf(i.v) and i.e == 0.0
    j = X.total(np.asarray([B("inf", 0.0, "float32"), B(1, INF, "float32")], object))
    assert j.e == INF
    n = X.total(np.asarray([B("nan", 0.0, "float32"), B(1, 0.0, "float32")], object))
    assert mpmath.isnan(n.v) and n.e == 0.0
    # a finite exact sum whose float image overflows (2**1023 + 2**1023 in float64): |v| >= max, e = inf
    big = X.total(np.asarray([B(mpf(2) ** 1023, 0.0, "float64"), B(mpf(2) ** 1023, 0.0, "float64")], object))
    assert big.v == mpf(2) ** 1024 and big.e == INF


def test_sum_overflow_of_a_partial_sum() -> None:
    # 60000 + 60000 - 60000 in float16: the exact sum 60000 is finite, but left to right the partial sum 120000
    # overflows and the result is inf (TF 2.21's tf.reduce_sum gives inf for exactly these three numbers).
    # Positive terms reach 120000 >= 65504: e = inf. The same with the negative terms reaching it.
    assert X.total(X.array(np.float16([60000, 60000, -60000]))).e == INF
    assert X.total(X.array(np.float16([-40000, 30000, -40000]))).e == INF
    # 30000 + 30000 - 30000: no order passes 60000 (positives 60000, negatives 30000); mass 90000, k = 3:
    # e = gamma(2) * 90000 + 2 tiny = 2u/(1-2u) * 90000 + 2**-13, and 60000 + e < 65504: finite
    s = X.total(X.array(np.float16([30000, 30000, -30000])))
    assert s.v == 30000 and s.e == (2 * U16 / (1 - 2 * U16)) * 90000 + 2 * TINY16
    # a term's own error counts on both sides: 32000 + 32000 (+-1000) - 32000 reaches 65000 + e >= 65504
    t = X.total(np.asarray([B(32000, 0.0, "float16"), B(32000, 1000.0, "float16"), B(-32000, 0.0, "float16")],
                           object))
    assert t.e == INF
    u = X.total(np.asarray([B(32000, 0.0, "float16"), B(32000, 0.0, "float16"), B(-32000, 0.0, "float16")],
                           object))
    assert u.e == (2 * U16 / (1 - 2 * U16)) * 96000 + 2 * TINY16


def test_one_live_term_at_max_does_not_overflow() -> None:
    # 65504 + 0 in float16: one non-zero term, so nothing rounds and nothing can overflow: e = 0
    assert X.total(X.array(np.float16([65504, 0]))).e == 0.0
    assert X.total(X.array(np.float16([0, -65504, 0]))).e == 0.0


def test_sum_reach_just_below_max() -> None:
    # 65472 - 0.5 in float16: positives reach 65472, negatives 0.5; k = 2, mass 65472.5:
    # e = gamma(1) * 65472.5 + tiny = 65472.5/2047 + 2**-14 = 31.98461... and 65472 + e = 65503.98 < 65504: finite
    e = 65472.5 / 2047 + TINY16
    assert X.total(X.array(np.float16([65472, -0.5]))).e == e
    # the mirror image: negatives reach 65472
    assert X.total(X.array(np.float16([-65472, 0.5]))).e == e
    # negative terms with their errors: 65000 + 400 + 100 (e) = 65500, plus e >= 100: inf
    assert X.total(np.asarray([B(-65000, 0.0, "float16"), B(-400, 100.0, "float16")], object)).e == INF


def test_sum_gamma_infinite_for_many_float16_terms() -> None:
    # 1025 ones in float16: k - 1 = 1024, k u = 1/2: gamma infinite
    s = X.total(X.array(np.ones(1025, np.float16)))
    assert s.e == INF
    # 1024 ones: gamma(1023) = 1023/1025, mass 1024, + 1023 * 2**-14; |v| + e stays below 65504
    t = X.total(X.array(np.ones(1024, np.float16)))
    assert t.e == (1023 / 1025) * 1024 + 1023 * TINY16


# ---- casts and 1/norm ------------------------------------------------------------------------------------------

def test_cast_adds_one_rounding() -> None:
    c = X.cast(B(1, 2.0 ** -30, "float64"), "float16")
    # R(1, 2**-30) in float16 = 2**-30 + 2**-11 (1 + 2**-30)
    assert (c.v, c.e, c.dtype) == (1, 2.0 ** -30 + U16 * (1 + 2.0 ** -30), "float16")
    arr = X.cast(np.asarray([B(2, 0.0, "float64"), mpf(4)], object), "float32")
    assert arr.shape == (2,) and arr[0].e == 2 * U32 and arr[1].e == 4 * U32 and arr[1].dtype == "float32"


def test_inverse_norm_keras2_clamp_lets_s_through() -> None:
    clamp = K2.clamp("float32")
    assert clamp.form == "max" and clamp.constant == mpf(float(np.float32(1e-12)))
    r = X.inverse_norm(B(4, 0.0, "float32"), clamp)
    # m = 4, r = 1/2, e = r ((1 - 0)**-0.5 (1 + 4u) - 1) = 0.5 * 4u = 2**-23
    assert (r.v, r.e, r.dtype) == (mpf(0.5), 2.0 ** -23, "float32")
    es = 2.0 ** -20
    r2 = X.inverse_norm(B(4, es, "float32"), clamp)
    assert r2.e == 0.5 * ((1 - es / 4) ** -0.5 * (1 + 4 * U32) - 1)


def test_inverse_norm_keras2_clamp_holds() -> None:
    clamp = K2.clamp("float32")
    floor = float(np.float32(1e-12))
    r = X.inverse_norm(B(0, 0.0, "float32"), clamp)
    # m = max(0, floor) = floor; r = floor**-0.5 (about 1e6); e = r * 4u
    want = 1 / mpmath.sqrt(mpf(floor))
    assert r.v == want and r.e == float(want) * 2.0 ** -22
    es = floor / 4
    r2 = X.inverse_norm(B(floor / 8, es, "float32"), clamp)
    assert r2.v == want and r2.e == float(want) * ((1 - es / floor) ** -0.5 * (1 + 4 * U32) - 1)


def test_inverse_norm_keras3_cap() -> None:
    clamp = K3.clamp("float32")
    assert clamp.form == "min" and clamp.constant == 10 ** 7 and clamp.floor == mpf(10) ** -14
    r = X.inverse_norm(B(0, 0.0, "float32"), clamp)
    # min(rsqrt(0) = inf, 1e7) = 1e7; m = floor = 1e-14; e = 1e7 * 4u
    assert r.v == 10 ** 7 and r.e == 1e7 * 2.0 ** -22
    es = 2.5e-15
    r2 = X.inverse_norm(B(1e-15, es, "float32"), clamp)
    m = float(mpf(10) ** -14)
    assert r2.v == 10 ** 7 and r2.e == 1e7 * ((1 - es / m) ** -0.5 * (1 + 4 * U32) - 1)
    # above the floor: s = 1/4 -> r = 2 (rsqrt wins over the cap), e = 2 * 4u
    r3 = X.inverse_norm(B(0.25, 0.0, "float32"), clamp)
    assert (r3.v, r3.e) == (2, 2 * 2.0 ** -22)


def test_inverse_norm_float16_has_no_clamp() -> None:
    k3, k2 = K3.clamp("float16"), K2.clamp("float16")
    assert k3.constant == mpf("inf") and k3.floor == 0 and k2.constant == 0 and k2.floor == 0
    for clamp in (k2, k3):
        # exactly zero s: rsqrt(0) = inf, forced: e = 0; s that may be 0: e = inf
        r = X.inverse_norm(B(0, 0.0, "float16"), clamp)
        assert mpmath.isinf(r.v) and r.e == 0.0
        assert X.inverse_norm(B(0, 2.0 ** -20, "float16"), clamp).e == INF
        # s = 4: r = 1/2, e = 0.5 * 4 * 2**-11 = 2**-10
        r4 = X.inverse_norm(B(4, 0.0, "float16"), clamp)
        assert (r4.v, r4.e) == (0.5, 2.0 ** -10)


def test_inverse_norm_branches_and_constants() -> None:
    clamp = K2.clamp("float32")
    # e_s >= m: the computed s may be 0
    assert X.inverse_norm(B(4, 4.0, "float32"), clamp).e == INF
    assert X.inverse_norm(B(4, 5.0, "float32"), clamp).e == INF
    # NaN s
    n = X.inverse_norm(B("nan", 0.0, "float32"), clamp)
    assert mpmath.isnan(n.v) and n.e == 0.0
    # an exact constant s: an exact constant r
    assert X.inverse_norm(mpf(4), clamp) == mpf(0.5)


def test_clamp_values() -> None:
    assert X.Clamp("max", mpf(4)).value(mpf(1)) == mpf(0.5)        # rsqrt(max(1, 4))
    assert X.Clamp("max", mpf(4)).value(mpf(16)) == mpf(0.25)
    assert X.Clamp("min", mpf(2)).value(mpf(1) / 16) == 2           # min(4, 2)
    assert X.Clamp("min", mpf(2)).value(mpf(1)) == 1
    assert X.Clamp("min", mpf(2)).floor == mpf(0.25)


# ---- the stored bound ------------------------------------------------------------------------------------------

def test_to_bound_slack_and_rounding_up() -> None:
    # exactly representable v, e = 2**-20: (2**-20 (1 + 2**-30)) = 2**-20 + 2**-50, then one ulp up (2**-72)
    b = X.to_bound(np.asarray([B(1, 2.0 ** -20, "float32")], object))
    assert b.tolist() == [2.0 ** -20 + 2.0 ** -50 + 2.0 ** -72]
    # exact, representable, e = 0: 0
    assert X.to_bound(B(1, 0.0, "float32")).tolist() == 0.0
    # an exact constant: 0
    assert X.to_bound(mpf(1) / 3).tolist() == 0.0


def test_to_bound_covers_the_rounding_of_exact() -> None:
    # 1/3 - fl64(1/3) = 1/3 - 6004799503160661 / 2**54 = 1 / (3 * 2**54)
    third = X.Bounded(mpf(1) / 3, 0.0, "float64")
    rounding = 2.0 ** -54 / 3
    got = float(X.to_bound(third))
    assert got == math.nextafter(rounding * (1 + 2.0 ** -30), INF)
    assert got >= float(abs(mpf(1) / 3 - mpf(1 / 3)))


def test_to_bound_non_finite() -> None:
    assert X.to_bound(B("inf", 0.0, "float32")).tolist() == 0.0
    assert X.to_bound(B("nan", 0.0, "float32")).tolist() == 0.0
    assert X.to_bound(B("nan", 1.0, "float32")).tolist() == INF
    # exact finite but beyond float64: stored as inf, the rounding is unbounded
    assert X.to_bound(B(mpf(2) ** 1100, 0.0, "float64")).tolist() == INF


# ---- the active arithmetic -------------------------------------------------------------------------------------

class Tagging:
    """An arithmetic that answers each hook with a recognisable tag and what it was given."""
    def array(self, values, dtype):
        return ("array", values.tolist(), dtype)

    def constant(self, value, dtype):
        return ("constant", value, dtype)

    def total(self, x, axis, keepdims):
        return ("total", x, axis, keepdims)

    def inverse_norm(self, s, clamp):
        return ("inverse_norm", s, clamp)

    def cast(self, x, dtype):
        return ("cast", x, dtype)


def test_evaluating_routes_to_the_active_arithmetic() -> None:
    clamp = K2.clamp("float32")
    with X.evaluating(Tagging()):
        assert X.array([1.0, 2.0], "float32") == ("array", [1.0, 2.0], "float32")
        assert X.constant(2.0, "float16") == ("constant", 2.0, "float16")
        assert X.total("x", (0,), True) == ("total", "x", (0,), True)
        assert X.inverse_norm(4.0, clamp) == ("inverse_norm", 4.0, clamp)
        assert X.cast(1.0, "float64") == ("cast", 1.0, "float64")
        z = X.divide_no_nan(1.0, 0.0)
        assert z == 0 and type(z) is int
    assert X.constant(2.0, "float16") == 2 and X._ACTIVE.get() is None


# ---- linear forms (gradients of the reductions) ------------------------------------------------------------

def test_linear_forms() -> None:
    u = X.Linear.units((2, 2))
    assert u.shape == (2, 2) and [f.coef for f in u.reshape(-1)] == [{0: 1}, {1: 1}, {2: 1}, {3: 1}]
    a, b = X.Linear({0: 1, 1: 2}), X.Linear({1: 3})
    assert (a + b).coef == {0: 1, 1: 5}
    assert (a + 7).coef == {0: 1, 1: 2} and (7 + a).coef == {0: 1, 1: 2}
    assert (-a).coef == {0: -1, 1: -2}
    assert (a - b).coef == {0: 1, 1: -1} and (a - 7).coef == {0: 1, 1: 2}
    assert (a * 3).coef == {0: 3, 1: 6} and (3 * a).coef == {0: 3, 1: 6}
    assert (a / 4).coef == {0: 0.25, 1: 0.5}
    t = X.total(np.asarray([a, b, 5], object))
    assert t.coef == {0: 1, 1: 5}
    assert X.merged([{0: 1}, {0: 2, 2: 1}]) == {0: 3, 2: 1}


# ---- compare.within's table ------------------------------------------------------------------------------------

def ref(exact, bound) -> Reference:
    return Reference(np.asarray(exact, np.float64), np.asarray(bound, np.float64))


def test_within_table() -> None:
    nan = math.nan
    # inf bound accepts anything, NaN included
    assert C.within(np.asarray([nan, 5.0, -INF]), ref([1.0, 1.0, 1.0], [INF, INF, INF])).tolist() == [True] * 3
    # NaN exact needs NaN
    assert C.within(np.asarray([nan, 0.0, INF]), ref([nan] * 3, [0.0] * 3)).tolist() == [True, False, False]
    # inf exact needs the same inf
    assert C.within(np.asarray([INF, -INF, 1e308, nan]), ref([INF] * 4, [1.0] * 4)).tolist() == \
        [True, False, False, False]
    # finite: |v - x| <= b, boundary included; a non-finite value never
    got = C.within(np.asarray([1.5, 1.5000001, 0.5, INF, nan], np.float64), ref([1.0] * 5, [0.5] * 5))
    assert got.tolist() == [True, False, True, False, False]
    # float32 values are taken to float64
    assert C.within(np.float32([1.25]), ref([1.0], [0.25])).tolist() == [True]
    # bound 0: exactly equal only; the sign of zero is not judged
    assert C.within(np.asarray([-0.0, 1e-300]), ref([0.0, 0.0], [0.0, 0.0])).tolist() == [True, False]


def test_same_bits() -> None:
    a = np.float32([1.0, 2.0])
    assert C.same_bits(a, a.copy()) and C.same_bits(None, None)
    assert not C.same_bits(a, None) and not C.same_bits(None, a)
    assert not C.same_bits(a, a.astype(np.float64))
    assert not C.same_bits(a, a.reshape(2, 1))
    assert not C.same_bits(a, np.float32([1.0, 3.0]))
    assert not C.same_bits(np.float32([0.0]), np.float32([-0.0]))


def test_compare_identical_and_within() -> None:
    r = ref([1.0], [0.5])
    rec = Outcome(value=np.float32([1.0]), reference=r)
    cmp = C.compare(rec, Outcome(value=np.float32([1.0])))
    assert cmp.identical and cmp.problems == [] and cmp.differing_bits == []
    near = C.compare(rec, Outcome(value=np.float32([1.25])))
    assert not near.identical and near.problems == [] and near.differing_bits == ["value: bits differ"]
    assert near.failed(False) == [] and near.failed(True) == ["value: bits differ"]
    far = C.compare(rec, Outcome(value=np.float32([2.0])))
    assert far.problems == ["value: 1 element(s) outside the bound, e.g. at [0]: "
                            "np.float32(2.0) vs exact np.float64(1.0) +- np.float64(0.5)"]
    assert far.failed(False) == far.problems and far.failed(True) == far.problems + ["value: bits differ"]


def test_compare_outside_bound_reports_first_index() -> None:
    rec = Outcome(value=np.float64([[1.0, 1.0], [1.0, 1.0]]), reference=ref([[1.0, 1.0], [1.0, 1.0]], [[0.0] * 2] * 2))
    got = C.compare(rec, Outcome(value=np.float64([[1.0, 1.0], [3.0, 4.0]])))
    assert got.problems == ["value: 2 element(s) outside the bound, e.g. at [1, 0]: np.float64(3.0) vs exact "
                            "np.float64(1.0) +- np.float64(0.0)"]


def test_compare_mismatches() -> None:
    rec = Outcome(value=np.float32([1.0]))
    shape = C.compare(rec, Outcome(value=np.float32([[1.0]])))
    assert not shape.identical and shape.problems == ["value: recorded float32[1], got float32[1, 1]"]
    dtype = C.compare(rec, Outcome(value=np.float64([1.0])))
    assert not dtype.identical and dtype.problems == ["value: recorded float32[1], got float64[1]"]
    missing = C.compare(rec, Outcome())
    assert not missing.identical and missing.problems == ["value: recorded array([1.], dtype=float32) but got None"]
    both_none = C.compare(Outcome(), Outcome())
    assert both_none.identical and both_none.problems == []
    err = C.compare(Outcome(error={"type": "ValueError"}), Outcome(error={"type": "TypeError"}))
    assert not err.identical and err.problems == ["error {'type': 'ValueError'} vs {'type': 'TypeError'}"]
    cfg = C.compare(Outcome(config={"a": 1}), Outcome(config={"a": 2}))
    assert not cfg.identical and cfg.problems == ["config {'a': 1} vs {'a': 2}"]
    # no reference: bits only
    nr = C.compare(rec, Outcome(value=np.float32([9.0])))
    assert nr.problems == [] and nr.differing_bits == ["value: bits differ"]


def test_compare_gradients_and_steps() -> None:
    g = np.float32([1.0, 2.0])
    rec = Outcome(gradients={"y_pred": g}, gradient_references={"y_pred": ref([1.0, 2.0], [0.0, 0.0])},
                  step_values=[np.float32([1.0]), None, np.float32([2.0])],
                  step_references=[ref([1.0], [0.0]), None, ref([2.0], [0.0])])
    same = C.compare(rec, Outcome(gradients={"y_pred": g.copy()},
                                  step_values=[np.float32([1.0]), None, np.float32([2.0])]))
    assert same.identical and same.problems == []
    off = C.compare(rec, Outcome(gradients={"y_pred": np.float32([1.0, 3.0])},
                                 step_values=[np.float32([1.0]), None, np.float32([5.0])]))
    assert off.problems == [
        "gradient y_pred: 1 element(s) outside the bound, e.g. at [1]: np.float32(3.0) vs exact np.float64(2.0) "
        "+- np.float64(0.0)",
        "step 2 value: 1 element(s) outside the bound, e.g. at [0]: np.float32(5.0) vs exact np.float64(2.0) "
        "+- np.float64(0.0)"]
    assert off.differing_bits == ["gradient y_pred: bits differ", "step 2 value: bits differ"]
    lost = C.compare(rec, Outcome())
    assert lost.problems == ["gradient y_pred: recorded array([1., 2.], dtype=float32) but got None",
                             "step 0 value: recorded array([1.], dtype=float32) but got None",
                             "step 2 value: recorded array([2.], dtype=float32) but got None"]
    # steps without references: bits only
    plain = C.compare(Outcome(step_values=[np.float32([1.0])]), Outcome(step_values=[np.float32([4.0])]))
    assert plain.problems == [] and plain.differing_bits == ["step 0 value: bits differ"]
    # gradients without references
    gr = C.compare(Outcome(gradients={"y_true": g}), Outcome(gradients={"y_true": np.float32([0.0, 0.0])}))
    assert gr.problems == [] and gr.differing_bits == ["gradient y_true: bits differ"]


# ---- profiles: reductions on tiny float64 inputs ---------------------------------------------------------------

def case(api: str, inputs: dict, case_dtype: str = "float64", steps=None, **args) -> Case:
    return Case("t", "unit", api, case_dtype, args, inputs, steps)


def f64(x) -> np.ndarray:
    return np.asarray(x, np.float64)


# y_true/y_pred of shape (2, 2, 2): per-sample losses of shape (2, 2) = [[-1, 0], [0, 0]]
# (row [0,0]: same unit vector, cos 1; all other rows orthogonal, cos 0)
T3 = f64([[[1, 0], [1, 0]], [[1, 0], [0, 1]]])
P3 = f64([[[2, 0], [0, 3]], [[0, 5], [1, 0]]])


def test_keras2_sum_over_batch_size_divides_by_element_count() -> None:
    for reduction in ("auto", "sum_over_batch_size"):
        got = K2.exact(case("loss", {"y_true": T3, "y_pred": P3}, reduction=reduction))
        # sum -1 over 4 elements (not the batch size 2): -0.25
        assert got.tolist() == -0.25
    got16 = K2.exact(case("loss", {"y_true": T3.astype(np.float16), "y_pred": P3.astype(np.float16)}, "float16"))
    assert got16.tolist() == -0.25


def test_keras2_element_count_rounds_to_the_dtype() -> None:
    # 2049 samples in float16: fl16(2049) = 2048 (ties to even); one cosine 1, the rest 0: -1/2048
    t = np.zeros((2049, 2), np.float16)
    t[:, 0] = 1
    p = np.zeros((2049, 2), np.float16)
    p[:, 1] = 1
    p[0] = [1, 0]
    got = K2.exact(case("loss", {"y_true": t, "y_pred": p}, "float16", reduction="sum_over_batch_size"))
    assert got.tolist() == -1 / 2048


def test_sum_and_none() -> None:
    for prof in (K2, K3):
        extra = {} if prof is K2 else {"dtype": "float64"}
        assert prof.exact(case("loss", {"y_true": T3, "y_pred": P3}, reduction="sum", **extra)).tolist() == -1.0
        assert prof.exact(case("loss", {"y_true": T3, "y_pred": P3}, reduction="none", **extra)).tolist() == \
            [[-1.0, 0.0], [0.0, 0.0]]


def test_keras3_mean_like_reductions() -> None:
    for reduction in ("sum_over_batch_size", "mean"):
        got = K3.exact(case("loss", {"y_true": T3, "y_pred": P3}, reduction=reduction, dtype="float64"))
        assert got.tolist() == -0.25
    # no weight: mean_with_sample_weight falls back to the element count
    got = K3.exact(case("loss", {"y_true": T3, "y_pred": P3}, reduction="mean_with_sample_weight", dtype="float64"))
    assert got.tolist() == -0.25
    # reduction None: per-sample
    assert K3.exact(case("loss", {"y_true": T3, "y_pred": P3}, reduction=None, dtype="float64")).shape == (2, 2)


def test_keras3_default_reduction_and_dtype() -> None:
    # default reduction sum_over_batch_size, default dtype float32
    got = K3.exact(case("loss", {"y_true": T3, "y_pred": P3}))
    assert got.tolist() == -0.25
    assert K3.loss_dtype({}, P3) == "float32" and K3.loss_dtype({"dtype": "float16"}, P3) == "float16"
    assert K2.loss_dtype({"dtype": "float16"}, P3) == "float64"


def test_mean_with_sample_weight_divides_by_weight_sum() -> None:
    t, p = f64([[1, 0], [0, 1]]), f64([[1, 0], [0, -1]])
    # losses [-1, 1], weights [3, 1]: (-3 + 1) / (3 + 1) = -0.5
    got = K3.exact(case("loss", {"y_true": t, "y_pred": p, "sample_weight": f64([3, 1])},
                        reduction="mean_with_sample_weight", dtype="float64"))
    assert got.tolist() == -0.5
    # weights that cancel exactly: divide_no_nan -> 0
    got0 = K3.exact(case("loss", {"y_true": t, "y_pred": p, "sample_weight": f64([1, -1])},
                         reduction="mean_with_sample_weight", dtype="float64"))
    assert got0.tolist() == 0.0
    # sum_over_batch_size with the same weights divides by 2: (-3 + 1) / 2 = -1
    got2 = K3.exact(case("loss", {"y_true": t, "y_pred": p, "sample_weight": f64([3, 1])}, dtype="float64"))
    assert got2.tolist() == -1.0
    # keras2 weighs the same way: (-3 + 1) / 2
    assert K2.exact(case("loss", {"y_true": t, "y_pred": p, "sample_weight": f64([3, 1])})).tolist() == -1.0


def test_replica_scaling() -> None:
    t, p = f64([[1, 0], [0, 1]]), f64([[1, 0], [1, 0]])
    # losses [-1, 0]: mean -0.5, under 4 replicas * fl(1/4) = -0.125
    got = K3.exact(case("loss", {"y_true": t, "y_pred": p}, dtype="float64", replicas=4))
    assert got.tolist() == -0.125
    assert K3.exact(case("loss", {"y_true": t, "y_pred": p}, dtype="float64", replicas=1)).tolist() == -0.5
    # "sum" is not scaled by the replicas
    assert K3.exact(case("loss", {"y_true": t, "y_pred": p}, dtype="float64", replicas=4,
                         reduction="sum")).tolist() == -1.0
    # keras2 does not scale (under a strategy, its mean-like reductions raise in TF)
    assert K2.exact(case("loss", {"y_true": t, "y_pred": p}, replicas=4)).tolist() == -0.5
    # fl32(1/3) scaling: -0.5 * fl32(1/3) exactly, 1/3 in float32 = 11184811 * 2**-25
    got3 = K3.exact(case("loss", {"y_true": t.astype(np.float32), "y_pred": p.astype(np.float32)}, "float32",
                         replicas=3))
    assert got3.tolist() == -0.5 * 11184811 * 2.0 ** -25


def test_keras3_zero_d_inputs_are_expanded() -> None:
    # ops.normalize makes 0-d inputs shape [1]: 3 and -2 normalise to 1 and -1: cos -1, function 1
    got = K3.exact(case("function", {"y_true": f64(3.0), "y_pred": f64(-2.0)}))
    assert got.shape == () and got.tolist() == 1.0
    with pytest.raises(ValueError):
        K2.exact(case("function", {"y_true": f64(3.0), "y_pred": f64(-2.0)}))


def test_empty_batch() -> None:
    e = np.zeros((0, 2))
    # keras3: an empty batch is returned as is (shape (0,)) by every reduction
    for reduction in ("sum_over_batch_size", "sum", "mean_with_sample_weight"):
        got = K3.exact(case("loss", {"y_true": e, "y_pred": e}, reduction=reduction, dtype="float64"))
        assert got.shape == (0,)
    # keras2: sum of nothing is 0; divided by fl(0) with divide_no_nan: 0
    got2 = K2.exact(case("loss", {"y_true": e, "y_pred": e}, reduction="sum_over_batch_size"))
    assert got2.shape == () and got2.tolist() == 0.0
    assert K2.exact(case("loss", {"y_true": e, "y_pred": e}, reduction="sum")).tolist() == 0.0


def test_keras3_zero_d_losses_are_not_reduced() -> None:
    # 1-d inputs give one 0-d loss; keras3 returns it as is, sum_over_batch_size or sum: -cos = -1 (t, p parallel)
    for reduction in ("sum_over_batch_size", "sum"):
        got = K3.exact(case("loss", {"y_true": f64([1, 0]), "y_pred": f64([2, 0])}, reduction=reduction,
                            dtype="float64"))
        assert got.shape == () and got.tolist() == -1.0
    b = K3.exact_and_bound(case("loss", {"y_true": f64([1, 0]), "y_pred": f64([2, 0])}, dtype="float64"))[1]
    # the bound of one cosine, not of a further division by 1: the division would add u * 1 at least
    unreduced = K3.exact_and_bound(case("loss", {"y_true": f64([1, 0]), "y_pred": f64([2, 0])}, reduction="none",
                                        dtype="float64"))[1]
    assert b.tolist() == unreduced.tolist()


def test_keras2_trailing_one_squeeze() -> None:
    t, p = f64([1, 0]), f64([[3], [0]])
    # y_pred (2,1) against y_true (2,): squeezed to (2,): cos([1,0],[3,0]) = 1: loss -1 (0-d)
    got = K2.exact(case("loss", {"y_true": t, "y_pred": p}, reduction="none"))
    assert got.shape == () and got.tolist() == -1.0
    # and the other way: y_true (2,1) squeezed
    got2 = K2.exact(case("loss", {"y_true": f64([[1], [0]]), "y_pred": f64([3, 0])}, reduction="none"))
    assert got2.shape == () and got2.tolist() == -1.0
    # numpy inputs are not squeezed: (2,) * (2,1) broadcasts to (2,2), rows [3,0] and [0,0] against [1,0]:
    # cos over the last axis = [1, 0]
    got3 = K2.exact(case("loss", {"y_true": t, "y_pred": p}, reduction="none", input_kind="numpy"))
    assert got3.tolist() == [-1.0, 0.0]
    # the bare function does not squeeze either
    got4 = K2.exact(case("function", {"y_true": t, "y_pred": p}))
    assert got4.tolist() == [-1.0, 0.0]


def test_keras2_squeeze_rules() -> None:
    from tforacle.profiles import keras2_squeeze_or_expand as sq
    a2, a21, a23, a3 = np.zeros(2), np.zeros((2, 1)), np.zeros((2, 3)), np.zeros((2, 3, 1))
    assert [x.shape for x in sq(a2, a21)] == [(2,), (2,)]
    assert [x.shape for x in sq(a21, a2)] == [(2,), (2,)]
    assert [x.shape for x in sq(a2, a23)] == [(2,), (2, 3)]        # last dim 3: nothing
    assert [x.shape for x in sq(a23, a2)] == [(2, 3), (2,)]
    assert [x.shape for x in sq(a23, a3)] == [(2, 3), (2, 3)]
    assert [x.shape for x in sq(a21, a21)] == [(2, 1), (2, 1)]
    assert [x.shape for x in sq(np.zeros((2, 1, 1)), np.zeros(2))] == [(2, 1, 1), (2,)]


def test_keras3_same_rank_rules() -> None:
    from tforacle.profiles import keras3_same_rank as sr
    assert [x.shape for x in sr(np.zeros((2, 1)), np.zeros(2))] == [(2, 1), (2, 1)]       # rank 1: expanded
    assert [x.shape for x in sr(np.zeros(2), np.zeros((2, 1)))] == [(2, 1), (2, 1)]
    assert [x.shape for x in sr(np.zeros((2, 3, 1)), np.zeros((2, 3)))] == [(2, 3), (2, 3)]  # squeezed
    assert [x.shape for x in sr(np.zeros((2, 3)), np.zeros((2, 3, 1)))] == [(2, 3), (2, 3)]
    assert [x.shape for x in sr(np.zeros((2, 3)), np.zeros((2, 3, 2)))] == [(2, 3), (2, 3, 2)]
    assert [x.shape for x in sr(np.zeros((2, 3, 2)), np.zeros((2, 3)))] == [(2, 3, 2), (2, 3)]
    # keras3 function: y_true (2,1) and y_pred (2,) -> (2,1) each: per-row cos of 1-vectors [1, -1]
    got = K3.exact(case("function", {"y_true": f64([[1], [2]]), "y_pred": f64([3, -1])}))
    assert got.tolist() == [-1.0, 1.0]


def test_squeeze_last_needs_a_one() -> None:
    with pytest.raises(ValueError, match="size 2"):
        squeeze_last(np.zeros((3, 2)))


def test_axis_lists_reduce_over_all_listed_axes() -> None:
    t = f64([[[1, 1], [1, 1]]])
    p = f64([[[1, 0], [0, 0]]])
    # over axes 1 and 2: t.p = 1, |t| = 2, |p| = 1: cos 1/2, function -1/2
    for prof in (K2, K3):
        assert prof.exact(case("function", {"y_true": t, "y_pred": p}, axis=[1, 2])).tolist() == [-0.5]
        assert prof.exact(case("function", {"y_true": t, "y_pred": p}, axis=[-1, -2])).tolist() == [-0.5]
    # over axis 1 only: columns [1,1]/sqrt2 . [1,0] = 1/sqrt2 and [1,1] . [0,0] = 0
    got = K2.exact(case("function", {"y_true": t, "y_pred": p}, axis=1))
    assert got.tolist() == [[-float(1 / mpmath.sqrt(2)), 0.0]]


def test_loss_axis_argument() -> None:
    t = f64([[1, 0], [1, 0]])
    p = f64([[1, 0], [0, 1]])
    # axis 0: columns [1,1].[1,0] / (sqrt2 * 1) and [0,0].[0,1] = 0 -> losses [-1/sqrt2, 0]
    got = K3.exact(case("loss", {"y_true": t, "y_pred": p}, axis=0, reduction="none", dtype="float64"))
    assert got.tolist() == [-float(1 / mpmath.sqrt(2)), 0.0]
    got2 = K2.exact(case("loss", {"y_true": t, "y_pred": p}, axis=0, reduction="none"))
    assert got2.tolist() == [-float(1 / mpmath.sqrt(2)), 0.0]


def test_keras2_python_float_weight_goes_through_float32() -> None:
    t = f64([[1, 0]])
    # fl32(0.1) = 13421773 * 2**-27, weighing a loss of -1 in float64
    got = K2.exact(case("loss", {"y_true": t, "y_pred": t, "sample_weight": Scalar(0.1)}, reduction="none"))
    assert got.tolist() == [-13421773 * 2.0 ** -27]
    # keras3 casts the Python float to the loss dtype directly: -0.1 (float64)
    got3 = K3.exact(case("loss", {"y_true": t, "y_pred": t, "sample_weight": Scalar(0.1)}, reduction="none",
                         dtype="float64"))
    assert got3.tolist() == -0.1
    # an int Scalar is exact in both
    got_int = K2.exact(case("loss", {"y_true": t, "y_pred": t, "sample_weight": Scalar(3)}, reduction="none"))
    assert got_int.tolist() == [-3.0]


def test_keras2_weight_rank_rules() -> None:
    t = np.ones((2, 3, 4))
    w = f64([1, 3])
    # (N,) weights over (N,T) losses: expanded to (N,1)
    got = K2.exact(case("loss", {"y_true": t, "y_pred": t, "sample_weight": w}, reduction="none"))
    assert got.tolist() == [[-1.0] * 3, [-3.0] * 3]
    # (N,T,1) weights over (N,T) losses: squeezed
    w3 = f64([[[1], [2], [3]], [[4], [5], [6]]])
    got2 = K2.exact(case("loss", {"y_true": t, "y_pred": t, "sample_weight": w3}, reduction="none"))
    assert got2.tolist() == [[-1.0, -2.0, -3.0], [-4.0, -5.0, -6.0]]
    with pytest.raises(ValueError):
        K3.exact(case("loss", {"y_true": t, "y_pred": t, "sample_weight": w}, reduction="none", dtype="float64"))


def test_masks() -> None:
    t = f64([[1, 0], [0, 1]])
    p = f64([[1, 0], [1, 0]])   # losses [-1, 0]
    mask = np.asarray([True, False])
    for prof, extra in ((K2, {}), (K3, {"dtype": "float64"})):
        # mean-like: mask weights total/valid = 2/1 on the valid entry: (-1 * 2 + 0) / 2 = -1
        got = prof.exact(case("loss", {"y_true": t, "y_pred": p, "mask": mask}, **extra))
        assert got.tolist() == -1.0
        # sum: the mask as is: -1
        assert prof.exact(case("loss", {"y_true": t, "y_pred": p, "mask": mask}, reduction="sum",
                               **extra)).tolist() == -1.0
        # masking the other entry: mean 0
        assert prof.exact(case("loss", {"y_true": t, "y_pred": p, "mask": ~mask}, **extra)).tolist() == 0.0
        # with a weight [3, 5]: sum = -1 * 3 * 1 = -3
        assert prof.exact(case("loss", {"y_true": t, "y_pred": p, "mask": mask, "sample_weight": f64([3, 5])},
                               reduction="sum", **extra)).tolist() == -3.0
        # weight and mean: -1 * 3 * 2 / 2 = -3
        assert prof.exact(case("loss", {"y_true": t, "y_pred": p, "mask": mask, "sample_weight": f64([3, 5])},
                               **extra)).tolist() == -3.0
    none = np.asarray([False, False])
    # all masked: keras2 divides total/valid with `/`: 2/0 = inf, 0 * inf = NaN; keras3 weighs 0
    assert np.isnan(K2.exact(case("loss", {"y_true": t, "y_pred": p, "mask": none})))
    assert K3.exact(case("loss", {"y_true": t, "y_pred": p, "mask": none}, dtype="float64")).tolist() == 0.0
    # keras3 "mean" also scales
    assert K3.exact(case("loss", {"y_true": t, "y_pred": p, "mask": mask}, reduction="mean",
                         dtype="float64")).tolist() == -1.0


def test_mask_scale() -> None:
    m = np.asarray([True, False, False])
    # total/valid = 3/1; nothing valid: `/` gives 3/0 = inf, and 0/0 = NaN for an empty mask
    assert mask_scale(m, "float64") == 3
    assert mask_scale(np.zeros(3, bool), "float64") == mpf("inf")
    assert mpmath.isnan(mask_scale(np.zeros(0, bool), "float64"))
    # 3 valid of 9 in float32: 3
    assert mask_scale(np.asarray([True] * 3 + [False] * 6), "float32") == 3
    # 2 valid of 3: 3/2
    assert mask_scale(np.asarray([True, True, False]), "float32") == 1.5
    # 3 valid of 2049 in float16: fl16(2049) = 2048 (ties to even), 2048 / 3 = 682.67 -> nearest on the 0.5 grid
    assert mask_scale(np.asarray([True] * 3 + [False] * 2046), "float16") == 682.5


def test_mean_over() -> None:
    x = np.asarray([[mpf(1), mpf(3)], [mpf(5), mpf(7)]], object)
    # over axis 1: [2, 6]; from axis 2: unchanged; zero-size axis: NaN
    assert list(mean_over(x, 1)) == [2, 6]
    assert mean_over(x, 2) is x
    empty = mean_over(np.zeros((2, 0), object), 1)
    assert empty.shape == (2,) and all(mpmath.isnan(v) for v in empty)


def test_keras_args_drops_control_args() -> None:
    assert keras_args({"axis": 1, "input_kind": "numpy", "target": "x", "global_batch_size": 2, "replicas": 2,
                       "reduction": "sum"}) == {"axis": 1, "reduction": "sum"}


# ---- metrics ---------------------------------------------------------------------------------------------------

def steps(*pairs, weights=None) -> list[Step]:
    out = []
    for i, pair in enumerate(pairs):
        if pair is None:
            out.append(Step(reset=True))
            continue
        inputs = {"y_true": f64(pair[0]), "y_pred": f64(pair[1])}
        if weights is not None and weights[i] is not None:
            inputs["sample_weight"] = weights[i]
        out.append(Step(inputs))
    return out


A = ([[1, 0], [0, 1]], [[1, 0], [1, 0]])   # cosines [1, 0]
S = ([[1, 0]], [[2, 0]])                    # cosine [1]


@pytest.mark.parametrize("prof", [K2, K3])
def test_metric_counts(prof) -> None:
    # step 1: total 1, count 2; step 2: total 2, count 3: 2/3
    got = prof.exact(case("metric", {}, steps=steps(A, S), dtype="float64"))
    assert got.tolist() == float(mpf(2) / 3)
    # a reset in between: only the last step: 1/1
    assert prof.exact(case("metric", {}, steps=steps(A, None, S), dtype="float64")).tolist() == 1.0
    # nothing since the reset: 0/0 -> 0
    assert prof.exact(case("metric", {}, steps=steps(A, None), dtype="float64")).tolist() == 0.0
    # weights [2, 1] on A: (2*1 + 1*0) / 3; then S weighted 5: (2 + 5) / (3 + 5) = 7/8
    got_w = prof.exact(case("metric", {}, steps=steps(A, S, weights=[f64([2, 1]), f64([5])]), dtype="float64"))
    assert got_w.tolist() == 0.875


def test_metric_default_dtype_is_float32() -> None:
    # cosines [1, 0] plus [1]: 2/3 in float32 arithmetic, exact value still 2/3
    for prof in (K2, K3):
        assert prof.exact(case("metric", {}, steps=steps(A, S))).tolist() == float(mpf(2) / 3)


def test_keras2_metric_mean_fallback() -> None:
    # y of shape (2, 2, 2, 2): cosines of shape (2, 2, 2); weight (2,) does not broadcast after expanding to
    # (2, 1): the values are averaged down to (2,) first. Sample 0: all cos 1 -> 1; sample 1: half 1, half 0 -> 1/2
    t = np.zeros((2, 2, 2, 2))
    t[..., 0] = 1
    p = t.copy()
    p[1, 0] = [[0, 1], [0, 1]]
    st = [Step({"y_true": t, "y_pred": p, "sample_weight": f64([1, 3])})]
    got = K2.exact(case("metric", {}, steps=st, dtype="float64"))
    # (1 * 1 + 3 * 1/2) / (1 + 3) = 2.5 / 4
    assert got.tolist() == 0.625


def test_keras2_metric_broadcast_weight() -> None:
    # cosines (2, 2) = [[1, 1], [1, 0]], weight (2,) -> (2, 1) broadcast: (1+1 + 3*(1+0)) / (1+1+3+3) = 5/8
    t = f64([[[1, 0], [1, 0]], [[1, 0], [1, 0]]])
    p = f64([[[1, 0], [1, 0]], [[1, 0], [0, 1]]])
    st = [Step({"y_true": t, "y_pred": p, "sample_weight": f64([1, 3])})]
    assert K2.exact(case("metric", {}, steps=st, dtype="float64")).tolist() == 0.625
    # scalar weight 2: (2 * 3) / (2 * 4)
    st2 = [Step({"y_true": t, "y_pred": p, "sample_weight": Scalar(2.0)})]
    assert K2.exact(case("metric", {}, steps=st2, dtype="float64")).tolist() == 0.75


def test_keras3_metric_samplewise() -> None:
    # cosines (2, 2) = [[1, 1], [1, 0]] -> per-sample means [1, 1/2]; no weight: (1 + 1/2) / 2
    t = f64([[[1, 0], [1, 0]], [[1, 0], [1, 0]]])
    p = f64([[[1, 0], [1, 0]], [[1, 0], [0, 1]]])
    assert K3.exact(case("metric", {}, steps=[Step({"y_true": t, "y_pred": p})], dtype="float64")).tolist() == 0.75
    # weight (2,) [1, 3]: (1 + 3 * 1/2) / 4
    st = [Step({"y_true": t, "y_pred": p, "sample_weight": f64([1, 3])})]
    assert K3.exact(case("metric", {}, steps=st, dtype="float64")).tolist() == 0.625
    # weight (2, 2): per-element weights [[1, 1], [2, 0]] -> weighted values [[1, 1], [2, 0]], means [1, 1],
    # weights' means [1, 1]: (1 + 1) / 2
    st2 = [Step({"y_true": t, "y_pred": p, "sample_weight": f64([[1, 1], [2, 0]])})]
    assert K3.exact(case("metric", {}, steps=st2, dtype="float64")).tolist() == 1.0
    # 1-d inputs: one 0-d cosine, counted as 1: (1 + 1) / 2 over two steps (second cos 1)
    st3 = [Step({"y_true": f64([1, 0]), "y_pred": f64([1, 0])}), Step({"y_true": f64([1, 0]), "y_pred": f64([0, 1])})]
    assert K3.exact(case("metric", {}, steps=st3, dtype="float64")).tolist() == 0.5


def test_keras3_metric_casts_the_cosine_to_the_metric_dtype() -> None:
    # cosine 1 computed in float64 (y_pred's dtype); in float16: the cast (e1 = u), total = 0 + cos
    # (e2 = e1 + u (1 + e1)), result = total / 1 (e3 = e2 + u (1 + e2)); stored with slack, one ulp up.
    # The float64 cosine's own error (~1e-16) is carried into the cast too: allow e3 <= bound <= e3 + 1e-15.
    st = [Step({"y_true": f64([[1, 0]]), "y_pred": f64([[1, 0]])})]
    exact, bound = K3.exact_and_bound(case("metric", {}, steps=st, dtype="float16"))
    e1 = U16
    e2 = e1 + U16 * (1 + e1)
    e3 = e2 + U16 * (1 + e2)
    assert exact.tolist() == 1.0 and e3 <= float(bound) <= e3 * (1 + 2.0 ** -29) + 1e-15


# ---- compute_average_loss --------------------------------------------------------------------------------------

def test_compute_average_loss() -> None:
    losses = f64([1, 2, 3, 4])
    # default global batch = batch 4 * replicas 1: 10 / 4
    assert K2.exact(case("compute_average_loss", {"per_example_loss": losses})).tolist() == 2.5
    assert K3.exact(case("compute_average_loss", {"per_example_loss": losses}, global_batch_size=8)).tolist() \
        == 1.25
    # replicas 2: global batch 8
    assert K2.exact(case("compute_average_loss", {"per_example_loss": losses}, replicas=2)).tolist() == 1.25
    # global_batch_size 0: divide_no_nan -> 0
    assert K2.exact(case("compute_average_loss", {"per_example_loss": losses}, global_batch_size=0)).tolist() == 0.0


def test_compute_average_loss_weighs_in_float32() -> None:
    # float64 loss 0.1 weighed in float32: fl32(0.1) * 2 = 13421773 * 2**-26, not 0.2
    got = K3.exact(case("compute_average_loss", {"per_example_loss": f64([0.1]), "sample_weight": f64([2.0])}))
    assert got.tolist() == 13421773 * 2.0 ** -26
    # a Python float weight goes through float32 too: 1 * fl32(0.1)
    got2 = K2.exact(case("compute_average_loss", {"per_example_loss": f64([1.0]), "sample_weight": Scalar(0.1)}))
    assert got2.tolist() == 13421773 * 2.0 ** -27
    # the float32 product is cast back to float64: bound covers one float32 rounding of 0.2 (at least u32 * 0.2)
    b = K3.exact_and_bound(case("compute_average_loss", {"per_example_loss": f64([0.1]),
                                                         "sample_weight": f64([2.0])}))[1]
    assert 0.2 * U32 <= float(b) < 0.2 * 4 * U32
    # weight rank (N,1) against (N,) losses: squeezed; [1,2] * [[3],[1]] = 3 + 2 over 2
    got3 = K2.exact(case("compute_average_loss", {"per_example_loss": f64([1, 2]),
                                                   "sample_weight": f64([[3], [1]])}))
    assert got3.tolist() == 2.5


def test_tf_align_weight() -> None:
    from tforacle.profiles import tf_align_weight
    v = np.zeros((2, 3))
    assert tf_align_weight(v, np.zeros((2, 3, 1))).shape == (2, 3)
    assert tf_align_weight(v, np.zeros(2)).shape == (2, 1)
    assert tf_align_weight(v, np.zeros(())).shape == ()
    assert tf_align_weight(v, np.zeros((2, 3))).shape == (2, 3)
    assert tf_align_weight(v, np.zeros((2, 3, 1, 1))).shape == (2, 3, 1, 1)
    assert tf_align_weight(np.zeros((2, 3, 4)), np.zeros(2)).shape == (2,)


# ---- gradients -------------------------------------------------------------------------------------------------

def test_gradient_equals_the_calculus_derivative() -> None:
    # c = t.p / (|t| |p|); t = [3, 4] (|t| = 5), p = [1, 0] (|p| = 1), t.p = 3.
    # dc/dp = t / (|t||p|) - (t.p) p / (|t| |p|^3) = [3,4]/5 - 3 [1,0]/5 = [0, 4/5]
    # dc/dt = p / (|t||p|) - (t.p) t / (|t|^3 |p|) = [1,0]/5 - 3 [3,4]/125 = [16/125, -12/125]
    # the function is -c: d/dp = [0, -0.8], d/dt = [-0.128, 0.096]
    c = case("function", {"y_true": f64([[3, 4]]), "y_pred": f64([[1, 0]])})
    for prof in (K2, K3):
        got = prof.exact_gradients(c, ("y_true", "y_pred"))
        assert got["y_pred"][0].tolist() == [[0.0, -0.8]]
        assert got["y_true"][0].tolist() == [[-0.128, 0.096]]
        assert all(np.isfinite(b).all() and (b > 0).any() and (b < 1e-14).all() for _, b in got.values())
    only = K3.exact_gradients(c, ("y_pred",))
    assert set(only) == {"y_pred"}


def test_gradient_through_the_reduction() -> None:
    # two identical samples, sum_over_batch_size: each per-sample gradient times 1/2: [0, -0.4]
    t, p = f64([[3, 4], [3, 4]]), f64([[1, 0], [1, 0]])
    got = K3.exact_gradients(case("loss", {"y_true": t, "y_pred": p}, dtype="float64"), ("y_pred",))
    assert got["y_pred"][0].tolist() == [[0.0, -0.4], [0.0, -0.4]]
    # weights [3, 1] and "sum": [0, -2.4], [0, -0.8]
    got_w = K2.exact_gradients(case("loss", {"y_true": t, "y_pred": p, "sample_weight": f64([3, 1])},
                                    reduction="sum"), ("y_pred",))
    assert got_w["y_pred"][0].tolist() == [[0.0, -2.4], [0.0, -0.8]]
    # "none": d(sum of the losses): each sample's own gradient
    got_n = K2.exact_gradients(case("loss", {"y_true": t, "y_pred": p}, reduction="none"), ("y_pred",))
    assert got_n["y_pred"][0].tolist() == [[0.0, -0.8], [0.0, -0.8]]


def test_gradient_of_a_mean_over_zero_weights_is_zero() -> None:
    # mean_with_sample_weight with weights [0, 0]: divide_no_nan(sum, 0) = 0 whatever the losses, so the loss
    # does not depend on y_pred: gradient 0 everywhere (TF: the gradient of divide_no_nan by an exact 0 is 0)
    t, p = f64([[3, 4], [3, 4]]), f64([[1, 0], [1, 0]])
    got = K3.exact_gradients(case("loss", {"y_true": t, "y_pred": p, "sample_weight": f64([0, 0])},
                                  dtype="float64", reduction="mean_with_sample_weight"), ("y_pred",))
    assert got["y_pred"][0].tolist() == [[0.0, 0.0], [0.0, 0.0]] and got["y_pred"][1].tolist() == [[0, 0], [0, 0]]


def test_gradient_in_the_clamped_region() -> None:
    # y_pred = 0: s_p = 0 below the floor, r_p held at the clamp (r' = 0); d(-c)/dp = -(t/|t|) r_p.
    # keras3 float64: r_p = cap = 1e7 exactly: -[0.6, 0.8] * 1e7
    c = case("function", {"y_true": f64([[3, 4]]), "y_pred": f64([[0, 0]])})
    g3 = K3.exact_gradients(c, ("y_true", "y_pred"))
    assert g3["y_pred"][0].tolist() == [[-6e6, -8e6]]
    assert np.isfinite(g3["y_pred"][1]).all()
    # the gradient by t is 0: y = p * r_p = 0
    assert g3["y_true"][0].tolist() == [[0.0, 0.0]]
    # keras2 float64: r_p = fl64(1e-12)**-0.5 = 1e6 to 1e-16
    g2 = K2.exact_gradients(c, ("y_pred",))
    np.testing.assert_allclose(g2["y_pred"][0], [[-6e5, -8e5]], rtol=1e-15)
    r = 1 / mpmath.sqrt(mpf(1e-12))
    assert g2["y_pred"][0].tolist() == [[float(-r * 3 / 5), float(-r * 4 / 5)]]


def test_gradient_float16_zero_vector_is_nan() -> None:
    # float16: no clamp; r_p = inf: NaN gradients (derivative NaN, bound inf)
    c = case("function", {"y_true": np.float16([[3, 4]]), "y_pred": np.float16([[0, 0]])}, "float16")
    g = K3.exact_gradients(c, ("y_pred",))
    assert np.isnan(g["y_pred"][0]).all() and np.isinf(g["y_pred"][1]).all()


def test_derivative_of_inverse_norm() -> None:
    clamp = X.Clamp("max", mpf(1))    # floor 1
    # s = 4 above the floor: r = 1/2, r' = -r^3/2 = -1/16 (exact inputs, float64)
    s, r = B(4, 0.0, "float64"), B(0.5, 0.0, "float64")
    d = G.derivative_of_inverse_norm(s, r, clamp)
    assert d.v == mpf(-1) / 16 and 0 < d.e < 1e-15
    # s = 1/2 below the floor: held, 0 with e = 0
    held = G.derivative_of_inverse_norm(B(0.5, 0.0, "float64"), B(1, 0.0, "float64"), clamp)
    assert (held.v, held.e) == (0, 0.0)
    # s = 1/2 with e_s = 1/2: may reach the floor (1 - 1/2 <= 1/2): branch
    br = G.derivative_of_inverse_norm(B(0.5, 0.5, "float64"), B(1, 0.0, "float64"), clamp)
    assert (br.v, br.e) == (0, INF)
    # e_s just below the distance: held
    ok = G.derivative_of_inverse_norm(B(0.5, 0.25, "float64"), B(1, 0.0, "float64"), clamp)
    assert (ok.v, ok.e) == (0, 0.0)
    # s = floor + 1/4 with e_s = 1/4: branch; with e_s = 1/8: slope
    up = G.derivative_of_inverse_norm(B(1.25, 0.25, "float64"), B(1, 0.0, "float64"), clamp)
    assert up.e == INF and up.v == -0.5
    up2 = G.derivative_of_inverse_norm(B(1.25, 0.125, "float64"), B(1, 0.0, "float64"), clamp)
    assert up2.e < 1e-15 and up2.v == -0.5
    # s exactly at the floor: |s - f| = 0 <= e_s = 0: which side TF's Maximum grad takes is a branch
    at = G.derivative_of_inverse_norm(B(1, 0.0, "float64"), B(1, 0.0, "float64"), clamp)
    assert at.v == -0.5 and at.e == INF
    # floor 0 (float16): no threshold branch even with an error
    f0 = G.derivative_of_inverse_norm(B(4, 1.0, "float16"), B(0.5, 0.0, "float16"), X.Clamp("max", mpf(0)))
    assert f0.v == mpf(-1) / 16 and f0.e < 1
    # non-finite: NaN, unbounded
    nf = G.derivative_of_inverse_norm(B(0, 0.0, "float16"), B("inf", 0.0, "float16"), X.Clamp("max", mpf(0)))
    assert mpmath.isnan(nf.v) and nf.e == INF and nf.dtype == "float16"
    nf2 = G.derivative_of_inverse_norm(B("inf", 0.0, "float32"), B(0, 0.0, "float32"), clamp)
    assert mpmath.isnan(nf2.v) and nf2.e == INF


def test_unbroadcast() -> None:
    g = np.asarray([[mpf(1), mpf(2), mpf(3)], [mpf(4), mpf(5), mpf(6)]], object)
    assert [list(r) for r in G.unbroadcast(g, (1, 3))] == [[5, 7, 9]]
    assert list(G.unbroadcast(g, (3,))) == [5, 7, 9]
    assert [list(r) for r in G.unbroadcast(g, (2, 1))] == [[6], [15]]
    assert G.unbroadcast(g, (2, 3)) is not None and G.unbroadcast(g, (2, 3)).tolist() == g.tolist()
    assert G.unbroadcast(g, (1, 1)).tolist() == [[21]]


def test_gradient_with_broadcast_inputs() -> None:
    # y_true (1, 2) broadcast against y_pred (2, 2): its gradient sums both samples' gradients.
    # t = [3, 4]; p rows [1, 0] and [1, 0]: each d(-c)/dt = [-0.128, 0.096]; summed [-0.256, 0.192]
    c = case("function", {"y_true": f64([[3, 4]]), "y_pred": f64([[1, 0], [1, 0]])})
    got = K3.exact_gradients(c, ("y_true", "y_pred"))
    assert got["y_true"][0].tolist() == [[-0.256, 0.192]]
    assert got["y_pred"][0].tolist() == [[0.0, -0.8], [0.0, -0.8]]


def test_gradient_cast_to_the_input_dtype() -> None:
    # keras3 loss in float64 (dtype arg), inputs float32: the gradient is cast to float32 (one more rounding)
    c = case("loss", {"y_true": np.float32([[3, 4]]), "y_pred": np.float32([[1, 0]])}, "float32",
             dtype="float64", reduction="sum")
    exact, bound = K3.exact_gradients(c, ("y_pred",))["y_pred"]
    assert exact.tolist() == [[0.0, -0.8]]
    assert 0.8 * U32 <= bound[0, 1] < 0.8 * 2 * U32


# ---- further rules (from mutation testing) ---------------------------------------------------------------------

def test_within_raises_no_float_warnings() -> None:
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # inf - inf (invalid) and 1e308 - -1e308 (overflow) inside the comparison are not reported
        assert C.within(np.asarray([INF, 1e308]), ref([INF, -1e308], [1.0, 1.0])).tolist() == [True, False]


def test_mask_scale_raises_no_float_warnings() -> None:
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mask_scale(np.zeros(3, bool), "float64") == mpf("inf")     # 3/0 (divide)
        assert mpmath.isnan(mask_scale(np.zeros(0, bool), "float64"))    # 0/0 (invalid)


def test_sums_and_stored_bounds_raise_no_float_warnings() -> None:
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # float images inf + (-inf) (invalid) in a sum whose exact value is NaN... and inf - inf
        s = X.total(np.asarray([B("inf", 0.0, "float32"), B("-inf", 0.0, "float32")], object))
        assert mpmath.isnan(s.v) and s.e == 0.0
        # float64 images that overflow when summed (over): 2**1023 + 2**1023
        big = X.total(np.asarray([B(mpf(2) ** 1023, 0.0, "float64"), B(mpf(2) ** 1023, 0.0, "float64")], object))
        assert big.e == INF
        # an exact value beyond float64's range (and its bound): stored as inf
        beyond = np.asarray([B(mpf(2) ** 1100, 1.0, "float64")], object)
        assert X.to_float64(beyond).tolist() == [INF] and X.to_bound(beyond).tolist() == [INF]
        # certain NaNs met inside numpy's loops
        nans = X.array(np.float32([np.nan, np.nan]))
        assert all(mpmath.isnan(b.v) and b.e == 0.0 for b in nans * X.array(np.float32([1, 2])))


def test_gradient_raises_no_float_warnings() -> None:
    import warnings
    # float16, keras2 (floor 0): p = [1e-5, 0] squares to below float16's tiny: 1/norm is a branch, and the
    # bound arithmetic meets inf * 0 inside the backward pass; it is not reported as a float error
    c = case("function", {"y_true": np.float16([[3, 4]]), "y_pred": np.float16([[1e-5, 0]])}, "float16")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = K2.exact_gradients(c, ("y_true", "y_pred"))
    assert np.isinf(got["y_pred"][1]).all()


def test_compare_identical_is_false_not_falsy() -> None:
    rec = Outcome(value=np.float32([1.0]))
    assert C.compare(rec, Outcome(value=np.float32([[1.0]]))).identical is False
    assert C.compare(rec, Outcome()).identical is False
    assert C.compare(rec, Outcome(value=np.float32([2.0]))).identical is False
    assert C.compare(Outcome(error={"a": "b"}), Outcome()).identical is False
    assert C.compare(Outcome(config={"a": 1}), Outcome()).identical is False
    assert C.compare(rec, Outcome(value=np.float32([1.0]))).identical is True


def test_bounded_repr_has_17_digits() -> None:
    assert repr(B(mpf(1) / 3, 0.0, "float64")) == "Bounded(0.33333333333333333, 0.0, float64)"


def test_squeeze_last_message_names_the_last_dim() -> None:
    with pytest.raises(ValueError, match="of size 4$"):
        squeeze_last(np.zeros((2, 3, 4)))


def test_weights_are_cast_to_the_compute_dtype() -> None:
    from tforacle.profiles import tf_weight
    # fl32(0.1) = 13421773 * 2**-27, held as a float32 number of the compute dtype
    for w in (K2.weight(Scalar(0.1), "float32"), K3.weight(Scalar(0.1), "float32"),
              K3.weight(f64([0.1]), "float32"), K2.weight(f64([0.1]), "float32")):
        b = one(w)
        assert (b.v, b.e, b.dtype) == (mpf(13421773) * mpf(2) ** -27, 0.0, "float32")
    # a Python float through tf.convert_to_tensor (float32) into a float64 compute dtype: value fl32(0.1),
    # dtype float64
    b = one(tf_weight(Scalar(0.1), "float64"))
    assert (b.v, b.dtype) == (mpf(13421773) * mpf(2) ** -27, "float64")
    b2 = one(tf_weight(f64([0.1]), "float32"))
    assert (b2.v, b2.dtype) == (mpf(13421773) * mpf(2) ** -27, "float32")
    # keras3's loss in float32: a float64 weight 0.1 weighs by fl32(0.1)
    t = np.float32([[1, 0]])
    got = K3.exact(case("loss", {"y_true": t, "y_pred": t, "sample_weight": f64([0.1])}, "float32", reduction="none"))
    assert got.tolist() == [-13421773 * 2.0 ** -27]


def test_compute_average_loss_casts_array_weights_to_float32() -> None:
    # float64 weight 0.1 on a float64 loss 1: weighed in float32: fl32(0.1) = 13421773 * 2**-27
    got = K2.exact(case("compute_average_loss", {"per_example_loss": f64([1.0]), "sample_weight": f64([0.1])}))
    assert got.tolist() == 13421773 * 2.0 ** -27


@pytest.mark.parametrize("prof", [K2, K3])
def test_metric_weights_are_cast_to_the_metric_dtype(prof) -> None:
    # cosines [1, 0], float64 weights [0.1, 0.3] into a float32 metric: fl32(0.1) = 13421773 * 2**-27,
    # fl32(0.3) = 10066330 * 2**-25 (0.3 * 2**25 = 10066329.6): result fl32(0.1) / (fl32(0.1) + fl32(0.3))
    # = 13421773 / (13421773 + 4 * 10066330) = 13421773 / 53687093
    st = [Step({"y_true": f64(A[0]), "y_pred": f64(A[1]), "sample_weight": f64([0.1, 0.3])})]
    got = prof.exact(case("metric", {}, steps=st, dtype="float32"))
    assert got.tolist() == float(mpf(13421773) / 53687093)


@pytest.mark.parametrize("prof", [K2, K3])
def test_metric_axis(prof) -> None:
    # axis 0 over [[1, 0], [1, 0]] and [[1, 0], [0, 1]]: columns [1,1].[1,0] / (sqrt2 * 1) and 0: mean 1/(2 sqrt2)
    st = [Step({"y_true": f64([[1, 0], [1, 0]]), "y_pred": f64([[1, 0], [0, 1]])})]
    got = prof.exact(case("metric", {}, steps=st, dtype="float64", axis=0))
    assert got.tolist() == float(1 / (2 * mpmath.sqrt(2)))


@pytest.mark.parametrize("prof", [K2, K3])
def test_non_array_inputs_are_refused(prof) -> None:
    bad = {"y_true": Scalar(1.0), "y_pred": f64([[1, 0]])}
    with pytest.raises(AssertionError):
        prof.exact(case("function", bad))
    with pytest.raises(AssertionError):
        prof.exact_gradients(case("function", bad), ("y_pred",))
    with pytest.raises(AssertionError):
        prof.exact(case("metric", {}, steps=[Step(bad)]))


def test_mask_weights_are_numbers_of_the_loss_dtype() -> None:
    mask = np.asarray([True, False])
    for prof, reduction in ((K2, "sum"), (K3, "sum"), (K3, "mean_with_sample_weight")):
        w = prof.apply_mask(None, mask, reduction, "float32")
        assert [(b.v, b.e, b.dtype) for b in w] == [(1, 0.0, "float32"), (0, 0.0, "float32")]
    # mean-like: total / valid = 2 on the valid entry
    w2 = K2.apply_mask(None, mask, "sum_over_batch_size", "float32")
    assert [b.v for b in w2] == [2, 0]
    w3 = K3.apply_mask(None, mask, "sum_over_batch_size", "float32")
    assert list(w3) == [2, 0]


def test_keras3_reduce_bounds() -> None:
    weighted = np.asarray([B(1, 0.0, "float32"), B(3, 0.0, "float32")], object)
    # sum: 4 with e_s = gamma(1) * 4 + tiny
    e_s = (U32 / (1 - U32)) * 4 + TINY32
    s = one(K3.reduce(weighted, None, "sum", "float32", 1))
    assert (s.v, s.e) == (4, e_s)
    # mean: 4 / fl(2): spread (2 e_s) / (2 * 2) = e_s / 2, e = e_s / 2 + u (2 + e_s / 2); no replica factor at 1
    m = one(K3.reduce(weighted, None, "sum_over_batch_size", "float32", 1))
    assert (m.v, m.e) == (2, e_s / 2 + U32 * (2 + e_s / 2))
    # 2 replicas: * fl(1/2): spread 0.5 e_m, e = 0.5 e_m + u (1 + 0.5 e_m)
    e_m = e_s / 2 + U32 * (2 + e_s / 2)
    r = one(K3.reduce(weighted, None, "sum_over_batch_size", "float32", 2))
    assert (r.v, r.e) == (1, 0.5 * e_m + U32 * (1 + 0.5 * e_m))
    # keras2 reduce: the same mean, never scaled
    k2 = one(K2.reduce(weighted, None, "sum_over_batch_size", "float32", 2))
    assert (k2.v, k2.e) == (2, e_m)


def test_gradient_scale_of_y_pred() -> None:
    # p = [2, 0] (|p| = 2): d(-c)/dt unchanged [-0.128, 0.096]; d(-c)/dp = [0, -0.8] / 2 = [0, -0.4]
    c = case("function", {"y_true": f64([[3, 4]]), "y_pred": f64([[2, 0]])})
    got = K3.exact_gradients(c, ("y_true", "y_pred"))
    assert got["y_true"][0].tolist() == [[-0.128, 0.096]]
    assert got["y_pred"][0].tolist() == [[0.0, -0.4]]


def test_gradient_axis_argument_and_rank_3() -> None:
    # (1, 1, 2) inputs t = [3, 4], p = [1, 0]: default axis -1: as the 2-d example
    t, p = f64([[[3, 4]]]), f64([[[1, 0]]])
    got = K3.exact_gradients(case("function", {"y_true": t, "y_pred": p}), ("y_pred",))
    assert got["y_pred"][0].tolist() == [[[0.0, -0.8]]]
    # axis 0 over (2, 2) inputs: columns t = [3, 4], p = [1, 0] and t = [1, 0], p = [1, 0] (cos 1, gradient 0)
    t2, p2 = f64([[3, 1], [4, 0]]), f64([[1, 1], [0, 0]])
    got2 = K2.exact_gradients(case("function", {"y_true": t2, "y_pred": p2}, axis=0), ("y_pred",))
    assert got2["y_pred"][0].tolist() == [[0.0, 0.0], [-0.8, 0.0]]
    # (2, 2, 2) inputs: losses of shape (2, 2); each row t = [3, 4], p = [1, 0] except one with p = [0, 1]:
    # dc/dp = t/5 - (t.p) p / 5 = [3, 4]/5 - 4 [0, 1]/5 = [0.6, 0]; d(-c)/dp = [-0.6, 0]
    t3 = np.tile(f64([3, 4]), (2, 2, 1))
    p3 = np.tile(f64([1, 0]), (2, 2, 1))
    p3[1, 0] = [0, 1]
    got3 = K3.exact_gradients(case("loss", {"y_true": t3, "y_pred": p3}, dtype="float64", reduction="sum"),
                              ("y_pred",))
    assert got3["y_pred"][0].tolist() == [[[0.0, -0.8], [0.0, -0.8]], [[-0.6, 0.0], [0.0, -0.8]]]


def test_gradient_broadcast_y_true_larger() -> None:
    # y_true (2, 2) against y_pred (1, 2): the gradient by y_pred sums both samples: 2 * [0, -0.8]
    c = case("function", {"y_true": f64([[3, 4], [3, 4]]), "y_pred": f64([[1, 0]])})
    got = K2.exact_gradients(c, ("y_true", "y_pred"))
    assert got["y_pred"][0].tolist() == [[0.0, -1.6]]
    assert got["y_true"][0].tolist() == [[-0.128, 0.096], [-0.128, 0.096]]


def test_gradient_of_squeezed_input_keeps_its_shape() -> None:
    # keras2 loss: y_pred (2, 1) squeezed against y_true (2,): one cosine of [3, 4] and [1, 0];
    # the gradient comes back in y_pred's own shape (2, 1): [[0], [-0.8]]
    c = case("loss", {"y_true": f64([3, 4]), "y_pred": f64([[1], [0]])}, reduction="sum")
    got = K2.exact_gradients(c, ("y_pred",))
    assert got["y_pred"][0].tolist() == [[0.0], [-0.8]]


def test_gradient_of_an_empty_batch() -> None:
    e = np.zeros((0, 2))
    got = K3.exact_gradients(case("loss", {"y_true": e, "y_pred": e}, dtype="float64"), ("y_pred",))
    assert got["y_pred"][0].shape == (0, 2) and got["y_pred"][1].shape == (0, 2)


def test_unbroadcast_rank_3() -> None:
    g = np.asarray(np.arange(24).reshape(2, 3, 4), object)
    # to (2, 1, 4): sum over axis 1: element [0, 0, 0] = 0 + 4 + 8 = 12
    out = G.unbroadcast(g, (2, 1, 4))
    assert out.shape == (2, 1, 4) and out[0, 0, 0] == 12 and out[1, 0, 3] == 15 + 19 + 23
    # (2, 1, 4) to (2, 1, 1): sum over axis 2 only: [0+1+2+3, 4+5+6+7]
    h = np.asarray(np.arange(8).reshape(2, 1, 4), object)
    assert G.unbroadcast(h, (2, 1, 1)).tolist() == [[[6]], [[22]]]


def test_derivative_dtypes_and_float16_threshold() -> None:
    clamp = X.Clamp("max", mpf(1))
    assert G.derivative_of_inverse_norm(B(0.5, 0.0, "float32"), B(1, 0.0, "float32"), clamp).dtype == "float32"
    assert G.derivative_of_inverse_norm(B(0.5, 0.5, "float32"), B(1, 0.0, "float32"), clamp).dtype == "float32"
    assert G.derivative_of_inverse_norm(B(1.25, 0.25, "float32"), B(1, 0.0, "float32"), clamp).dtype == "float32"
    # floor 0: s = 4 with e_s = 4 reaches 0, but with no clamp there is no threshold: the slope -1/16 with
    # the bound of r^3/2 from an exact r (finite)
    f0 = G.derivative_of_inverse_norm(B(4, 4.0, "float16"), B(0.5, 0.0, "float16"), X.Clamp("max", mpf(0)))
    assert f0.v == mpf(-1) / 16 and f0.e < 1


def test_float_image_g_is_carried_not_recomputed() -> None:
    # g is v in float64 as the bound's own arithmetic carries it (Bounded's docstring): an operation's g is the
    # float operation on the operands' g. A deliberately off g (1.5 for v = 1) shows it is carried.
    a = X.Bounded(mpf(1), 0.0, "float64", 1.5)
    two = B(2, 0.0, "float64")
    assert (a + two).g == 3.5 and (-a).g == -1.5 and (a * two).g == 3.0 and (a / two).g == 0.75
    assert (a / B(2, 4.0, "float64")).g == 0.75                      # the divisor-may-be-0 branch
    assert X.rounded(mpf(1), 0.0, None, 1.5).g == 1.5                # an exact constant
    assert X.rounded(mpf(1), 0.0, "float16", 70000.0).g == 70000.0  # overflow branch (|g| >= max) keeps it too
    assert (X.Bounded(mpf(1), 2.0 ** -30, "float64", 1.5) / two).g == 0.75   # quotient with a spread
    s = X.total(np.asarray([a, two], object))
    assert s.g == 3.5
    lone = X.total(np.asarray([a, B(0, 0.0, "float64")], object))  # one non-zero term
    assert lone.g == 1.5
    assert X.Bounded(mpf(1), 0.0, "float64", 1.5).g == 1.5 and X.Bounded(mpf(1), 0.0, "float64").g == 1.0


def test_branch_results_keep_value_and_dtype() -> None:
    o = B(300, 0.0, "float16") * B(300, 0.0, "float16")
    assert (o.v, o.e, o.dtype) == (90000, INF, "float16")
    q = B(3, 0.0, "float32") / B(1, 1.0, "float32")
    assert (q.v, q.dtype) == (3, "float32")
    k2 = K2.clamp("float32")
    assert X.inverse_norm(B(4, 4.0, "float32"), k2).dtype == "float32"
    assert X.inverse_norm(B("nan", 0.0, "float32"), k2).dtype == "float32"
    i = X.total(np.asarray([B("inf", 0.0, "float32"), B(1, 0.0, "float32")], object))
    assert i.dtype == "float32"


def test_exact_value_beyond_float64_overflows() -> None:
    # v = 2**1024 is finite but at least max: e = inf (the non-finite shortcut is only for NaN/inf values)
    r = X.rounded(mpf(2) ** 1024, 0.0, "float64")
    assert r.e == INF


def test_flush_term_threshold_is_strict() -> None:
    # |v| - s = tiny exactly: not below tiny, no flush term: e = u * 2**-126
    assert (B(2.0 ** -126, 0.0, "float32") * X.Bounded.of(1)).e == U32 * 2.0 ** -126


def test_partial_sums_use_their_own_terms() -> None:
    x = np.asarray([[B(1, 2.0 ** -20, "float64"), B(2, 0.0, "float64")],
                    [B(4, 0.0, "float64"), B(8, 2.0 ** -10, "float64")]], object)
    rows = X.total(x, (1,))
    # row 0: spread 2**-20, k = 2, mass 3 + 2**-20: e = 2**-20 + gamma(1) (3 + 2**-20) + tiny; g = 3
    g1 = U64 / (1 - U64)
    assert rows[0].g == 3.0 and rows[0].e == 2.0 ** -20 + g1 * (3 + 2.0 ** -20) + TINY64
    # row 1: spread 2**-10, mass 12 + 2**-10; g = 12
    assert rows[1].g == 12.0 and rows[1].e == 2.0 ** -10 + g1 * (12 + 2.0 ** -10) + TINY64


def test_forced_inf_sum_of_several_terms() -> None:
    # inf + 1 + 2: the inf is forced (all e finite): e = 0, even with two other non-zero terms
    s = X.total(np.asarray([B("inf", 0.0, "float32"), B(1, 0.0, "float32"), B(2, 0.0, "float32")], object))
    assert mpmath.isinf(s.v) and s.e == 0.0 and s.dtype == "float32"


def test_sum_overflow_counts_the_error() -> None:
    # float16 64992 + 496 = 65488 < 65504, but with e = gamma(1) * 65488 + 2**-14 (about 32) |v| + e >= max
    s = X.total(X.array(np.float16([64992, 496])))
    assert s.v == 65488 and s.e == INF
    # 64992 + 400 = 65392, e about 32: stays below max
    t = X.total(X.array(np.float16([64992, 400])))
    assert t.e == (U16 / (1 - U16)) * 65392 + TINY16


def test_exact_py_raises_no_float_warnings() -> None:
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert one(X.array(np.float64([1e300]), "float32")).v == mpf("inf")   # the cast overflows, as in TF
        assert X.constant(1e7, "float16") == mpf("inf")


def test_keras3_loss_casts_inputs_to_its_dtype() -> None:
    # dtype float16: p = [1, 0.1] is held as [1, fl16(0.1)], fl16(0.1) = 1638 * 2**-14 (0.1 * 2**14 = 1638.4);
    # t = [1, 0]: cos = 1 / sqrt(1 + fl16(0.1)**2)
    got = K3.exact(case("loss", {"y_true": f64([[1, 0]]), "y_pred": f64([[1, 0.1]])}, dtype="float16",
                        reduction="none"))
    q = mpf(1638) / 2 ** 14
    assert got.tolist() == [float(-1 / mpmath.sqrt(1 + q * q))]


@pytest.mark.parametrize("prof", [K2, K3])
def test_loss_refuses_non_array_inputs(prof) -> None:
    with pytest.raises(AssertionError):
        prof.exact(case("loss", {"y_true": Scalar(1.0), "y_pred": f64([[1, 0]])}))


def test_keras2_squeezes_y_true_by_its_last_dim() -> None:
    from tforacle.profiles import keras2_squeeze_or_expand as sq
    assert [x.shape for x in sq(np.zeros((2, 3, 1)), np.zeros((2, 3)))] == [(2, 3), (2, 3)]
    assert [x.shape for x in sq(np.zeros((2, 1, 3)), np.zeros((2, 1)))] == [(2, 1, 3), (2, 1)]


def test_float16_zero_vector_bound_is_zero() -> None:
    # fixtures/README, "Branches": "An exactly zero vector is not a branch: its squares are exactly 0, so every
    # correct implementation gives the same 0 (or NaN in float16, where 0 * inf), and the bound is 0."
    c = case("loss", {"y_true": np.float16([[0, 0]]), "y_pred": np.float16([[1, 2]])}, "float16",
             dtype="float16", reduction="none")
    exact, bound = K3.exact_and_bound(c)
    # (exact.py gave +inf here, |NaN| * e in Bounded.__mul__'s spread, until Bounded.certain_nan)
    assert np.isnan(exact).all() and bound.tolist() == [0.0]


def test_evaluate_raises_no_float_warnings() -> None:
    import warnings
    # float16 zero y_true: 0 * inf = NaN inside the formula (TF's arithmetic, not a float error of ours)
    c = case("loss", {"y_true": np.float16([[0, 0]]), "y_pred": np.float16([[1, 2]])}, "float16",
             dtype="float16", reduction="none")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(K3.exact_and_bound(c)[0]).all()


def test_input_subnormals_of_the_source_dtype() -> None:
    # TF's CPU reads float32/float64 subnormals as 0 even when widening them: a float32 2**-130 cast to float64
    # may be 0: e = 2**-130
    a = one(X.array(np.float32([2.0 ** -130]), "float64"))
    assert (a.v, a.e, a.dtype) == (mpf(2) ** -130, 2.0 ** -130, "float64")
    # float16 is widened exactly: its subnormal 2**-20 is a normal float32: e = 0; a normal 0.5: e = 0
    assert one(X.array(np.float16([2.0 ** -20]), "float32")).e == 0.0
    assert one(X.array(np.float16([0.5]), "float32")).e == 0.0


def test_gradient_weighted_with_broadcast_inputs() -> None:
    # keras2 "sum" with weights [3, 1]: y_true (2, 2) rows [3, 4] and [4, 3] against y_pred (1, 2) = [1, 0]:
    # d(-c)/dp = [0, -0.8] for [3, 4] and [4,3]/5 - 4 [1,0]/5 = [0, 0.6] -> [0, -0.6] for [4, 3];
    # weighted: 3 [0, -0.8] + [0, -0.6] = [0, -3.0]
    c = case("loss", {"y_true": f64([[3, 4], [4, 3]]), "y_pred": f64([[1, 0]]), "sample_weight": f64([3, 1])},
             reduction="sum")
    assert K2.exact_gradients(c, ("y_pred",))["y_pred"][0].tolist() == [[0.0, -3.0]]
    # y_true (1, 2) = [3, 4] against y_pred (2, 2) rows [1, 0]: per row [0, -0.8], weighted 3 and 1
    c2 = case("loss", {"y_true": f64([[3, 4]]), "y_pred": f64([[1, 0], [1, 0]]), "sample_weight": f64([3, 1])},
              reduction="sum")
    assert K2.exact_gradients(c2, ("y_pred",))["y_pred"][0].tolist() == [[0.0, -2.4], [0.0, -0.8]]

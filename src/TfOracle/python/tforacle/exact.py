"""High-precision evaluation of a profile's formula: the generation-neutral arithmetic behind `expected.exact`.

Arrays here are numpy object arrays of mpmath numbers, so numpy's broadcasting and axis reductions apply
unchanged while every operation runs at WORKING_BITS of precision. Non-finite values follow IEEE rules as
TensorFlow's kernels do (NaN propagates through max/min, rsqrt(0) = inf, inf * 0 = NaN); that is why the small
helpers below exist instead of Python's max/min, which are undefined on NaN.
"""
from __future__ import annotations

from collections.abc import Sequence

import mpmath
import numpy as np
from mpmath import libmp, mpf

from .tensors import DTYPES

# 320 bits is about 96 significant decimal digits: products of input values are exact and sums lose nothing
# that matters at float64 resolution unless they cancel by more than ~2**-260.
WORKING_BITS = 320
mpmath.mp.prec = WORKING_BITS

NAN = mpf("nan")
INF = mpf("inf")
_to_mp = np.frompyfunc(lambda v: mpf(float(v)), 1, 1)
_SUBNORMAL_LIMIT = mpf(2) ** -1022
_SUBNORMAL_ULP = mpf(2) ** -1074


def array(values: np.ndarray | np.generic | float, dtype: str | None = None) -> np.ndarray:
    """Exact object array of the values, first rounded to `dtype` the way a TF cast would."""
    arr = np.asarray(values)
    with np.errstate(all="ignore"):   # a cast that overflows to inf is what TF does too
        if dtype is not None:
            arr = arr.astype(DTYPES[dtype].numpy)
        return np.asarray(_to_mp(arr.astype(np.float64)), dtype=object).reshape(arr.shape)


def constant(value: float, dtype: str) -> mpf:
    """A Python constant as TF holds it in `dtype` (1e-12 is 0 in float16, 1e7 is inf)."""
    with np.errstate(over="ignore"):   # float16 overflow to inf is the point
        return mpf(float(np.asarray(value).astype(DTYPES[dtype].numpy).astype(np.float64)))


def is_nan(x: mpf) -> bool:
    return bool(mpmath.isnan(x))


def maximum(a: mpf, b: mpf) -> mpf:
    return NAN if is_nan(a) or is_nan(b) else (a if a > b else b)


def minimum(a: mpf, b: mpf) -> mpf:
    return NAN if is_nan(a) or is_nan(b) else (a if a < b else b)


def rsqrt(x: mpf) -> mpf:
    if is_nan(x) or x < 0:
        return NAN
    if x == 0:
        return INF
    return 1 / mpmath.sqrt(x)


def elementwise(fn, x: np.ndarray) -> np.ndarray:
    return np.asarray(np.frompyfunc(fn, 1, 1)(x), dtype=object).reshape(np.shape(x))


def axis_tuple(axis: int | Sequence[int], rank: int) -> tuple[int, ...]:
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"axis {a} out of range for rank {rank}")
        out.append(a % rank)
    return tuple(sorted(set(out)))


def total(x: np.ndarray, axis: tuple[int, ...] | None = None, keepdims: bool = False) -> np.ndarray | mpf:
    """Sum that stays mpf also for empty reductions (numpy's object sum of nothing is the int 0)."""
    s = np.sum(x, axis=axis, keepdims=keepdims) if axis != () else x
    if isinstance(s, np.ndarray):
        return elementwise(mpf, s)
    return mpf(s)


def normalize(x: np.ndarray, axis: int | Sequence[int], inv_norm) -> np.ndarray:
    """x * inv_norm(sum of squares over axis), the shape both generations share."""
    axes = axis_tuple(axis, x.ndim)
    return x * elementwise(inv_norm, total(x * x, axes, keepdims=True))


def cosine_sum(t: np.ndarray, p: np.ndarray, axis: int | Sequence[int]) -> np.ndarray:
    """sum(t * p) over axis of the broadcast product (axis taken against the product's rank)."""
    prod = t * p
    prod = np.asarray(prod, dtype=object).reshape(np.broadcast_shapes(t.shape, p.shape))
    return np.asarray(total(prod, axis_tuple(axis, prod.ndim)), dtype=object)


def round_float64(x: mpf) -> float:
    """Round once to the nearest float64 (ties to even), subnormals included."""
    if not mpmath.isfinite(x):
        return float("nan") if is_nan(x) else (float("inf") if x > 0 else float("-inf"))
    if abs(x) < _SUBNORMAL_LIMIT:
        return float(libmp.to_float((mpmath.nint(x / _SUBNORMAL_ULP) * _SUBNORMAL_ULP)._mpf_))
    return libmp.to_float(x._mpf_, rnd="n")


def to_float64(x: np.ndarray | mpf) -> np.ndarray:
    arr = np.asarray(x, dtype=object)
    return np.asarray(np.frompyfunc(round_float64, 1, 1)(arr), dtype=np.float64).reshape(arr.shape)

"""High-precision evaluation of a profile's formula: the arithmetic behind `expected.exact` and `expected.bound`.

Arrays here are numpy object arrays, so numpy's broadcasting and axis reductions apply unchanged. Their elements
are `Bounded` numbers: the exact value (an mpmath number at WORKING_BITS) together with an upper bound on how far
a correct floating-point evaluation of the same formula in the element's dtype can be from it, whatever its
summation order, FMA use or rsqrt flavour (fixtures/README, "The error bound"). Plain mpmath numbers (and Python
ints) are exact constants. Non-finite values follow IEEE rules as TensorFlow's kernels do (NaN propagates through
max/min, rsqrt(0) = inf, inf * 0 = NaN); that is why the small helpers below exist instead of Python's max/min,
which are undefined on NaN.

The same formula code can also run on plain floats of the compute dtype (`evaluating(...)`, used by the tests as
an independent floating-point implementation): `array`, `constant`, `total`, `inverse_norm` and `cast` consult the
active arithmetic, every other step is ordinary operators.
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

import ml_dtypes
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
_SUBNORMAL_LIMIT = mpf(2) ** -1022
_SUBNORMAL_ULP = mpf(2) ** -1074


@dataclass(frozen=True)
class Precision:
    """What the error bound needs to know of a dtype."""
    unit: float      # unit roundoff u = 2**-p: a rounded result is within u * |result| ...
    tiny: float      # ... plus, below the smallest normal number, up to `tiny` (flush-to-zero; TF flushes on CPU)
    largest: float   # the largest finite number

    def may_overflow(self, magnitude: float) -> bool:
        """A result whose computed magnitude may reach `magnitude` may overflow to inf (a branch)."""
        return magnitude >= self.largest

    def gamma(self, k: int) -> float:
        """gamma_k = k*u / (1 - k*u): the relative error of k successive roundings (Higham, ch. 3)."""
        return k * self.unit / (1 - k * self.unit) if k * self.unit < 0.5 else math.inf


PRECISION = {
    "float16": Precision(2.0 ** -11, 2.0 ** -14, 65504.0),
    "bfloat16": Precision(2.0 ** -8, 2.0 ** -126, float(ml_dtypes.finfo(ml_dtypes.bfloat16).max)),
    "float32": Precision(2.0 ** -24, 2.0 ** -126, float(np.finfo(np.float32).max)),
    "float64": Precision(2.0 ** -53, 2.0 ** -1022, float(np.finfo(np.float64).max)),
}
# rsqrt may be off by 2 ulps (4u relative): Eigen's refined approximation, or 1/sqrt(x) with two roundings.
RSQRT_UNITS = 4
# The bound is itself computed in float64 from float64 images of the exact values; this factor covers that.
BOUND_SLACK = 1 + 2.0 ** -30


def _finite(x: mpf) -> bool:
    return bool(mpmath.isfinite(x))


def _plus(*terms: float) -> float:
    """Sum of non-negative error terms; NaN (from 0 * inf) means unbounded."""
    total = sum(terms)
    return total if total == total else math.inf


def _times(a: float, b: float) -> float:
    """a * b for error terms, where 0 * inf is unbounded rather than NaN."""
    product = a * b
    return product if product == product else math.inf


class Bounded:
    """An exact value `v` and a bound `e` on |computed - v| for a computation in `dtype` (None: an exact constant).
    `g` is v in float64 as the bound's own arithmetic uses it (carried along in floats: converting v each time
    would cost more than the exact arithmetic itself; its relative error is orders below the bound's terms)."""
    __slots__ = ("v", "g", "e", "dtype")

    def __init__(self, v: mpf, e: float, dtype: str | None, g: float | None = None):
        self.v, self.e, self.dtype = v, e, dtype
        self.g = float(v) if g is None else g

    def __repr__(self) -> str:
        return f"Bounded({mpmath.nstr(self.v, 17)}, {self.e!r}, {self.dtype})"

    @staticmethod
    def of(x: Any) -> Bounded:
        if isinstance(x, Bounded):
            return x
        return Bounded(mpf(x), 0.0, None)

    def __neg__(self) -> Bounded:
        return Bounded(-self.v, self.e, self.dtype, -self.g)

    @property
    def certain_nan(self) -> bool:
        """NaN in every evaluation (an exact NaN): whatever it meets, the result is NaN too."""
        return self.g != self.g and self.e == 0

    def __add__(self, other: Any) -> Bounded:
        o = other if other.__class__ is Bounded else Bounded.of(other)
        if (nan := _certain_nan(self, o)) is not None:
            return nan
        return rounded(self.v + o.v, _plus(self.e, o.e), _common(self, o), self.g + o.g)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Bounded:
        return self + (-Bounded.of(other))

    def __rsub__(self, other: Any) -> Bounded:
        return Bounded.of(other) + (-self)

    def __mul__(self, other: Any) -> Bounded:
        o = other if other.__class__ is Bounded else Bounded.of(other)
        if (nan := _certain_nan(self, o)) is not None:
            return nan
        spread = _plus(_times(abs(self.g), o.e), _times(abs(o.g), self.e), _times(self.e, o.e)) \
            if self.e or o.e else 0.0
        return rounded(self.v * o.v, spread, _common(self, o), self.g * o.g)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Bounded:
        return quotient(self, Bounded.of(other))

    def __rtruediv__(self, other: Any) -> Bounded:
        return quotient(Bounded.of(other), self)

    def __eq__(self, other: object) -> bool:   # divide_no_nan asks "is the divisor 0"
        return bool(self.v == value_of(other))

    __hash__ = None  # type: ignore[assignment]


def _common(a: Bounded, b: Bounded) -> str | None:
    """The dtype an operation on a and b rounds in (the coarser one if they differ; None if both are exact)."""
    if a.dtype == b.dtype or b.dtype is None:
        return a.dtype
    if a.dtype is None:
        return b.dtype
    return max(a.dtype, b.dtype, key=lambda d: PRECISION[d].unit)


def _certain_nan(a: Bounded, b: Bounded) -> Bounded | None:
    """NaN with e = 0 if a or b is a certain NaN: NaN whatever the other operand computes to."""
    return Bounded(NAN, 0.0, _common(a, b), math.nan) if a.certain_nan or b.certain_nan else None


def rounded(v: mpf, spread: float, dtype: str | None, g: float | None = None) -> Bounded:
    """The result v (in floats: g) of one operation whose inputs were already `spread` off, rounded once in
    `dtype`: spread + u * (|v| + spread), plus up to `tiny` where the result may be below the normal range."""
    if g is None or not math.isfinite(g):
        g = float(v)
    if dtype is None:
        return Bounded(v, spread, None, g)
    if math.isnan(spread):
        spread = math.inf
    if not math.isfinite(g) and not _finite(v):   # NaN or inf that the inputs force, deterministic unless
        return Bounded(v, 0.0 if math.isfinite(spread) else math.inf, dtype)   # an input is unbounded
    p = PRECISION[dtype]
    magnitude = abs(g) + spread
    if p.may_overflow(magnitude):
        return Bounded(v, math.inf, dtype, g)
    error = spread + p.unit * magnitude
    if abs(g) - spread < p.tiny:
        error += min(magnitude, p.tiny)
    return Bounded(v, error, dtype, g)


def quotient(a: Bounded, b: Bounded) -> Bounded:
    """a / b: |a'/b' - a/b| <= (|b| e_a + |a| e_b) / (|b| (|b| - e_b)) while e_b < |b|."""
    dtype = _common(a, b)
    if (nan := _certain_nan(a, b)) is not None:
        return nan
    v = a.v / b.v if b.v != 0 else mpmath.sign(a.v) * INF   # sign(0) * inf and sign(NaN) * inf are NaN
    g = a.g / b.g if b.g != 0 and math.isfinite(a.g) and math.isfinite(b.g) else None
    if b.e == 0 and a.e == 0:
        return rounded(v, 0.0, dtype, g)
    bv = abs(b.g)
    if not b.e < bv:            # the computed divisor may be 0 or change sign
        return Bounded(v, math.inf, dtype, g)
    # a non-finite numerator: the result is forced if the numerator is (e finite), else unbounded
    spread = _plus(_times(bv, a.e), _times(abs(a.g), b.e)) / (bv * (bv - b.e)) if math.isfinite(a.g) else a.e
    return rounded(v, spread, dtype, g)


# ---- the active arithmetic ------------------------------------------------------------------------------------

class Arithmetic(Protocol):
    """What the formula asks of its numbers besides operators (see `evaluating`)."""
    def array(self, values: np.ndarray, dtype: str | None) -> np.ndarray: ...
    def constant(self, value: float, dtype: str) -> Any: ...
    def total(self, x: np.ndarray, axis: tuple[int, ...] | None, keepdims: bool) -> Any: ...
    def inverse_norm(self, s: Any, clamp: Clamp) -> Any: ...
    def cast(self, x: Any, dtype: str) -> Any: ...


_ACTIVE: ContextVar[Arithmetic | None] = ContextVar("tforacle_arithmetic", default=None)


@contextlib.contextmanager
def evaluating(arithmetic: Arithmetic) -> Iterator[None]:
    """Runs the formula on another arithmetic (e.g. floats of the compute dtype) inside the block."""
    token = _ACTIVE.set(arithmetic)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


# ---- building blocks of the formula --------------------------------------------------------------------------

# Source dtypes whose subnormals TF's CPU kernels read as 0 (denormals-are-zero) even when casting them to a wider
# dtype; float16 and bfloat16 are widened exactly (in software or by F16C).
READ_AS_ZERO = ("float32", "float64")


def _input(x: float, limit: float, dtype: str) -> Bounded:
    """An input element; below `limit` (the smallest normal number of its dtype, or of the dtype it was cast
    from) it may be read as 0 (TF sets denormals-are-zero on CPU)."""
    return Bounded(mpf(x), abs(x) if abs(x) < limit else 0.0, dtype)


def array(values: np.ndarray | np.generic | float, dtype: str | None = None) -> np.ndarray:
    """The values as TF holds them (first rounded to `dtype` the way a TF cast would), as exact numbers with the
    error an input can carry (denormals read as zero). Without a dtype, the array's own (float) dtype."""
    if (active := _ACTIVE.get()) is not None:
        return active.array(np.asarray(values), dtype)
    arr = np.asarray(values)
    source = arr.dtype.name
    # a cast that overflows to inf is what TF does too; a NaN input compared with the limit is not an error
    with np.errstate(all="ignore"):
        if dtype is not None:
            arr = arr.astype(DTYPES[dtype].numpy)
        floats = arr.astype(np.float64)   # exact for every input dtype
        name = dtype or arr.dtype.name
        if name not in PRECISION:         # integer inputs: exact numbers (TF casts them before any arithmetic)
            return elementwise(mpf, floats)
        limit = max(PRECISION[name].tiny, PRECISION[source].tiny if source in READ_AS_ZERO else 0.0)
        return elementwise(lambda x: _input(x, limit, name), floats)


def constant(value: float, dtype: str) -> Any:
    """A Python constant as TF holds it in `dtype` (1e-12 is 0 in float16, 1e7 is inf): an exact number."""
    if (active := _ACTIVE.get()) is not None:
        return active.constant(value, dtype)
    with np.errstate(over="ignore"):   # float16 overflow to inf is the point
        return mpf(float(np.asarray(value).astype(DTYPES[dtype].numpy)))


def cast(x: Any, dtype: str) -> Any:
    """A computed value cast to another dtype: the exact value stays, the rounding adds to the bound."""
    if (active := _ACTIVE.get()) is not None:
        return active.cast(x, dtype)
    if isinstance(x, np.ndarray):
        return elementwise(lambda b: cast(b, dtype), x)
    b = Bounded.of(x)
    return rounded(b.v, b.e, dtype)


def value_of(x: Any) -> mpf:
    return x.v if isinstance(x, Bounded) else mpf(x)


def is_nan(x: Any) -> bool:
    return bool(mpmath.isnan(value_of(x)))


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


@dataclass(frozen=True)
class Clamp:
    """How a generation keeps 1/norm finite: `rsqrt(max(s, floor))` (Keras 2's epsilon on the squared norm) or
    `min(rsqrt(s), cap)` (Keras 3's cap on 1/norm). Both equal rsqrt(max(s, floor)) with floor = cap**-2, which
    is what the bound uses; the exact value is computed in the generation's own form."""
    form: str         # "max" or "min"
    constant: mpf     # the floor (form "max") or the cap (form "min"), as held in the compute dtype

    @property
    def floor(self) -> mpf:
        if self.form == "max":
            return self.constant
        return mpf(0) if mpmath.isinf(self.constant) else 1 / (self.constant * self.constant)

    def value(self, s: mpf) -> mpf:
        if self.form == "max":
            return rsqrt(maximum(s, self.constant))
        return minimum(rsqrt(s), self.constant)


def inverse_norm(s: Any, clamp: Clamp) -> Any:
    """1/norm from the squared norm s. With m = max(s, floor) and rho = e_s / m, a computed rsqrt(max(s', floor))
    lies within r * ((1 - rho)**-0.5 * (1 + RSQRT_UNITS * u) - 1) of r = m**-0.5 (max and min are 1-Lipschitz)."""
    if (active := _ACTIVE.get()) is not None:
        return active.inverse_norm(s, clamp)
    b = Bounded.of(s)
    r = clamp.value(b.v)
    if b.dtype is None:
        return r
    if not _finite(b.v) or not _finite(r):      # NaN/inf sums, or rsqrt(0) = inf with no clamp
        return Bounded(r, 0.0 if b.e == 0 else math.inf, b.dtype)
    m = max(b.g, float(clamp.floor))
    if not b.e < m:                             # the computed sum may be 0: 1/norm may be inf
        return Bounded(r, math.inf, b.dtype)
    factor = (1 - b.e / m) ** -0.5 * (1 + RSQRT_UNITS * PRECISION[b.dtype].unit) - 1
    return Bounded(r, _times(abs(float(r)), factor), b.dtype)


def objects(x: Any) -> np.ndarray:
    """x as an array of Python objects (exact numbers, Bounded, Linear forms, or the active arithmetic's
    scalars). numpy would otherwise turn Python numbers into int64/float64 arrays and the 0-d result of an
    operation on object arrays into a bare element."""
    return np.asarray(x, dtype=object)


def elementwise(fn: Callable[[Any], Any], x: np.ndarray) -> np.ndarray:
    return objects(np.frompyfunc(fn, 1, 1)(x))


def axis_tuple(axis: int | Sequence[int], rank: int) -> tuple[int, ...]:
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"axis {a} out of range for rank {rank}")
        out.append(a % rank)
    return tuple(sorted(set(out)))


def total(x: np.ndarray, axis: tuple[int, ...] | None = None, keepdims: bool = False) -> Any:
    """Sum over axis (all axes if None). The bound of a sum of k terms that may be non-zero, in any order or
    tree: sum(e_i) + gamma_(k-1) * sum(|v_i| + e_i) + (k-1) * tiny (each addition may flush a tiny result); inf
    where a partial sum, in some order, may overflow."""
    if (active := _ACTIVE.get()) is not None:
        return active.total(x, axis, keepdims)
    x = objects(x)
    if axis == ():
        return x
    if axis is None and any(isinstance(v, Linear) for v in x.flat):
        return Linear(merged([v.coef for v in x.flat if isinstance(v, Linear)]))
    bounded = [b for b in x.flat if isinstance(b, Bounded)]
    dtypes = {b.dtype for b in bounded if b.dtype is not None}
    if not dtypes:
        exact = np.sum(elementwise(value_of, x), axis=axis, keepdims=keepdims)
        return elementwise(mpf, exact) if isinstance(exact, np.ndarray) else mpf(exact)
    dtype = max(dtypes, key=lambda d: PRECISION[d].unit)
    p = PRECISION[dtype]
    values, floats, errors = np.frompyfunc(_parts, 1, 3)(x)
    floats, errors = (np.asarray(a, dtype=np.float64) for a in (floats, errors))

    def over(a: np.ndarray) -> Any:
        return np.sum(a, axis=axis, keepdims=keepdims)

    with np.errstate(invalid="ignore", over="ignore"):
        # an infinite or NaN term's float (a forced one, or one with e = inf) makes these infinite or NaN: the
        # exact sum is then non-finite too, or the error inf
        ups, downs = np.maximum(floats, 0.0) + errors, np.maximum(-floats, 0.0) + errors
        magnitudes = np.abs(floats) + errors
        reach = np.maximum(over(ups), over(downs))
        live = over(magnitudes > 0)
        certain_nan = np.any(np.isnan(floats) & (errors == 0), axis=axis, keepdims=keepdims)
        out = np.frompyfunc(lambda v, g, s, m, r, k, n: _sum_bound(
            mpf(v), float(g), 0.0 if n else float(s), float(m), float(r), int(k), p, dtype), 7, 1)(
            over(values), over(floats), over(errors), over(magnitudes), reach, live, certain_nan)
    return out


def _parts(b: Any) -> tuple[mpf, float, float]:
    return (b.v, b.g, b.e) if isinstance(b, Bounded) else (mpf(b), float(b), 0.0)


def _sum_bound(v: mpf, g: float, spread: float, mass: float, reach: float, live: int, p: Precision,
               dtype: str) -> Bounded:
    """mass: sum of |term| + e; reach: the larger of the positive and the negative terms' sums (each term with its
    e), which bounds every partial sum in any order: 60000 + 60000 - 60000 overflows in float16 (TF gives inf)."""
    if not math.isfinite(g):
        g = float(v)
        if not _finite(v):
            return Bounded(v, 0.0 if math.isfinite(spread) else math.inf, dtype)
    if live <= 1:   # one non-zero term (or none): nothing is rounded beyond the terms themselves
        return Bounded(v, spread, dtype, g)
    error = _plus(spread, _times(p.gamma(live - 1), mass), (live - 1) * p.tiny)
    if p.may_overflow(reach + error):
        error = math.inf
    return Bounded(v, error, dtype, g)


class Linear:
    """A linear form sum_j c_j * loss_j over the per-sample losses. Every reduction is linear in the losses, so
    running it on unit forms gives, as coefficients, the derivative of the reduced value by each loss (with the
    bounds of how TF's backward pass rounds them)."""
    __slots__ = ("coef",)

    def __init__(self, coef: dict[int, Any]):
        self.coef = coef

    @staticmethod
    def units(shape: tuple[int, ...]) -> np.ndarray:
        forms = np.empty(int(np.prod(shape)), dtype=object)
        for j in range(forms.size):
            forms[j] = Linear({j: 1})
        return forms.reshape(shape)

    def __add__(self, other: Any) -> Linear:
        if not isinstance(other, Linear):   # a constant does not change the derivative
            return self
        return Linear(merged([self.coef, other.coef]))

    __radd__ = __add__

    def __neg__(self) -> Linear:
        return Linear({j: -c for j, c in self.coef.items()})

    def __sub__(self, other: Any) -> Linear:
        return self + -other

    def __mul__(self, other: Any) -> Linear:
        return Linear({j: c * other for j, c in self.coef.items()})

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Linear:
        return Linear({j: c / other for j, c in self.coef.items()})


def merged(forms: list[dict[int, Any]]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for coef in forms:
        for j, c in coef.items():
            out[j] = out[j] + c if j in out else c
    return out


def divide_no_nan(x: Any, y: Any) -> Any:
    """x / y, and 0 where y is 0. A divisor that is 0 exactly but may be computed as non-zero is a branch."""
    if y == 0:
        if isinstance(y, Bounded) and y.e > 0:
            return Bounded(mpf(0), math.inf, y.dtype)
        return 0 if _ACTIVE.get() is not None else mpf(0)
    return x / y


def squares_and_inverse_norm(x: np.ndarray, axis: int | Sequence[int], clamp: Clamp) -> tuple[np.ndarray, np.ndarray]:
    """(sum of squares over axis, 1/norm), both with the reduced axes kept."""
    squares = total(x * x, axis_tuple(axis, x.ndim), keepdims=True)
    return squares, elementwise(lambda s: inverse_norm(s, clamp), squares)


def normalize(x: np.ndarray, axis: int | Sequence[int], clamp: Clamp) -> np.ndarray:
    """x * inverse_norm(sum of squares over axis), the shape both generations share."""
    return x * squares_and_inverse_norm(x, axis, clamp)[1]


def cosine_sum(t: np.ndarray, p: np.ndarray, axis: int | Sequence[int]) -> np.ndarray:
    """sum(t * p) over axis of the broadcast product (axis taken against the product's rank)."""
    prod = objects(t * p)
    return objects(total(prod, axis_tuple(axis, prod.ndim)))


def round_float64(x: mpf) -> float:
    """Round once to the nearest float64 (ties to even), subnormals included."""
    if not mpmath.isfinite(x):
        return math.nan if is_nan(x) else (math.inf if x > 0 else -math.inf)
    if abs(x) < _SUBNORMAL_LIMIT:
        return float(libmp.to_float((mpmath.nint(x / _SUBNORMAL_ULP) * _SUBNORMAL_ULP)._mpf_))
    return libmp.to_float(x._mpf_, rnd="n")


def to_float64(x: np.ndarray | Any) -> np.ndarray:
    """The exact values, rounded once to float64 (beyond its range: inf, quietly)."""
    with np.errstate(over="ignore"):
        return np.asarray(np.frompyfunc(lambda b: round_float64(value_of(b)), 1, 1)(objects(x)), dtype=np.float64)


def _stored_bound(b: Any) -> float:
    """The bound as stored beside the float64 exact: it also covers that rounding of the exact value, and is
    rounded up (BOUND_SLACK) so a float64 comparison |value - exact| <= bound is safe."""
    if not isinstance(b, Bounded) or b.dtype is None:
        return 0.0
    v = b.v
    if not _finite(v):
        return 0.0 if b.e == 0 else math.inf
    stored = round_float64(v)
    rounding = float(abs(v - mpf(stored))) if math.isfinite(stored) else math.inf
    return math.nextafter((b.e + rounding) * BOUND_SLACK, math.inf) if b.e or rounding else 0.0


def to_bound(x: np.ndarray | Any) -> np.ndarray:
    """The per-element bounds of the computed values (fixtures' `bound`), as float64."""
    with np.errstate(over="ignore"):   # an exact value beyond float64's range: its stored exact is inf
        return np.asarray(np.frompyfunc(_stored_bound, 1, 1)(objects(x)), dtype=np.float64)

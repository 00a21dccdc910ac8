"""`special`: the numerically interesting corners, chosen on purpose rather than by chance.

Zero rows, norms straddling each generation's clamp (Keras 2 clamps the squared norm at 1e-12, Keras 3 the norm at
1e-7; both thresholds are probed in both profiles), parallel/antiparallel vectors, cancellation, NaN/Inf/-0.0,
subnormals, overflowing sums of squares and partial sums, degenerate weights, empty batches and integer inputs.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ml_dtypes
import numpy as np

from ..case import Case, Input, Scalar
from ..profiles import Profile
from ..tensors import DTYPES, FLOAT_NAMES
from . import Ids, arr

CLAMP_NORMS = {"keras2-clamp": 1e-6, "keras3-clamp": 1e-7}
CLAMP_FACTORS = (0.5, 0.99, 1 - 2**-10, 1.0, 1 + 2**-10, 1.01, 2.0)
# Inputs stay finite (|t| < 1.5); their sums of squares overflow the dtype.
OVERFLOW_SCALES = {"float16": (100.0, 181.0, 256.0, 300.0, 1000.0, 40000.0), "bfloat16": (1e18, 1e19, 1e20, 1e38),
                   "float32": (1e18, 1e19, 2e19, 1e20, 1e30, 1e38), "float64": (1e153, 1e154, 1e155, 1e300)}
SUBNORMAL = {"float16": 1e-6, "bfloat16": 1e-39, "float32": 1e-40, "float64": 1e-310}


class Special:
    def __init__(self, profile: Profile, rng: np.random.Generator):
        self.profile, self.rng, self.ids = profile, rng, Ids(profile, "special")

    def loss(self, sub: str, y_true: np.ndarray, y_pred: np.ndarray, tags: list[str],
             reduction: str | None = "none", weight: Input | None = None, **args: Any) -> Case:
        if reduction is not None or self.profile.name == "keras3":
            args["reduction"] = reduction
        inputs: dict[str, Input] = {"y_true": y_true, "y_pred": y_pred}
        if weight is not None:
            inputs["sample_weight"] = weight
        return self.ids.case(sub, "loss", args, inputs, tags)

    def function(self, sub: str, y_true: np.ndarray, y_pred: np.ndarray, tags: list[str], **args: Any) -> Case:
        return self.ids.case(sub, "function", args, {"y_true": y_true, "y_pred": y_pred}, tags)

    def normal(self, dims: tuple[int, ...]) -> np.ndarray:
        return self.rng.standard_normal(dims)

    def zero_rows(self) -> Iterator[Case]:
        for dtype in FLOAT_NAMES:
            t, p = self.normal((4, 5)), self.normal((4, 5))
            t[0] = 0
            p[1] = 0
            t[2] = p[2] = 0
            for reduction in self.profile.reductions:
                yield self.loss("zero-rows", arr(t, dtype), arr(p, dtype), ["zero-rows"], reduction)
            yield self.function("zero-rows", arr(t, dtype), arr(p, dtype), ["zero-rows"])

    def clamp(self) -> Iterator[Case]:
        for dtype in FLOAT_NAMES:
            for name, norm in CLAMP_NORMS.items():
                for factor in CLAMP_FACTORS:
                    unit = np.array([[0.6, 0.8], [0.28, 0.96]])   # exact unit rows
                    y_pred = arr(unit * norm * factor, dtype)
                    y_true = arr(np.array([[1.0, 0.0], [0.0, 1.0]]), dtype)
                    yield self.loss("clamp", y_true, y_pred, ["tiny-norm", name, f"factor-{factor:.6g}"])
                wide = self.normal((3, 16))
                wide = wide / np.linalg.norm(wide, axis=1, keepdims=True) * norm
                yield self.loss("clamp", arr(self.normal((3, 16)), dtype), arr(wide, dtype), ["tiny-norm", name])
                yield self.loss("clamp", arr(wide, dtype), arr(wide * 0.5, dtype), ["tiny-norm", "both-tiny", name])
                at = at_threshold(dtype, norm)
                yield self.loss("clamp", arr([[1.0], [-1.0]], dtype), arr([[at], [at]], dtype),
                                ["tiny-norm", "at-clamp", name])

    def parallel(self) -> Iterator[Case]:
        yield self.loss("parallel", arr([[0., 2., 3.]], "float32"), arr([[0., 2., 3.]], "float32"),
                        ["parallel", "past-minus-one"])
        for dtype in FLOAT_NAMES:
            for width in (3, 16, 64):
                base = self.normal((4, width))
                for c in (1.0, 2.0, -1.0, -3.7):
                    yield self.loss("parallel", arr(base, dtype), arr(base * c, dtype),
                                    ["parallel" if c > 0 else "antiparallel"])

    def orthogonal(self) -> Iterator[Case]:
        for dtype in FLOAT_NAMES:
            for width in (2, 5, 33):
                a, b = self.normal((3, width)), self.normal((3, width))
                b -= (np.sum(a * b, axis=1, keepdims=True) / np.sum(a * a, axis=1, keepdims=True)) * a
                yield self.loss("orthogonal", arr(a, dtype), arr(b, dtype), ["near-orthogonal", "cancellation"])
            big = 256.0 if dtype == "float16" else 1e8 if dtype != "float64" else 1e17
            yield self.loss("orthogonal", arr([[big, 1.0, -big]], dtype), arr([[1.0, 1.0, 1.0]], dtype),
                            ["cancellation"])
            yield self.function("orthogonal", arr([[1.0, 1.0]], dtype), arr([[1.0, -1.0]], dtype), ["orthogonal"])

    def non_finite(self) -> Iterator[Case]:
        for dtype in FLOAT_NAMES:
            base_t, base_p = self.normal((3, 4)), self.normal((3, 4))
            plants = {"nan-y-true": ("t", np.nan), "nan-y-pred": ("p", np.nan), "inf-y-true": ("t", np.inf),
                      "neg-inf-y-pred": ("p", -np.inf), "inf-both": ("tp", np.inf)}
            for tag, (where, value) in plants.items():
                t, p = base_t.copy(), base_p.copy()
                if "t" in where:
                    t[1, 2] = value
                if "p" in where:
                    p[1, 2] = value
                yield self.loss("non-finite", arr(t, dtype), arr(p, dtype), [tag])
            yield self.loss("non-finite", arr(np.full((2, 3), -0.0), dtype), arr(base_p[:2, :3], dtype),
                            ["negative-zero"])
            yield self.loss("non-finite", arr(base_t[:2], dtype), arr(-0.0 * np.abs(base_p[:2]), dtype),
                            ["negative-zero"])
            tiny = SUBNORMAL[dtype]
            yield self.loss("non-finite", arr(base_t * tiny, dtype), arr(base_p, dtype), ["subnormal"])
            yield self.loss("non-finite", arr(base_t * tiny, dtype), arr(base_p * tiny, dtype), ["subnormal"])
            mixed = base_p.copy()
            mixed[:, 0] *= tiny
            yield self.loss("non-finite", arr(base_t, dtype), arr(mixed, dtype), ["subnormal", "mixed-scale"])

    def overflow(self) -> Iterator[Case]:
        for dtype, scales in OVERFLOW_SCALES.items():
            for scale in scales:
                t = 0.5 + self.rng.random((2, 4))
                yield self.loss("overflow", arr(t, dtype), arr(t * scale, dtype), ["overflow", f"scale-{scale:g}"])
                yield self.loss("overflow", arr(t * scale, dtype), arr(t * scale, dtype),
                                ["overflow", "both", f"scale-{scale:g}"])

    def partial_overflow(self) -> Iterator[Case]:
        """float16 weighted losses whose sum is finite (-60000) but whose partial sums overflow in some order: TF's
        reduce_sum of [-60000, -60000, 60000] is -inf. The bound is inf there (any answer is right)."""
        same = arr(np.tile([1.0, 0.0], (3, 1)), "float16")   # y_true == y_pred: every loss is -1
        dtype_arg = {"dtype": "float16"} if self.profile.name == "keras3" else {}
        for weights in ([60000.0, 60000.0, -60000.0], [60000.0, -60000.0, 60000.0], [30000.0, 30000.0, -30000.0]):
            for reduction in ("sum", "sum_over_batch_size"):
                yield self.loss("partial-overflow", same, same, ["partial-overflow"], reduction,
                                arr(weights, "float16"), **dtype_arg)

    def weights(self) -> Iterator[Case]:
        for dtype in ("float32", "float16"):
            t, p = arr(self.normal((4, 3)), dtype), arr(self.normal((4, 3)), dtype)
            nan_one = np.ones(4)
            nan_one[2] = np.nan
            forms: dict[str, Input] = {"sw-all-zero": arr(np.zeros(4), "float32"), "sw-scalar-zero": Scalar(0.0),
                     "sw-all-nan": arr(np.full(4, np.nan), "float32"), "sw-one-nan": arr(nan_one, "float32"),
                     "sw-negative": arr([-1.0, 2.0, -0.5, 0.0], "float32")}
            for tag, weight in forms.items():
                for reduction in self.profile.reductions:
                    yield self.loss("weights", t, p, [tag], reduction, weight)
            for reduction in self.profile.reductions:   # Keras 3 squeezes (1,) losses against a 0-d weight
                yield self.loss("weights", t[:1], p[:1], ["batch-of-one", "sw-python-scalar"], reduction, Scalar(2.5))

    def empty(self) -> Iterator[Case]:
        shapes = {"empty-batch": ((0, 3), -1), "empty-batch-3d": ((0, 4, 3), -1), "empty-vectors": ((3, 0), -1),
                  "empty-rank-1": ((0,), -1), "empty-timesteps": ((2, 0, 3), -1)}
        for tag, (dims, axis) in shapes.items():
            for dtype in ("float32", "float64"):
                t, p = arr(np.zeros(dims), dtype), arr(np.zeros(dims), dtype)
                for reduction in self.profile.reductions:
                    yield self.loss("empty", t, p, [tag], reduction, axis=axis)
                    loss_dims = dims[:-1] if len(dims) > 1 else ()
                    yield self.loss("empty", t, p, [tag, "sw-per-sample"], reduction,
                                    arr(np.ones(loss_dims), "float32"), axis=axis)

    def integers(self) -> Iterator[Case]:
        t, p = np.array([[1, 9, 2], [-5, -2, 6]]), np.array([[4, 8, 12], [8, 1, 3]])
        yield self.loss("integer-inputs", arr(t, "int64"), arr(p, "int64"), ["integer-inputs"], None)
        yield self.loss("integer-inputs", arr(t, "int64"), arr(p, "float32"), ["integer-inputs", "int-y-true"], None)
        yield self.function("integer-inputs", arr(t, "int64"), arr(p, "float32"), ["integer-inputs", "int-y-true"])

    def rank_rules(self) -> Iterator[Case]:
        """Shape corners the reference documents only from reading the code."""
        for dtype in ("float32", "float64"):
            yield self.loss("rank-rules", arr(self.normal((4,)), dtype), arr(self.normal((4, 3)), dtype),
                            ["rank-1-y-true-vs-rank-2"])
            yield self.loss("rank-rules", arr(self.normal((2, 3)), dtype), arr(self.normal((2, 3, 1)), dtype),
                            ["rank-mismatch-trailing-1", "numpy-inputs"], input_kind="numpy")
            yield self.loss("rank-rules", arr(self.normal((2, 3)), dtype), arr(self.normal((2, 3, 1)), dtype),
                            ["rank-mismatch-trailing-1"])
            yield self.loss("rank-rules", arr(self.normal((5,)), dtype), arr(self.normal((5, 1)), dtype),
                            ["rank-mismatch-trailing-1", "rank-1-y-true"], "sum_over_batch_size")
            for batch, steps in ((3, 4), (3, 3)):   # (B,) weights on (B,T) losses: T != B fails, T == B misweighs
                yield self.loss("rank-rules", arr(self.normal((batch, steps, 5)), dtype),
                                arr(self.normal((batch, steps, 5)), dtype), ["sw-rank-lower", f"t-{steps}"],
                                "none", arr(np.arange(1, batch + 1), "float32"))
            # (B,) weights on (B,T1,T2) losses: a rank gap of two is left to broadcasting (B aligns with T2)
            yield self.loss("rank-rules", arr(self.normal((3, 4, 3, 5)), dtype), arr(self.normal((3, 4, 3, 5)), dtype),
                            ["sw-rank-gap-2"], "none", arr([1.0, 2.0, 3.0], "float32"))

    def scalars(self) -> Iterator[Case]:
        """0-d inputs: Keras 3's ops.normalize expands them to shape [1]; Keras 2's l2_normalize cannot reduce them."""
        for dtype in ("float32", "float64"):
            for t, p in ((3.0, -2.0), (0.0, 1.5), (2.0, 4.0)):
                yield self.function("scalar-inputs", arr(t, dtype), arr(p, dtype), ["0d-inputs"])
                yield self.loss("scalar-inputs", arr(t, dtype), arr(p, dtype), ["0d-inputs"], "sum")

    def all(self) -> Iterator[Case]:
        for family in (self.zero_rows, self.clamp, self.parallel, self.orthogonal, self.non_finite, self.overflow,
                       self.weights, self.empty, self.integers, self.rank_rules, self.scalars,
                       self.partial_overflow):
            yield from family()


def at_threshold(dtype: str, norm: float) -> float:
    """A value v of `dtype` whose square, rounded to `dtype`, is the float nearest to norm**2 (the clamp)."""
    np_dtype = DTYPES[dtype].numpy
    target = np.asarray(norm * norm).astype(np_dtype)
    v = np.asarray(norm).astype(np_dtype)
    finfo = ml_dtypes.finfo(np_dtype) if dtype == "bfloat16" else np.finfo(np_dtype)
    best = v
    for _ in range(64):
        square = (v * v).astype(np_dtype)
        if square == target:
            return float(v)
        if abs(float(square) - float(target)) < abs(float((best * best).astype(np_dtype)) - float(target)):
            best = v
        v = np.nextafter(v, np_dtype.type(np.inf) if square < target else np_dtype.type(0)) if dtype != "bfloat16" \
            else (v + (finfo.eps * v if square < target else -finfo.eps * v)).astype(np_dtype)
    return float(best)


def cases(profile: Profile, rng: np.random.Generator) -> Iterator[Case]:
    yield from Special(profile, rng).all()

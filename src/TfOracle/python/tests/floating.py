"""A second floating-point implementation of the profiles' formulas, for testing the bound.

It runs the same formula code as `exact`, but on numpy scalars of the compute dtype (every operation rounded to
that dtype by numpy, no flush-to-zero), with sums accumulated one term after the other, forwards or backwards,
and 1/norm as 1/sqrt (two roundings) instead of TF's rsqrt: another summation order and another rsqrt flavour
than TensorFlow's kernels, so a bound that holds for both is not tuned to one of them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tforacle import exact as X
from tforacle.case import Case
from tforacle.profiles import Profile
from tforacle.tensors import DTYPES


class FloatArithmetic:
    def __init__(self, reverse: bool = False, widen: dict[str, str] | None = None):
        self.reverse = reverse
        self.widen = widen or {}    # compute some dtypes in another (a deliberately wrong implementation)

    def _dtype(self, name: str) -> np.dtype:
        return DTYPES[self.widen.get(name, name)].numpy

    def array(self, values: np.ndarray, dtype: str | None) -> np.ndarray:
        with np.errstate(all="ignore"):
            arr = values.astype(self._dtype(dtype)) if dtype is not None else values
            if arr.dtype.name in self.widen:
                arr = arr.astype(self._dtype(arr.dtype.name))
        out = np.empty(arr.shape, dtype=object)
        out.reshape(-1)[:] = list(arr.reshape(-1))
        return out

    def constant(self, value: float, dtype: str) -> Any:
        with np.errstate(over="ignore"):
            return np.asarray(value).astype(self._dtype(dtype))[()]

    def total(self, x: np.ndarray, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        x = np.asarray(x, dtype=object)
        if axis == ():
            return x
        axes = tuple(range(x.ndim)) if axis is None else tuple(axis)
        kept = x.ndim - len(axes)
        moved = np.moveaxis(x, axes, tuple(range(kept, x.ndim)))
        terms = moved.reshape(moved.shape[:kept] + (int(np.prod(moved.shape[kept:])),))
        out = self._sequential_sums(terms)
        if keepdims:
            out = np.expand_dims(out, axes)
        return out if out.ndim else out[()]

    def _sequential_sums(self, terms: np.ndarray) -> np.ndarray:
        """Sums over the last axis, one term after the other (np.add.accumulate rounds at every step)."""
        if terms.shape[-1] == 0:
            return np.zeros(terms.shape[:-1], dtype=object)   # the int 0: an empty sum takes no dtype
        kinds = {type(t) for t in terms.reshape(-1)}
        if len(kinds) != 1 or not issubclass(kinds.pop(), np.generic):
            out = np.empty(terms.shape[:-1], dtype=object)
            for index in np.ndindex(out.shape):
                row = list(terms[index])
                acc = None
                for term in reversed(row) if self.reverse else row:
                    acc = term if acc is None else acc + term
                out[index] = 0 if acc is None else acc
            return out
        typed = np.array(terms.tolist(), dtype=terms.reshape(-1)[0].dtype).reshape(terms.shape)
        with np.errstate(all="ignore"):
            sums = np.add.accumulate(typed[..., ::-1] if self.reverse else typed, axis=-1)[..., -1]
        out = np.empty(sums.shape, dtype=object)
        out.reshape(-1)[:] = list(sums.reshape(-1))
        return out

    def inverse_norm(self, s: Any, clamp: X.Clamp) -> Any:
        s = s if isinstance(s, np.generic) else np.float64(s)
        limit = s.dtype.type(float(clamp.constant))
        one = s.dtype.type(1)
        with np.errstate(all="ignore"):
            if clamp.form == "max":
                return one / np.sqrt(np.maximum(s, limit))
            return np.minimum(one / np.sqrt(s), limit)

    def cast(self, x: Any, dtype: str) -> Any:
        if isinstance(x, np.ndarray):
            return X.elementwise(lambda v: self.cast(v, dtype), x)
        with np.errstate(over="ignore"):
            return np.asarray(x).astype(self._dtype(dtype))[()]


def _as_float(v: Any) -> float:
    return float(v)


def evaluate(profile: Profile, case: Case, arithmetic: FloatArithmetic) -> np.ndarray:
    """The profile's answer to a case computed in floating point, as float64."""
    with X.evaluating(arithmetic), np.errstate(all="ignore"):
        answer = profile.evaluate(case)
    with np.errstate(invalid="ignore"):   # a NaN answer is an answer
        return np.asarray(np.frompyfunc(_as_float, 1, 1)(answer), dtype=np.float64).reshape(answer.shape)

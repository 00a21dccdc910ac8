"""Everything that differs between the Keras generations lives here, once per generation.

A profile knows how to reach its Keras (loss class, function, metric), how it spells reductions, and its formula
for `expected.exact`: the normalisation clamp, which dtype the arithmetic runs in, how y_true/y_pred and
sample_weight ranks are reconciled, and how reductions divide. The generation-neutral arithmetic is in `exact`.
"""
from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from types import ModuleType
from typing import Any, Callable

import numpy as np
from mpmath import mpf

from . import exact as X
from .case import Case, Input, Scalar
from .tensors import dtype_of

# Args that steer the oracle rather than being handed to a Keras constructor or call.
CONTROL_ARGS = frozenset({"input_kind", "target", "global_batch_size"})

Aligner = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def squeeze_last(x: np.ndarray) -> np.ndarray:
    if x.shape[-1] != 1:
        raise ValueError(f"cannot squeeze a last dimension of size {x.shape[-1]}")
    return x.reshape(x.shape[:-1])


def expand_last(x: np.ndarray) -> np.ndarray:
    return x.reshape(x.shape + (1,))


def divide_no_nan(x: mpf, y: mpf) -> mpf:
    return mpf(0) if y == 0 else x / y


class Profile(ABC):
    name: str
    library: str                      # the Python module holding this generation's Keras
    reductions: tuple[str | None, ...]
    sum_over_batch_size: tuple[str | None, ...]   # spellings that divide by the element count

    def keras(self) -> ModuleType:
        return importlib.import_module(self.library)

    # ---- the TensorFlow side -------------------------------------------------------------------------------
    def make_loss(self, args: dict[str, Any]) -> Any:
        return self.keras().losses.CosineSimilarity(**keras_args(args))

    def function(self) -> Callable[..., Any]:
        return self.keras().losses.cosine_similarity

    def make_metric(self, args: dict[str, Any]) -> Any:
        return self.keras().metrics.CosineSimilarity(**keras_args(args))

    # ---- the formula ---------------------------------------------------------------------------------------
    @abstractmethod
    def inv_norm(self, dtype: str) -> Callable[[mpf], mpf]:
        """1/norm as a function of the squared norm, with the clamp constants rounded to `dtype`."""

    @abstractmethod
    def loss_dtype(self, args: dict[str, Any], y_true: np.ndarray, y_pred: np.ndarray) -> str:
        """The dtype the loss class computes in."""

    @abstractmethod
    def align_for_loss(self, args: dict[str, Any]) -> Aligner:
        """How the loss class reconciles y_true/y_pred ranks before the cosine."""

    @abstractmethod
    def align_for_function(self) -> Aligner:
        """The same for the bare function."""

    @abstractmethod
    def weigh(self, losses: np.ndarray, weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
        """(weighted losses, the weight as the reduction sees it)."""

    @abstractmethod
    def reduce(self, weighted: np.ndarray, weight: np.ndarray | None, reduction: str | None,
               dtype: str) -> np.ndarray:
        """Applies the reduction to the weighted per-sample losses."""

    def cosine(self, y_true: np.ndarray, y_pred: np.ndarray, axis: Any, dtype: str, align: Aligner) -> np.ndarray:
        """Exact per-sample cosine similarity (positive sign) of the inputs rounded to `dtype`."""
        t, p = align(X.array(y_true, dtype), X.array(y_pred, dtype))
        inv = self.inv_norm(dtype)
        return X.cosine_sum(X.normalize(t, axis, inv), X.normalize(p, axis, inv), axis)

    def exact(self, case: Case) -> np.ndarray:
        """expected.exact of a loss or function case, as float64."""
        args, y_true, y_pred = case.args, case.inputs["y_true"], case.inputs["y_pred"]
        assert isinstance(y_true, np.ndarray) and isinstance(y_pred, np.ndarray)
        axis = args.get("axis", -1)
        if case.api == "function":
            return X.to_float64(-self.cosine(y_true, y_pred, axis, dtype_of(y_pred).name,
                                             self.align_for_function()))
        dtype = self.loss_dtype(args, y_true, y_pred)
        losses = -self.cosine(y_true, y_pred, axis, dtype, self.align_for_loss(args))
        weight = case.inputs.get("sample_weight")
        w = None if weight is None else X.array(weight.value if isinstance(weight, Scalar) else weight, dtype)
        weighted, w = self.weigh(losses, w)
        return X.to_float64(self.reduce(weighted, w, args.get("reduction", self.reductions[0]), dtype))


def keras_args(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k not in CONTROL_ARGS}


def multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(a * b, dtype=object).reshape(np.broadcast_shapes(np.shape(a), np.shape(b)))


class Keras2(Profile):
    """tf_keras 2.21 (= tf.keras up to TF 2.15): tf.linalg.l2_normalize, no casts, ReductionV2 names."""
    name = "keras2"
    library = "tf_keras"
    reductions = ("auto", "sum_over_batch_size", "sum", "none")
    sum_over_batch_size = ("auto", "sum_over_batch_size")

    def inv_norm(self, dtype: str) -> Callable[[mpf], mpf]:
        eps = X.constant(1e-12, dtype)          # clamps the squared norm
        return lambda s: X.rsqrt(X.maximum(s, eps))

    def loss_dtype(self, args: dict[str, Any], y_true: np.ndarray, y_pred: np.ndarray) -> str:
        return dtype_of(y_pred).name

    def align_for_loss(self, args: dict[str, Any]) -> Aligner:
        if args.get("input_kind") == "numpy":   # LossFunctionWrapper squeezes only when both are tf tensors
            return lambda t, p: (t, p)
        return keras2_squeeze_or_expand

    def align_for_function(self) -> Aligner:
        return lambda t, p: (t, p)

    def weigh(self, losses: np.ndarray, weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
        w = np.asarray(mpf(1), dtype=object) if weight is None else weight
        if w.ndim > 0:
            if w.ndim - losses.ndim == 1:
                w = squeeze_last(w)
            elif losses.ndim - w.ndim == 1:
                w = expand_last(w)
        return multiply(losses, w), w

    def reduce(self, weighted: np.ndarray, weight: np.ndarray | None, reduction: str | None,
               dtype: str) -> np.ndarray:
        if reduction == "none":
            return weighted
        s = X.total(weighted)
        if reduction == "sum":
            return np.asarray(s, dtype=object)
        return np.asarray(divide_no_nan(s, X.constant(weighted.size, dtype)), dtype=object)


def keras2_squeeze_or_expand(t: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """losses_utils.squeeze_or_expand_dimensions(y_pred, y_true) with static ranks."""
    diff = p.ndim - t.ndim
    if diff != 1 or p.shape[-1] == 1:
        if diff == 1 and p.shape[-1] == 1:
            p = squeeze_last(p)
        elif diff == -1 and t.shape[-1] == 1:
            t = squeeze_last(t)
    return t, p


def keras3_same_rank(x1: np.ndarray, x2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """keras.src.losses.loss.squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True)."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1:
            return x1, expand_last(x2)
        return squeeze_last(x1), x2
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1:
            return expand_last(x1), x2
        return x1, squeeze_last(x2)
    return x1, x2


class Keras3(Profile):
    """Keras 3.15.1 on TF 2.21: ops.normalize (1/norm capped at 1/epsilon), casts to the loss dtype."""
    name = "keras3"
    library = "keras"
    reductions = ("sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight")
    sum_over_batch_size = ("sum_over_batch_size", "mean")

    def inv_norm(self, dtype: str) -> Callable[[mpf], mpf]:
        cap = X.constant(1.0 / 1e-7, dtype)   # backend.epsilon() = 1e-7; 1/eps overflows float16 to inf
        return lambda s: X.minimum(X.rsqrt(s), cap)

    def loss_dtype(self, args: dict[str, Any], y_true: np.ndarray, y_pred: np.ndarray) -> str:
        return args.get("dtype") or "float32"     # floatx(), not the inputs' dtype

    def align_for_loss(self, args: dict[str, Any]) -> Aligner:
        return keras3_same_rank

    def align_for_function(self) -> Aligner:
        return keras3_same_rank

    def weigh(self, losses: np.ndarray, weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
        if weight is None:
            return losses, None
        losses, weight = keras3_same_rank(losses, weight)
        return multiply(losses, weight), weight

    def reduce(self, weighted: np.ndarray, weight: np.ndarray | None, reduction: str | None,
               dtype: str) -> np.ndarray:
        if reduction in (None, "none") or weighted.shape in ((), (0,)):
            return weighted
        s = X.total(weighted)
        if reduction == "sum":
            return np.asarray(s, dtype=object)
        if reduction == "mean_with_sample_weight" and weight is not None:
            return np.asarray(divide_no_nan(s, X.total(weight)), dtype=object)
        return np.asarray(divide_no_nan(s, X.constant(weighted.size, dtype)), dtype=object)


PROFILES: dict[str, Profile] = {p.name: p for p in (Keras2(), Keras3())}

"""Everything that differs between the Keras generations lives here, once per generation.

A profile knows how to reach its Keras (loss class, function, metric), how it spells reductions, and its formula
for `expected.exact`: the normalisation clamp, which dtype the arithmetic runs in, how y_true/y_pred and
sample_weight ranks are reconciled, and how reductions divide. The generation-neutral arithmetic is in `exact`.
"""
from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

import numpy as np

from . import exact as X
from .case import Case, Input, Scalar
from .exact import divide_no_nan
from .gradient import cosine_backward
from .tensors import DTYPES, dtype_of

# Args that steer the oracle rather than being handed to a Keras constructor or call.
CONTROL_ARGS = frozenset({"input_kind", "target", "global_batch_size", "replicas"})

Aligner = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def squeeze_last(x: np.ndarray) -> np.ndarray:
    if x.shape[-1] != 1:
        raise ValueError(f"cannot squeeze a last dimension of size {x.shape[-1]}")
    return x.reshape(x.shape[:-1])


def expand_last(x: np.ndarray) -> np.ndarray:
    return x.reshape(x.shape + (1,))


class Profile(ABC):
    name: str
    library: str                      # the Python module holding this generation's Keras
    reductions: tuple[str | None, ...]

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
    def clamp(self, dtype: str) -> X.Clamp:
        """How 1/norm is kept finite, with the clamp constant rounded to `dtype`."""

    @abstractmethod
    def loss_dtype(self, args: dict[str, Any], y_pred: np.ndarray) -> str:
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
               dtype: str, replicas: int) -> np.ndarray:
        """Applies the reduction to the weighted per-sample losses (inside an n-replica strategy if replicas > 1)."""

    @abstractmethod
    def apply_mask(self, weight: np.ndarray | None, mask: np.ndarray, reduction: str | None,
                   dtype: str) -> np.ndarray:
        """The sample weight with the Keras mask merged in, as the generation's Loss.__call__ builds it."""

    def normalizable(self, x: np.ndarray) -> np.ndarray:
        """The input as the normalisation sees it."""
        return x

    def weight(self, weight: Input, dtype: str) -> np.ndarray:
        """sample_weight as the reduction multiplies it: converted to a tensor, then cast to the compute dtype."""
        return X.array(weight.value if isinstance(weight, Scalar) else weight, dtype)

    def operands(self, y_true: np.ndarray, y_pred: np.ndarray, dtype: str,
                 align: Aligner) -> tuple[np.ndarray, np.ndarray]:
        """y_true and y_pred as the normalisation sees them: rounded to `dtype`, ranks reconciled."""
        t, p = align(X.array(y_true, dtype), X.array(y_pred, dtype))
        return self.normalizable(t), self.normalizable(p)

    def cosine(self, y_true: np.ndarray, y_pred: np.ndarray, axis: Any, dtype: str, align: Aligner) -> np.ndarray:
        """Exact per-sample cosine similarity (positive sign) of the inputs rounded to `dtype`."""
        t, p = self.operands(y_true, y_pred, dtype, align)
        clamp = self.clamp(dtype)
        return X.cosine_sum(X.normalize(t, axis, clamp), X.normalize(p, axis, clamp), axis)

    @abstractmethod
    def metric_update(self, inputs: dict[str, Input], args: dict[str, Any]) -> tuple[Any, Any]:
        """(what one update_state adds to `total`, what it adds to `count`)."""

    def evaluate(self, case: Case) -> np.ndarray:
        """The formula's answer to a loss, function, metric or compute_average_loss case, in the active
        arithmetic (exact values with their bounds, unless `X.evaluating` says otherwise)."""
        compute = {"loss": self.exact_loss, "function": self.exact_function, "metric": self.exact_metric,
                   "compute_average_loss": exact_average_loss}[case.api]
        # numpy reports the bound's own inf * 0 (counted as unbounded) as a float error: not one of TF's
        with np.errstate(all="ignore"):
            return X.objects(compute(case))

    def exact(self, case: Case) -> np.ndarray:
        """expected.exact: the exact answer rounded once to float64."""
        return X.to_float64(self.evaluate(case))

    def exact_and_bound(self, case: Case) -> tuple[np.ndarray, np.ndarray]:
        """expected.exact and expected.bound."""
        answer = self.evaluate(case)
        return X.to_float64(answer), X.to_bound(answer)

    def exact_gradients(self, case: Case, names: Iterable[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """(exact, bound) of d(sum of the value)/d(input) for the named inputs of a loss or function case."""
        y_true, y_pred = case.inputs["y_true"], case.inputs["y_pred"]
        assert isinstance(y_true, np.ndarray) and isinstance(y_pred, np.ndarray)
        if case.api == "loss":
            dtype, align = self.loss_dtype(case.args, y_pred), self.align_for_loss(case.args)
        else:
            dtype, align = dtype_of(y_pred).name, self.align_for_function()
        axis = case.args.get("axis", -1)
        t, p = self.operands(y_true, y_pred, dtype, align)
        shape = np.broadcast_shapes(t.shape, p.shape)
        reduced = X.axis_tuple(axis, len(shape))
        losses = X.Linear.units(tuple(n for i, n in enumerate(shape) if i not in reduced))
        value = self.reduce_losses(case, losses, dtype) if case.api == "loss" else losses
        target = X.total(value)
        coef = target.coef if isinstance(target, X.Linear) else {}
        dc = X.objects([-coef.get(j, 0) for j in range(losses.size)]).reshape(losses.shape)
        out = {}
        with np.errstate(all="ignore"):   # as in evaluate: the bound's own inf * 0 and NaN are not TF's errors
            tbar, pbar = cosine_backward(t, p, axis, self.clamp(dtype), dc)
            for name, grad in (("y_true", tbar), ("y_pred", pbar)):
                if name in names:
                    source = case.inputs[name]
                    assert isinstance(source, np.ndarray)
                    answer = X.cast(X.objects(grad).reshape(source.shape), dtype_of(source).name)
                    out[name] = (X.to_float64(answer), X.to_bound(answer))
        return out

    def exact_function(self, case: Case) -> np.ndarray:
        y_true, y_pred = case.inputs["y_true"], case.inputs["y_pred"]
        assert isinstance(y_true, np.ndarray) and isinstance(y_pred, np.ndarray)
        return -self.cosine(y_true, y_pred, case.args.get("axis", -1), dtype_of(y_pred).name,
                            self.align_for_function())

    def exact_loss(self, case: Case) -> np.ndarray:
        args, y_true, y_pred = case.args, case.inputs["y_true"], case.inputs["y_pred"]
        assert isinstance(y_true, np.ndarray) and isinstance(y_pred, np.ndarray)
        dtype = self.loss_dtype(args, y_pred)
        losses = X.objects(-self.cosine(y_true, y_pred, args.get("axis", -1), dtype, self.align_for_loss(args)))
        return self.reduce_losses(case, losses, dtype)

    def reduce_losses(self, case: Case, losses: np.ndarray, dtype: str) -> np.ndarray:
        """The per-sample losses weighted (sample_weight, mask) and reduced as the loss class does."""
        args = case.args
        weight = case.inputs.get("sample_weight")
        sw = None if weight is None else self.weight(weight, dtype)
        reduction = args.get("reduction", self.reductions[0])
        mask = case.inputs.get("mask")
        if mask is not None:   # the Keras mask on y_pred becomes (part of) the sample weight
            assert isinstance(mask, np.ndarray)
            sw = self.apply_mask(sw, mask, reduction, dtype)
        weighted, w = self.weigh(losses, sw)
        return self.reduce(weighted, w, reduction, dtype, args.get("replicas", 1))

    def exact_metric(self, case: Case) -> Any:
        """result() after all steps: the weighted mean accumulated since the last reset."""
        total: Any = 0
        count: Any = 0
        for step in case.steps or []:
            if step.reset:
                total, count = 0, 0
            else:
                add_total, add_count = self.metric_update(step.inputs or {}, case.args)
                total, count = total + add_total, count + add_count
        return divide_no_nan(total, count)


def tf_weight(weight: Input, dtype: str) -> np.ndarray:
    """A weight through tf.convert_to_tensor, then cast to `dtype`: a Python float becomes float32 first."""
    if isinstance(weight, Scalar) and isinstance(weight.value, float):
        return X.array(np.float32(weight.value), dtype)
    return X.array(weight.value if isinstance(weight, Scalar) else weight, dtype)


def configured_dtype(args: dict[str, Any]) -> str:
    """The `dtype` constructor argument, or Keras's floatx() default."""
    return args.get("dtype") or "float32"


def exact_average_loss(case: Case) -> Any:
    """tf.nn.compute_average_loss (TF 2.21, the same for both profiles): weights are applied in float32
    (scale_losses_by_sample_weight casts both), the sum is divided by global_batch_size with div_no_nan."""
    losses = case.inputs["per_example_loss"]
    assert isinstance(losses, np.ndarray)
    dtype = dtype_of(losses).name
    weight = case.inputs.get("sample_weight")
    if weight is None:
        weighted = X.array(losses)
    else:   # scale_losses_by_sample_weight weighs in float32, then casts back to the losses' dtype
        weighted, _ = tf_weight_rank_rule(X.array(losses, "float32"), tf_weight(weight, "float32"))
        weighted = X.cast(weighted, dtype)
    batch = case.args.get("global_batch_size", losses.shape[0] * case.args.get("replicas", 1))
    return divide_no_nan(X.total(weighted), X.constant(batch, dtype))


def tf_align_weight(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """squeeze_or_expand_dimensions(values, None, weight) of TF/Keras 2: a weight one rank higher loses its
    last dim, one rank lower gains one, a scalar stays."""
    if weight.ndim > 0:
        if weight.ndim - values.ndim == 1:
            return squeeze_last(weight)
        if values.ndim - weight.ndim == 1:
            return expand_last(weight)
    return weight


def tf_weight_rank_rule(losses: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The weight aligned by tf_align_weight, and the losses multiplied by it."""
    weight = tf_align_weight(losses, weight)
    return multiply(losses, weight), weight


def mean_over(x: np.ndarray, first_axis: int) -> np.ndarray:
    """Mean over axes first_axis.. (as ops.mean / tf.reduce_mean with those axes)."""
    axes = tuple(range(first_axis, x.ndim))
    if not axes:
        return x
    count = int(np.prod([x.shape[a] for a in axes]))
    sums = X.objects(X.total(x, axes))
    if count == 0:   # reduce_mean over a zero-size axis is 0/0 = NaN in TF; mpmath would raise
        return X.elementwise(lambda _: X.NAN, sums)
    return X.objects(sums / count)


def mask_scale(mask: np.ndarray, dtype: str) -> Any:
    """The weight a valid entry gets under a mean-like reduction: total / valid, as TF computes it in `dtype`
    (both counts cast to `dtype`, the quotient rounded to it). `valid` is the sum of the mask in `dtype`, exact
    while the count is representable (up to 256 in bfloat16, 2048 in float16). With nothing valid it is Keras 2's
    `/`: inf, or NaN for an empty mask (Keras 3's divide_no_nan gives 0 there, inside a `where` that discards it)."""
    np_dtype = DTYPES[dtype].numpy
    total, valid = (np.asarray(n).astype(np_dtype) for n in (mask.size, np.count_nonzero(mask)))
    with np.errstate(divide="ignore", invalid="ignore"):
        return X.constant(float(total / valid), dtype)


def keras_args(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k not in CONTROL_ARGS}


def multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return X.objects(a * b)


class Keras2(Profile):
    """tf_keras 2.21 (= tf.keras up to TF 2.15): tf.linalg.l2_normalize, no casts, ReductionV2 names."""
    name = "keras2"
    library = "tf_keras"
    reductions = ("auto", "sum_over_batch_size", "sum", "none")

    def clamp(self, dtype: str) -> X.Clamp:
        return X.Clamp("max", X.constant(1e-12, dtype))   # l2_normalize: rsqrt(max(sum of squares, 1e-12))

    def loss_dtype(self, args: dict[str, Any], y_pred: np.ndarray) -> str:
        return dtype_of(y_pred).name

    def weight(self, weight: Input, dtype: str) -> np.ndarray:
        # compute_weighted_loss runs tf.convert_to_tensor first: a Python float becomes float32 before the cast,
        # so sample_weight=2.175 weighs float64 losses by 2.1749999523162842.
        return tf_weight(weight, dtype)

    def align_for_loss(self, args: dict[str, Any]) -> Aligner:
        if args.get("input_kind") == "numpy":   # LossFunctionWrapper squeezes only when both are tf tensors
            return lambda t, p: (t, p)
        return keras2_squeeze_or_expand

    def align_for_function(self) -> Aligner:
        return lambda t, p: (t, p)

    def weigh(self, losses: np.ndarray, weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
        return tf_weight_rank_rule(losses, X.objects(1) if weight is None else weight)

    def apply_mask(self, weight: np.ndarray | None, mask: np.ndarray, reduction: str | None,
                   dtype: str) -> np.ndarray:
        # losses_utils.apply_valid_mask: the mask cast to the loss dtype, times total/valid with a plain `/` for
        # auto/sum_over_batch_size (an all-masked batch: 0 * inf = NaN); then apply_mask: the weight aligned to
        # the mask's rank (tf_align_weight) and multiplied by it, or the mask alone.
        float_mask = X.array(mask, dtype)
        if reduction in ("auto", "sum_over_batch_size"):
            float_mask = multiply(float_mask, mask_scale(mask, dtype))
        if weight is None:
            return float_mask
        return multiply(tf_align_weight(float_mask, weight), float_mask)

    def metric_update(self, inputs: dict[str, Input], args: dict[str, Any]) -> tuple[Any, Any]:
        # MeanMetricWrapper casts both inputs to the metric dtype first; Reduce(WEIGHTED_MEAN) then weighs.
        dtype = configured_dtype(args)
        y_true, y_pred = inputs["y_true"], inputs["y_pred"]
        assert isinstance(y_true, np.ndarray) and isinstance(y_pred, np.ndarray)
        values = self.cosine(y_true, y_pred, args.get("axis", -1), dtype, keras2_squeeze_or_expand)
        if "sample_weight" not in inputs:
            return X.total(values), X.constant(values.size, dtype)
        w = tf_align_weight(values, self.weight(inputs["sample_weight"], dtype))
        if w.ndim == 0 or (w.ndim == values.ndim and all(a in (1, b) for a, b in zip(w.shape, values.shape))):
            w = multiply(w, X.objects(np.ones(values.shape)))   # broadcast_weights succeeded
        else:
            values = mean_over(values, w.ndim)                   # its ValueError path: mean down to w's rank
        return X.total(multiply(values, w)), X.total(w)

    def reduce(self, weighted: np.ndarray, weight: np.ndarray | None, reduction: str | None,
               dtype: str, replicas: int) -> np.ndarray:
        # Under a strategy "auto"/"sum_over_batch_size" raise (outside fit); "sum"/"none" are not scaled.
        if reduction == "none":
            return weighted
        s = X.total(weighted)
        if reduction == "sum":
            return X.objects(s)
        return X.objects(divide_no_nan(s, X.constant(weighted.size, dtype)))


def keras2_squeeze_or_expand(t: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """losses_utils.squeeze_or_expand_dimensions(y_pred, y_true) with static ranks."""
    diff = p.ndim - t.ndim
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

    def clamp(self, dtype: str) -> X.Clamp:
        # ops.normalize: min(rsqrt(sum of squares), 1/epsilon), backend.epsilon() = 1e-7 (inf in float16)
        return X.Clamp("min", X.constant(1.0 / 1e-7, dtype))

    def loss_dtype(self, args: dict[str, Any], y_pred: np.ndarray) -> str:
        return configured_dtype(args)     # floatx(), not the inputs' dtype

    def align_for_loss(self, args: dict[str, Any]) -> Aligner:
        return keras3_same_rank

    def align_for_function(self) -> Aligner:
        return keras3_same_rank

    def normalizable(self, x: np.ndarray) -> np.ndarray:
        return x.reshape((1,)) if x.ndim == 0 else x   # ops.normalize expands a 0-d input to shape [1]

    def apply_mask(self, weight: np.ndarray | None, mask: np.ndarray, reduction: str | None,
                   dtype: str) -> np.ndarray:
        # keras.src.losses.loss.apply_mask: for mean/sum_over_batch_size where(mask, divide_no_nan(total, valid),
        # 0) (an all-masked batch weighs 0, no NaN), else the mask cast to the loss dtype; then
        # squeeze_or_expand_to_same_rank(mask, weight) and the product, or the mask alone.
        if reduction in ("mean", "sum_over_batch_size"):
            scale = mask_scale(mask, dtype)
            float_mask = X.objects(np.where(mask, scale, X.constant(0.0, dtype)))
        else:
            float_mask = X.array(mask, dtype)
        if weight is None:
            return float_mask
        float_mask, weight = keras3_same_rank(float_mask, weight)
        return multiply(weight, float_mask)

    def weigh(self, losses: np.ndarray, weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
        if weight is None:
            return losses, None
        losses, weight = keras3_same_rank(losses, weight)
        return multiply(losses, weight), weight

    def metric_update(self, inputs: dict[str, Input], args: dict[str, Any]) -> tuple[Any, Any]:
        # The cosine runs in y_pred's dtype; reduce_to_samplewise_values then weighs in the metric dtype.
        dtype = configured_dtype(args)
        y_true, y_pred = inputs["y_true"], inputs["y_pred"]
        assert isinstance(y_true, np.ndarray) and isinstance(y_pred, np.ndarray)
        values = X.cast(self.cosine(y_true, y_pred, args.get("axis", -1), dtype_of(y_pred).name, keras3_same_rank),
                        dtype)
        w = None
        if "sample_weight" in inputs:
            w = self.weight(inputs["sample_weight"], dtype)
            values, w = keras3_same_rank(values, w)
            values = mean_over(values, w.ndim)
            w = multiply(w, X.objects(np.ones(values.shape)))
            values = multiply(values, w)
            w = mean_over(w, 1)
        values = mean_over(values, 1)
        if w is not None:
            count = X.total(w)
        else:
            count = X.constant(values.shape[0], dtype) if values.ndim >= 1 else 1
        return X.total(values), count

    def reduce(self, weighted: np.ndarray, weight: np.ndarray | None, reduction: str | None,
               dtype: str, replicas: int) -> np.ndarray:
        if reduction in (None, "none") or weighted.shape in ((), (0,)):
            return weighted
        s = X.total(weighted)
        if reduction == "sum":
            return X.objects(s)
        if reduction == "mean_with_sample_weight" and weight is not None:
            mean = divide_no_nan(s, X.total(weight))
        else:
            mean = divide_no_nan(s, X.constant(weighted.size, dtype))
        # scale_loss_for_distribution: the mean-like reductions divide by the replica count themselves
        return X.objects(mean * X.constant(1.0 / replicas, dtype) if replicas > 1 else mean)


PROFILES: dict[str, Profile] = {p.name: p for p in (Keras2(), Keras3())}

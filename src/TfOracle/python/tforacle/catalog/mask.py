"""`mask`: the loss with a Keras mask on y_pred (`inputs.mask`, attached as `y_pred._keras_mask`).

Both generations fold the mask into the sample weight, differently: for the mean-like reductions Keras 2 scales
valid entries by total/valid with a plain division (an all-masked batch gives 0 * inf = NaN), Keras 3 by
divide_no_nan(total, valid) inside a `where` (an all-masked batch gives 0). The cases cover every reduction and
sample_weight form, all-true, all-false, random and one-valid masks, losses of rank 0 to 4, every float dtype,
zero vectors and NaNs under the mask, and mask shapes that one generation or both reject.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..case import Case, Input, Scalar
from ..profiles import Profile
from ..tensors import FLOAT_NAMES
from . import Ids, arr

KINDS = ("mask-all-true", "mask-all-false", "mask-random", "mask-one-valid")
# loss rank -> y_pred shape (axis -1 reduced), so the mask has y_pred's shape without its last dimension
RANK_SHAPES = {0: (3,), 1: (5, 3), 2: (3, 4, 3), 3: (2, 3, 4, 3), 4: (2, 2, 3, 2, 3)}


class Masks:
    def __init__(self, profile: Profile, rng: np.random.Generator):
        self.profile, self.rng, self.ids = profile, rng, Ids(profile, "mask")

    def loss(self, sub: str, y_true: np.ndarray, y_pred: np.ndarray, mask: np.ndarray, tags: list[str],
             reduction: str | None, weight: Input | None = None, **args: Any) -> Case:
        inputs: dict[str, Input] = {"y_true": y_true, "y_pred": y_pred, "mask": mask}
        if weight is not None:
            inputs["sample_weight"] = weight
        return self.ids.case(sub, "loss", {"reduction": reduction, **args}, inputs, tags)

    def mask(self, kind: str, shape: tuple[int, ...]) -> np.ndarray:
        size = int(np.prod(shape))
        if kind == "mask-all-true":
            return np.ones(shape, bool)
        if kind == "mask-all-false":
            return np.zeros(shape, bool)
        if kind == "mask-one-valid":
            m = np.zeros(size, bool)
            m[int(self.rng.integers(0, size))] = True
            return m.reshape(shape)
        while True:   # mask-random: at least one valid and one masked entry
            m = self.rng.random(shape) < 0.5
            if size < 2 or 0 < np.count_nonzero(m) < size:
                return m

    def pair(self, shape: tuple[int, ...], dtype: str) -> tuple[np.ndarray, np.ndarray]:
        return arr(self.rng.standard_normal(shape), dtype), arr(self.rng.standard_normal(shape), dtype)

    def dtype_args(self, dtype: str) -> tuple[dict[str, Any], list[str]]:
        """Keras 3 computes in its `dtype` arg (float32 by default): pass the inputs' dtype so the mask
        arithmetic runs in it, as Keras 2 does by itself."""
        if self.profile.name == "keras3" and dtype != "float32":
            return {"dtype": dtype}, ["dtype-arg"]
        return {}, []

    def kinds(self) -> Iterator[Case]:
        """Every mask kind, dtype and reduction on a rank-1 loss."""
        for dtype in FLOAT_NAMES:
            t, p = self.pair((6, 4), dtype)
            args, extra = self.dtype_args(dtype)
            for kind in KINDS:
                mask = self.mask(kind, (6,))
                for reduction in self.profile.reductions:
                    yield self.loss("kinds", t, p, mask, [kind, "loss-rank-1", *extra], reduction, **args)

    def weights(self) -> Iterator[Case]:
        """Every sample_weight form under a random mask on a rank-2 loss (4, 5)."""
        for dtype in ("float32", "float64"):
            t, p = self.pair((4, 5, 3), dtype)
            args, extra = self.dtype_args(dtype)
            forms: dict[str, Input] = {
                "sw-python-scalar": Scalar(2.175), "sw-0d-tensor": arr(self.rng.uniform(0, 3), "float32"),
                "sw-per-sample": arr(self.rng.uniform(0, 3, (4, 5)), "float32"),
                "sw-trailing-1": arr(self.rng.uniform(0, 3, (4, 5, 1)), "float32"),
                "sw-rank-lower": arr(self.rng.uniform(0, 3, (4,)), "float32"),
                "sw-broadcast": arr(self.rng.uniform(0, 3, (1, 5)), "float32"),
                "sw-zeros": arr(np.zeros((4, 5)), "float32"),
                "sw-negative": arr(self.rng.uniform(-3, 0.5, (4, 5)), "float32")}
            mask = self.mask("mask-random", (4, 5))
            for form, weight in forms.items():
                for reduction in self.profile.reductions:
                    yield self.loss("weights", t, p, mask, ["mask-random", form, "loss-rank-2", *extra], reduction,
                                    weight, **args)
        t, p = self.pair((4, 3), "float32")
        for kind, form, weight in (("mask-all-false", "sw-per-sample", arr(self.rng.uniform(0, 3, 4), "float32")),
                                   ("mask-one-valid", "sw-python-scalar", Scalar(0.5))):
            mask = self.mask(kind, (4,))
            for reduction in self.profile.reductions:
                yield self.loss("weights", t, p, mask, [kind, form, "loss-rank-1"], reduction, weight)

    def ranks(self) -> Iterator[Case]:
        """Losses of rank 0 to 4, and a loss whose reduced axis is not the last."""
        for rank, shape in RANK_SHAPES.items():
            t, p = self.pair(shape, "float32")
            mask = self.mask("mask-random", shape[:-1]) if rank else np.array(True)
            for reduction in self.profile.reductions:
                yield self.loss("ranks", t, p, mask, ["mask-random" if rank else "mask-all-true",
                                                      f"loss-rank-{rank}"], reduction)
        t, p = self.pair((3,), "float64")
        for reduction in self.profile.reductions:
            yield self.loss("ranks", t, p, np.array(False), ["mask-all-false", "loss-rank-0"], reduction)
        t, p = self.pair((3, 5, 4), "float32")
        mask = self.mask("mask-random", (3, 4))
        for reduction in self.profile.reductions:
            yield self.loss("ranks", t, p, mask, ["mask-random", "loss-rank-2", "axis-1"], reduction, axis=1)

    def zero_vectors(self) -> Iterator[Case]:
        """Zero rows under the mask and outside it: a NaN loss (float16: 1e-12 is 0, 1/1e-7 is inf) is not hidden
        by a mask, since both generations multiply the loss by the mask's 0."""
        for dtype in ("float16", "float32"):
            t, p = (self.rng.standard_normal((5, 3)) for _ in range(2))
            t[0] = 0
            p[1] = 0
            t[2] = p[2] = 0
            args, extra = self.dtype_args(dtype)
            masks = {"zero-rows-masked": np.array([False, False, False, True, True]),
                     "zero-rows-valid": np.array([True, True, True, False, True])}
            for tag, mask in masks.items():
                for reduction in self.profile.reductions:
                    yield self.loss("zero-vectors", arr(t, dtype), arr(p, dtype), mask,
                                    ["zero-rows", tag, "mask-random", *extra], reduction, **args)

    def non_finite(self) -> Iterator[Case]:
        t, p = (self.rng.standard_normal((4, 3)) for _ in range(2))
        p[1, 2] = np.nan
        mask = np.array([True, False, True, True])
        for reduction in self.profile.reductions:
            yield self.loss("non-finite", arr(t, "float32"), arr(p, "float32"), mask,
                            ["nan-y-pred", "nan-masked", "mask-random"], reduction)

    def shapes(self) -> Iterator[Case]:
        """Mask shapes other than the loss shape (3, 4): what each generation's rank rules accept."""
        t, p = self.pair((3, 4, 2), "float32")
        loss_mask = self.mask("mask-random", (3, 4))
        shapes = {"mask-trailing-1": loss_mask[..., None], "mask-batch-only": np.array([True, False, True]),
                  "mask-timesteps-only": np.array([True, True, False, True]), "mask-broadcast": loss_mask[:1],
                  "mask-0d": np.array(False), "mask-y-pred-shape": np.ones((3, 4, 2), bool),
                  "mask-incompatible": np.ones((3, 5), bool)}
        for tag, mask in shapes.items():
            for reduction in self.profile.reductions:
                yield self.loss("shapes", t, p, mask, [tag, "loss-rank-2"], reduction)
        empty_t, empty_p = arr(np.zeros((0, 4, 2)), "float32"), arr(np.zeros((0, 4, 2)), "float32")
        for reduction in self.profile.reductions:
            yield self.loss("shapes", empty_t, empty_p, np.zeros((0, 4), bool), ["mask-empty-batch", "empty-batch"],
                            reduction)
        weight = arr(self.rng.uniform(0, 3, (3, 4)), "float32")
        combos = (("mask-trailing-1", loss_mask[..., None]), ("mask-batch-only", np.array([True, False, True])))
        for tag, mask in combos:
            for reduction in self.profile.reductions:
                yield self.loss("shapes", t, p, mask, [tag, "sw-per-sample", "loss-rank-2"], reduction, weight)

    def all(self) -> Iterator[Case]:
        for family in (self.kinds, self.weights, self.ranks, self.zero_vectors, self.non_finite, self.shapes):
            yield from family()


def cases(profile: Profile, rng: np.random.Generator) -> Iterator[Case]:
    yield from Masks(profile, rng).all()

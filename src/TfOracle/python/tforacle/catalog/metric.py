"""`metric`: CosineSimilarity metric runs of 1 to 4 `update_state` calls, with resets, weights, axes and dtypes."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..case import Case, Input, Scalar, Step
from ..profiles import Profile
from . import Ids, arr
from .keras_tests import Y_PRED, Y_TRUE

COUNT = 160


def update(y_true: np.ndarray, y_pred: np.ndarray, weight: Input | None = None) -> Step:
    inputs: dict[str, Input] = {"y_true": y_true, "y_pred": y_pred}
    if weight is not None:
        inputs["sample_weight"] = weight
    return Step(inputs=inputs)


def documented(ids: Ids) -> Iterator[Case]:
    t, p = arr(Y_TRUE, "float32"), arr(Y_PRED, "float32")
    yield ids.case("test_unweighted", "metric", {}, {}, [], [update(t, p)])
    # tf.constant(np.asarray([1.2, 3.4])) is a float64 tensor; the metric casts it to its own dtype.
    yield ids.case("test_weighted", "metric", {}, {}, [], [update(t, p, arr([1.2, 3.4], "float64"))])
    yield ids.case("test_axis", "metric", {"axis": 1}, {}, [], [update(t, p)])
    dt, dp = arr([[0., 1.], [1., 1.]], "float32"), arr([[1., 0.], [1., 1.]], "float32")
    yield ids.case("doc", "metric", {"axis": 1}, {}, ["doc"],
                   [update(dt, dp), Step(reset=True), update(dt, dp, arr([0.3, 0.7], "float32"))])


def empty_steps(ids: Ids) -> Iterator[Case]:
    """Zero-size batches and features: the mean over an empty axis is 0/0."""
    for dims in ((0, 3), (3, 0), (3, 0, 1), (2, 0, 4)):
        zeros = arr(np.zeros(dims), "float32")
        for weight in (None, arr(np.ones(dims[:1]), "float32")):
            steps = [update(arr(np.ones((2,) + dims[1:]), "float32"), arr(np.ones((2,) + dims[1:]), "float32")),
                     update(zeros, zeros, weight)]
            yield ids.case("empty", "metric", {}, {}, ["empty-batch"] + (["sw-per-sample"] if weight is not None
                                                                         else []), steps)


def weight_for(rng: np.random.Generator, batch: int, rest: list[int]) -> tuple[Input | None, str]:
    u = rng.random()
    if u < 0.3:
        return None, "sw-absent"
    if u < 0.4:
        return Scalar(float(np.round(rng.uniform(0, 3), 3))), "sw-python-scalar"
    if u < 0.5:
        return arr(rng.uniform(0, 3), "float32"), "sw-0d-tensor"
    if u < 0.7:
        return arr(rng.uniform(0, 3, [batch]), "float32"), "sw-per-sample"
    if u < 0.8:
        return arr(rng.uniform(0, 3, [batch, 1]), "float32"), "sw-trailing-1"
    if u < 0.9 and rest:
        return arr(rng.uniform(0, 3, [batch] + rest), "float32"), "sw-per-element"
    return arr(np.zeros([batch]), "float32"), "sw-zeros"


def random_case(ids: Ids, rng: np.random.Generator) -> Case:
    rank = int(rng.integers(2, 4))
    feature = [int(rng.integers(1, 9)) for _ in range(rank - 1)]
    axis: Any = int(rng.integers(1, rank)) * (-1 if rng.random() < 0.5 else 1) if rank > 2 else -1
    if rank == 3 and rng.random() < 0.2:
        axis = [1, 2]
    args: dict[str, Any] = {} if axis == -1 and rng.random() < 0.5 else {"axis": axis}
    if rng.random() < 0.3:
        args["dtype"] = str(rng.choice(["float64", "float16", "bfloat16", "float32"]))
    dtype = str(rng.choice(["float32", "float32", "float64", "float16"]))
    steps: list[Step] = []
    tags: set[str] = set()
    for _ in range(int(rng.integers(1, 5))):
        if steps and rng.random() < 0.2:
            steps.append(Step(reset=True))
            tags.add("reset")
        batch = int(rng.integers(1, 7))
        dims = [batch] + feature
        per_sample = [d for i, d in enumerate(dims[1:], 1) if i not in _axes(axis, rank)]
        weight, form = weight_for(rng, batch, per_sample)
        tags.add(form)
        steps.append(update(arr(rng.standard_normal(dims), dtype), arr(rng.standard_normal(dims), dtype), weight))
    return ids.case("random", "metric", args, {}, sorted(tags), steps)


def _axes(axis: Any, rank: int) -> set[int]:
    return {a % rank for a in (axis if isinstance(axis, list) else [axis])}


def cases(profile: Profile, rng: np.random.Generator) -> Iterator[Case]:
    ids = Ids(profile, "metric")
    yield from documented(ids)
    yield from empty_steps(ids)
    for _ in range(COUNT):
        yield random_case(ids, rng)

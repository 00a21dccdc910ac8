"""`fuzz`: random cases over shapes, axes, reductions, sample_weight forms, rank mismatches and dtypes."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..case import Case, Input, Scalar
from ..profiles import Profile
from ..tensors import FLOAT_NAMES
from . import Ids, arr

COUNTS = {"float32": 600, "float64": 600, "float16": 250, "bfloat16": 250}
# Per input: keeps the fixtures small and the mpmath evaluation quick, while still reaching 64-wide dims.
MAX_ELEMENTS = 1024


def dim(rng: np.random.Generator) -> int:
    u = rng.random()
    if u < 0.12:
        return 0
    if u < 0.3:
        return 1
    if u < 0.75:
        return int(rng.integers(2, 9))
    return int(rng.integers(9, 65))


def shape(rng: np.random.Generator, rank: int) -> list[int]:
    dims = [dim(rng) for _ in range(rank)]
    while int(np.prod(dims)) > MAX_ELEMENTS:
        i = int(np.argmax(dims))
        dims[i] = max(1, dims[i] // 2)
    return dims


def values(rng: np.random.Generator, dims: list[int], dtype: str) -> np.ndarray:
    kind = rng.integers(0, 4)
    scale = 10.0 ** rng.uniform(-2, 2) if dtype != "float16" else 10.0 ** rng.uniform(-1, 0.5)
    if kind == 0:
        x = rng.standard_normal(dims) * scale
    elif kind == 1:
        x = rng.integers(-5, 6, dims).astype(np.float64)
    elif kind == 2:   # sparse: many exact zeros, so zero vectors appear naturally
        x = rng.standard_normal(dims) * (rng.random(dims) < 0.3) * scale
    else:
        x = rng.uniform(0, scale, dims)
    return arr(x, dtype)


def axis_arg(rng: np.random.Generator, rank: int) -> int | list[int]:
    if rank == 1 or rng.random() < 0.75:
        return int(rng.integers(-rank, rank))
    k = int(rng.integers(1, rank + 1))
    chosen = rng.choice(rank, size=k, replace=False)
    return [int(a - rank) if rng.random() < 0.5 else int(a) for a in chosen]


def per_sample_shape(dims: list[int], axis: int | list[int]) -> list[int]:
    axes = {a % len(dims) for a in ([axis] if isinstance(axis, int) else axis)}
    return [d for i, d in enumerate(dims) if i not in axes]


def sample_weight(rng: np.random.Generator, loss_shape: list[int], dtype: str) -> tuple[Input | None, str]:
    u = rng.random()
    w_dtype = dtype if rng.random() < 0.3 else "float32"
    positive = lambda s: arr(rng.uniform(0, 3, s), w_dtype)   # noqa: E731
    if u < 0.25:
        return None, "sw-absent"
    if u < 0.35:
        return Scalar(float(np.round(rng.uniform(-2, 3), 3))), "sw-python-scalar"
    if u < 0.45:
        return arr(rng.uniform(0, 3), w_dtype), "sw-0d-tensor"
    if u < 0.63:
        return positive(loss_shape), "sw-per-sample"
    if u < 0.71:
        return positive(loss_shape + [1]), "sw-trailing-1"
    if u < 0.79:
        return positive(loss_shape[:-1]), "sw-rank-lower"
    if u < 0.88:
        return positive([d if rng.random() < 0.5 else 1 for d in loss_shape]), "sw-broadcast"
    if u < 0.94:
        return arr(np.zeros(loss_shape), w_dtype), "sw-zeros"
    return arr(rng.uniform(-3, 0.5, loss_shape), w_dtype), "sw-negative"


def one(profile: Profile, rng: np.random.Generator, ids: Ids, dtype: str) -> Case:
    rank = int(rng.integers(1, 6))
    dims = shape(rng, rank)
    tags: list[str] = [f"rank-{rank}"]
    axis = axis_arg(rng, rank)
    true_dims, pred_dims = dims, dims
    if rank >= 2 and rng.random() < 0.1:   # ranks differ by one with a trailing 1 (squeeze/expand rules)
        short, long_ = dims[:-1], dims[:-1] + [1]
        true_dims, pred_dims = (short, long_) if rng.random() < 0.5 else (long_, short)
        axis = int(rng.integers(-(rank - 1), rank - 1)) if rank > 2 or rng.random() < 0.5 else -1
        tags.append("rank-mismatch-trailing-1")
    true_dtype = dtype
    if rng.random() < 0.1:
        true_dtype = str(rng.choice([d for d in FLOAT_NAMES if d != dtype]))
        tags.append("mixed-dtypes")
    inputs: dict[str, Input] = {"y_true": values(rng, true_dims, true_dtype), "y_pred": values(rng, pred_dims, dtype)}
    args: dict[str, Any] = {"axis": axis} if rng.random() < 0.85 else {}
    api = "function" if rng.random() < 0.15 else "loss"
    if api == "loss":
        reduction = rng.integers(0, len(profile.reductions) + 1)
        if reduction < len(profile.reductions):
            args["reduction"] = profile.reductions[reduction]
        weight, form = sample_weight(rng, per_sample_shape(pred_dims, args.get("axis", -1)), dtype)
        tags.append(form)
        if weight is not None:
            inputs["sample_weight"] = weight
        if profile.name == "keras3" and rng.random() < 0.3:
            args["dtype"] = str(rng.choice(FLOAT_NAMES))
            tags.append("dtype-arg")
        if rng.random() < 0.1:
            args["input_kind"] = "numpy"
    return ids.case(dtype, api, args, inputs, tags)


def cases(profile: Profile, rng: np.random.Generator) -> Iterator[Case]:
    ids = Ids(profile, "fuzz")
    for dtype, count in COUNTS.items():
        for _ in range(count):
            yield one(profile, rng, ids, dtype)

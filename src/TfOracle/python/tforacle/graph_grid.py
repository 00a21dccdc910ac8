"""The covering grid of forward graphs `python -m tforacle graphs` exports: which Keras calls, on which input shapes.

A grid point is one Keras call traced with `tf.function`: profile, api (`loss` or `function`), input dtype, the
arguments exactly as Keras receives them, and a shape template per input. A template lists dims by name (`"d0"`,
dynamic) or as the literal 1 (static): Keras decides some rank rules from static shapes at trace time (squeeze a
trailing 1 or not), so a trailing 1 that selects a rule is static in the graph that stands for it.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

GRAPH_DTYPES = ("float16", "float32", "float64")   # bfloat16 has no Min/Max kernel in ONNX Runtime's CPU provider
RANKS = (1, 2, 3, 4, 5)
LIST_AXIS_RANKS = (3, 4, 5)
KERAS3_LOSS_DTYPES = ("float64", "float16")
MASK_DTYPE = "bool"
MASK_RANK = 3                      # y_pred [d0, d1, d2] reduced over axis -1: loss and mask shape [d0, d1]
MASK_WEIGHT_FORMS = ("absent", "scalar", "per-sample", "loss-shape")
REDUCTIONS = {"keras2": ("auto", "sum_over_batch_size", "sum", "none"),
              "keras3": ("sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight")}

Dim = str | int
Shape = tuple[Dim, ...]


@dataclass(frozen=True)
class GridPoint:
    id: str
    profile: str
    family: str                        # axis | reduction | rank | loss-dtype | mask
    api: str                           # loss | function
    dtype: str                         # dtype of y_true, y_pred (and sample_weight) as handed to TF; a mask is bool
    args: dict[str, Any]               # loss: constructor arguments; function: call arguments (axis)
    shapes: dict[str, Shape]           # y_true, y_pred and, when passed, sample_weight and mask (in that order)
    # dynamic dims that must not be 1 at run time: Keras would have chosen another rank rule for a static 1
    not_one: tuple[str, ...] = field(default=())

    @property
    def rank(self) -> int:
        return len(self.shapes["y_pred"])

    def input_dtype(self, name: str) -> str:
        """The dtype of the input `name`: the Keras mask is bool, every other input has the point's dtype."""
        return MASK_DTYPE if name == "mask" else self.dtype


def dims(rank: int) -> Shape:
    return tuple(f"d{i}" for i in range(rank))


def _key(args: dict[str, Any]) -> str:
    """`axis=0,2_reduction=sum`: the args as an id fragment (None spelled `None`)."""
    parts = []
    for k, v in args.items():
        text = ",".join(str(a) for a in v) if isinstance(v, list) else str(v)
        parts.append(f"{k}={text}")
    return "_".join(parts) or "default"


def _shape_key(shapes: dict[str, Shape]) -> str:
    return "-".join(f"{n.split('_')[-1]}[{','.join(str(d) for d in s)}]" for n, s in shapes.items())


def _point(profile: str, family: str, api: str, dtype: str, args: dict[str, Any], shapes: dict[str, Shape],
           not_one: tuple[str, ...] = ()) -> GridPoint:
    gid = f"{profile}/{family}/{api}/{dtype}/{_shape_key(shapes)}/{_key(args)}"
    return GridPoint(gid, profile, family, api, dtype, args, shapes, not_one)


def axis_forms(rank: int) -> Iterator[int | list[int]]:
    """Each single axis in its positive and negative spelling; at ranks 3-5 every list of 2 and 3 axes."""
    for a in range(rank):
        yield a
        yield a - rank
    if rank in LIST_AXIS_RANKS:
        for k in (2, 3):
            for combo in combinations(range(rank), k):
                yield list(combo)


def axis_points(profile: str) -> Iterator[GridPoint]:
    for dtype in GRAPH_DTYPES:
        for rank in RANKS:
            same = {"y_true": dims(rank), "y_pred": dims(rank)}
            for axis in axis_forms(rank):
                for api in ("loss", "function"):
                    yield _point(profile, "axis", api, dtype, {"axis": axis}, same)


def weight_forms(rank: int) -> Iterator[tuple[str, Shape | None]]:
    """sample_weight forms for inputs of `rank` reduced over the last axis (loss shape: all dims but the last)."""
    loss_shape = dims(rank)[:-1]
    yield "absent", None
    yield "scalar", ()
    yield "per-sample", loss_shape[:1]
    yield "per-sample-1", loss_shape[:1] + (1,)
    if len(loss_shape) > 1:
        yield "loss-shape", loss_shape
        yield "loss-shape-1", loss_shape + (1,)


def weight_not_one(profile: str, loss_shape: Shape, weight: Shape | None) -> tuple[str, ...]:
    """Keras 3 squeezes or expands a weight one rank off the losses (a 0-d weight included: losses of shape (1,)
    become 0-d) only around a static trailing 1; Keras 2 decides by rank alone. So for Keras 3 the higher-rank
    side's dynamic last dim must not be 1 at run time."""
    if profile != "keras3" or weight is None or abs(len(weight) - len(loss_shape)) != 1:
        return ()
    last = (weight if len(weight) > len(loss_shape) else loss_shape)[-1]
    return (last,) if isinstance(last, str) else ()


def pinned(shapes: dict[str, Shape], dim: str) -> dict[str, Shape]:
    """The shapes with the dynamic dim `dim` made a static 1."""
    return {name: tuple(1 if d == dim else d for d in shape) for name, shape in shapes.items()}


def reduction_points(profile: str) -> Iterator[GridPoint]:
    for dtype in GRAPH_DTYPES:
        for reduction in REDUCTIONS[profile]:
            for rank in (2, 3):
                for _, weight in weight_forms(rank):
                    shapes = {"y_true": dims(rank), "y_pred": dims(rank)}
                    if weight is not None:
                        shapes["sample_weight"] = weight
                    not_one = weight_not_one(profile, dims(rank)[:-1], weight)
                    args = {"reduction": reduction}
                    yield _point(profile, "reduction", "loss", dtype, args, shapes, not_one)
                    for dim in not_one:   # the graph Keras builds when that dim is 1
                        yield _point(profile, "reduction", "loss", dtype, args, pinned(shapes, dim))


def rank_forms(rank: int) -> Iterator[tuple[Shape, Shape, tuple[str, ...]]]:
    """(y_true, y_pred, dims that must not be 1) with one input a rank below the other (`rank` is the higher)."""
    full = dims(rank)
    lower, last = full[:-1], f"d{rank - 1}"
    # broadcastable against the full shape: the lower-rank input lines up with the trailing dims
    yield full[1:], full, (last,)              # y_true one rank below, y_pred's last dim not 1
    yield lower, lower + (1,), ()              # y_true one rank below, y_pred ends in a static 1
    yield full, full[1:], (last,)              # y_pred one rank below, y_true's last dim not 1
    yield lower + (1,), lower, ()              # y_pred one rank below, y_true ends in a static 1


def rank_points(profile: str) -> Iterator[GridPoint]:
    for dtype in GRAPH_DTYPES:
        for rank in (2, 3, 4, 5):
            for y_true, y_pred, not_one in rank_forms(rank):
                for api in ("loss", "function"):
                    yield _point(profile, "rank", api, dtype, {}, {"y_true": y_true, "y_pred": y_pred}, not_one)


def loss_dtype_points(profile: str) -> Iterator[GridPoint]:
    """Keras 3's `dtype` constructor argument: the dtype the loss casts its inputs to and computes in."""
    if profile != "keras3":
        return
    for loss_dtype in KERAS3_LOSS_DTYPES:
        for dtype in GRAPH_DTYPES:
            for reduction in ("sum_over_batch_size", "none"):
                shapes: dict[str, Shape] = {"y_true": dims(2), "y_pred": dims(2)}
                yield _point(profile, "loss-dtype", "loss", dtype, {"dtype": loss_dtype, "reduction": reduction},
                             shapes)
                yield _point(profile, "loss-dtype", "loss", dtype, {"dtype": loss_dtype, "reduction": reduction},
                             {**shapes, "sample_weight": ("d0",)})


def mask_points(profile: str) -> Iterator[GridPoint]:
    """A Keras mask (`y_pred._keras_mask`, bool, of the loss shape) for every reduction with the weight forms
    absent, 0-d, per sample and the full loss shape: float32 inputs of rank 3 reduced over the last axis."""
    rank = MASK_RANK
    loss_shape = dims(rank)[:-1]
    for reduction in REDUCTIONS[profile]:
        for form, weight in weight_forms(rank):
            if form not in MASK_WEIGHT_FORMS:
                continue
            shapes = {"y_true": dims(rank), "y_pred": dims(rank)}
            if weight is not None:
                shapes["sample_weight"] = weight
            shapes["mask"] = loss_shape
            # the mask is the loss shape, so Keras 3 aligns a weight to it as to the losses: the same rank rule
            not_one = weight_not_one(profile, loss_shape, weight)
            yield _point(profile, "mask", "loss", "float32", {"reduction": reduction}, shapes, not_one)


FAMILIES = {"axis": axis_points, "reduction": reduction_points, "rank": rank_points, "loss-dtype": loss_dtype_points,
            "mask": mask_points}


def grid(profile: str) -> list[GridPoint]:
    points = [p for family in FAMILIES.values() for p in family(profile)]
    ids = [p.id for p in points]
    assert len(ids) == len(set(ids)), "grid ids must be unique"
    return points

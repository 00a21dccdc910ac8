"""`python -m tforacle graphs --out fixtures/graphs`: TensorFlow's own forward loss graphs as ONNX, validated.

Each grid point (`graph_grid`) is the real Keras call traced with `tf.function` from the same profile objects the
fixtures were recorded from, converted with tf2onnx, rewritten (`graph_rewrite.portable`: explicit float16
rounding, non-negative axes, byte-deterministic names and order), and checked in ONNX Runtime (`ort_worker`, a
process without TF) against TensorFlow's eager answer (`oracle.answer`) on seeded random inputs. Differences are
classified and listed per graph with their cause; grid points that do not trace, convert or load are listed with
the reason.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import hashlib
import json
import logging
import multiprocessing
import sys
import time
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from . import coverage, ort_worker
from .case import Case, Outcome
from .graph_grid import FAMILIES, GridPoint, grid
from .graph_rewrite import OUTPUT, portable
from .oracle import answer
from .profiles import PROFILES, keras_args
from .runtime import SEED, provenance, tensorflow
from .tensors import DTYPES

FORMAT = "cosine-parity-graphs/1"
OPSET = 17
INPUTS_PER_GRAPH = 24
MAX_ELEMENTS = 256            # per input: keeps the exact (mpmath) evaluation behind the bound quick
# How validation ran ONNX Runtime: ORT's defaults, in a process without TF (see ort_worker), one thread.
SESSION = {"provider": "CPUExecutionProvider", "graph_optimization_level": "ORT_ENABLE_ALL (the default)",
           "intra_op_num_threads": 1}
# "relative" measure: |ort - tf| / max(|tf|, 1) in units of the output dtype's epsilon (per-sample losses lie in
# [-1, 1], so for them this is the absolute difference). A graph passes at or under this many epsilons.
RELATIVE_TOLERANCE_EPS = 64.0
# "bound" measure: |ort - tf| / bound; each side may be off from exact by one bound.
BOUND_TOLERANCE = 2.0
# What every graph went through after tf2onnx (graph_rewrite has the reasons).
REWRITES = ["nonnegative_axes: Reduce* axes spelled non-negative (ranks are static)",
            "explicit_float16: float16 values computed in float32 and rounded to float16 after every op",
            "canonical: names, node order and free text fixed so a re-export is byte-identical"]
VALUE_CLASSES = ("normal", "zero-vectors", "tiny-norm", "huge", "mixed-scale", "integers", "subnormal")
MASK_FORMS = ("all-valid", "all-masked", "random", "one-valid")   # the mask of the index-th input: index % 4


# ---- tracing and conversion ----------------------------------------------------------------------------------

def specs(point: GridPoint) -> list[Any]:
    tf = tensorflow()
    return [tf.TensorSpec([d if isinstance(d, int) else None for d in shape], point.input_dtype(name), name=name)
            for name, shape in point.shapes.items()]


def keras_call(point: GridPoint) -> Callable[..., Any]:
    """The Keras call of the grid point, built from the profile exactly as `runner` builds it for a case."""
    profile = PROFILES[point.profile]
    if point.api == "loss":
        loss = profile.make_loss(point.args)
        if "mask" in point.shapes:
            # the Keras mask, attached to the traced y_pred as `runner` attaches it to the eager one
            def masked(y_true: Any, y_pred: Any, mask: Any, **weight: Any) -> Any:
                y_pred._keras_mask = mask
                return loss(y_true, y_pred, **weight)
            if "sample_weight" in point.shapes:
                return lambda y_true, y_pred, sample_weight, mask: masked(y_true, y_pred, mask,
                                                                          sample_weight=sample_weight)
            return lambda y_true, y_pred, mask: masked(y_true, y_pred, mask)
        if "sample_weight" in point.shapes:
            return lambda y_true, y_pred, sample_weight: loss(y_true, y_pred, sample_weight=sample_weight)
        return lambda y_true, y_pred: loss(y_true, y_pred)
    function, kwargs = profile.function(), keras_args(point.args)
    return lambda y_true, y_pred: function(y_true, y_pred, **kwargs)


def traced_output(point: GridPoint) -> tuple[str, int]:
    """(dtype, rank) of what the traced call returns."""
    tf = tensorflow()
    out = tf.function(keras_call(point)).get_concrete_function(*specs(point)).structured_outputs
    return out.dtype.name, out.shape.rank


def convert(point: GridPoint) -> Any:
    import tf2onnx
    tf = tensorflow()
    tf2onnx.logging.set_level(logging.ERROR)
    signature = specs(point)
    model, _ = tf2onnx.convert.from_function(tf.function(keras_call(point), input_signature=signature),
                                             input_signature=signature, opset=OPSET)
    return model


def session(data: bytes) -> Any:
    """An in-process ONNX Runtime session, as the worker makes it (validation runs in the worker, see ort_worker)."""
    return ort_worker.make_session(data)


_WORKER: ort_worker.Worker | None = None


def worker() -> ort_worker.Worker:
    global _WORKER
    if _WORKER is None:
        _WORKER = ort_worker.Worker()
        atexit.register(_WORKER.close)
    return _WORKER


@dataclasses.dataclass
class Export:
    point: GridPoint
    data: bytes | None = None
    output: tuple[str, int] | None = None
    failure: dict[str, str] | None = None    # {"stage": trace|convert|load, "reason": ...}


def first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:300] if lines else ''}"


def export(point: GridPoint) -> Export:
    result = Export(point)
    stage = "trace"
    try:
        result.output = traced_output(point)
        stage = "convert"
        result.data = portable(convert(point), point.shapes)
        stage = "load"
        session(result.data)
    except Exception as exc:  # noqa: BLE001  every failure is listed, never dropped
        return Export(point, failure={"stage": stage, "reason": first_line(exc)})
    return result


# ---- validation inputs ---------------------------------------------------------------------------------------

def point_rng(point_id: str, salt: str = "") -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(f"graphs/{point_id}{salt}".encode())])


def _dim(rng: np.random.Generator, may_be_one: bool) -> int:
    u = rng.random()
    value = 0 if u < 0.08 else 1 if u < 0.22 else int(rng.integers(2, 10))
    return value if value != 1 or may_be_one else 2


def draw_dims(point: GridPoint, rng: np.random.Generator, empty: bool, equal: bool) -> dict[str, int]:
    """Values 0-9 for the template's named dims (a named dim in `not_one` is never 1), at most MAX_ELEMENTS per
    input; `empty` forces one dim to 0; `equal` gives every dim one value, so that inputs which line up by
    broadcasting (a rank below the other, aligned at the right) have shapes TF accepts."""
    names = sorted({d for s in point.shapes.values() for d in s if isinstance(d, str)})
    if equal:
        common = _dim(rng, not point.not_one)
        while common > 2 and common ** len(names) > MAX_ELEMENTS:
            common -= 1
        values = dict.fromkeys(names, common)
    else:
        values = {name: _dim(rng, name not in point.not_one) for name in names}
    while int(np.prod(list(values.values()) or [1])) > MAX_ELEMENTS:
        big = max(values, key=lambda n: values[n])
        values[big] = max(2, values[big] // 2)
    if empty and names:
        values[names[int(rng.integers(len(names)))]] = 0
    return values


def draw_values(rng: np.random.Generator, shape: tuple[int, ...], dtype: str, kind: str) -> np.ndarray:
    info = np.finfo(DTYPES[dtype].numpy)
    if kind == "zero-vectors":     # sparse enough that whole vectors along any axis are often zero
        x = rng.standard_normal(shape) * (rng.random(shape) < 0.25)
    elif kind == "tiny-norm":      # norms around both clamps (keras2: 1e-6, keras3: 1e-7) and below
        low, high = (-7.5, -4.0) if dtype == "float16" else (-9.0, -5.0)
        x = rng.standard_normal(shape) * 10.0 ** rng.uniform(low, high)
    elif kind == "huge":           # squares overflow to inf
        x = rng.standard_normal(shape) * float(np.sqrt(info.max)) * 10.0 ** rng.uniform(-0.5, 1.0)
    elif kind == "mixed-scale":
        span = float(np.log10(info.max)) * 0.9
        x = rng.standard_normal(shape) * 10.0 ** rng.uniform(-span, span, shape)
    elif kind == "subnormal":      # TF reads these as 0 in float32/float64 (denormals-are-zero)
        x = rng.standard_normal(shape) * float(info.smallest_normal) * 10.0 ** rng.uniform(-3, 0, shape)
        x[rng.random(shape) < 0.3] *= float(2 ** (info.nmant // 2))
    elif kind == "integers":
        x = rng.integers(-3, 4, shape).astype(np.float64)
    else:
        x = rng.standard_normal(shape) * 10.0 ** rng.uniform(-1, 1)
    with np.errstate(over="ignore"):
        return np.asarray(x).astype(DTYPES[dtype].numpy)


def draw_weight(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    w = rng.uniform(-1, 3, shape) * (rng.random(shape) >= 0.2)
    return np.asarray(w).astype(DTYPES[dtype].numpy)


def draw_mask(rng: np.random.Generator, shape: tuple[int, ...], form: str) -> np.ndarray:
    if form == "all-valid":
        return np.ones(shape, np.bool_)
    if form == "random":
        return np.asarray(rng.random(shape) < 0.5, np.bool_)
    mask = np.zeros(shape, np.bool_)
    if form == "one-valid" and mask.size:
        mask.ravel()[int(rng.integers(mask.size))] = True
    return mask


def draw(point: GridPoint, rng: np.random.Generator, index: int, count: int) -> tuple[str, dict[str, np.ndarray]]:
    """The index-th validation input: (value class, arrays by input name)."""
    kind = VALUE_CLASSES[index % len(VALUE_CLASSES)]
    sizes = draw_dims(point, rng, empty=index >= count - 2, equal=index % 4 == 3)
    inputs = {}
    for name, template in point.shapes.items():
        shape = tuple(sizes[d] if isinstance(d, str) else d for d in template)
        # subnormal y_true against a normal y_pred: products that stay representable show where they are read as 0
        value_kind = "normal" if kind == "subnormal" and name == "y_pred" else kind
        if name == "mask":
            inputs[name] = draw_mask(rng, shape, MASK_FORMS[index % len(MASK_FORMS)])
            continue
        inputs[name] = (draw_weight(rng, shape, point.dtype) if name == "sample_weight"
                        else draw_values(rng, shape, point.dtype, value_kind))
    return kind, inputs


# ---- comparison ----------------------------------------------------------------------------------------------

# Causes of the differences validation has met, by key (the manifest carries this table); a class met where its
# test in `cause` does not hold is reported as "unexplained".
CAUSES = {
    "signed-zero-sum": "the sign of an all-zero sum: TF's Sum of two or more -0.0 terms is +0.0 (its accumulator "
                       "starts at +0.0), ONNX Runtime's ReduceSum keeps -0.0 (it starts from the first term)",
    "keras3-empty-batch": "Keras 3's reduce_values returns the unreduced losses when their static shape is () or "
                          "(0,); with dynamic dims that test cannot fire in the graph, which reduces an empty batch "
                          "to a 0-d 0.0 where eager TF returns the empty (0,) tensor",
    "keras2-dynamic-squeeze": "Keras 2's remove_squeezable_dimensions squeezes y_true's last dim when its static "
                              "size could be 1, and a dynamic dim could: the graph squeezes (ONNX Runtime's Squeeze "
                              "fails on any other size) where eager TF, seeing the real size, does not; for y_true "
                              "ending in 1 use the graph with a static 1 there",
    "tf-flushes-subnormals": "TF reads float32/float64 subnormals as 0 (it sets flush-to-zero and "
                             "denormals-are-zero on its CPU threads); ONNX Runtime computes with them (its "
                             "session.set_denormal_as_zero reaches only its thread pool, not the calling thread): "
                             "with the subnormal inputs set to 0, ONNX Runtime gives TF's answer",
    "unexplained": "the graph does not compute what TF computes here",
}
# A graph with a difference of these classes does not stand for its Keras call and fails validation.
FAILING = frozenset({"value", "dtype", "nan-vs-number", "inf", "ort-error", "tf-error", "shape"})


def cause(point: GridPoint, name: str, tf_value: np.ndarray | None) -> str:
    """The key in CAUSES of a difference class met on `point`."""
    if name == "signed-zero":
        return "signed-zero-sum"
    if (name == "shape" and point.profile == "keras3" and point.api == "loss" and tf_value is not None
            and tf_value.shape == (0,) and point.args.get("reduction", "sum_over_batch_size") not in (None, "none")):
        return "keras3-empty-batch"
    if (name == "ort-error" and point.profile == "keras2" and point.family == "rank"
            and len(point.shapes["y_true"]) == len(point.shapes["y_pred"]) + 1
            and isinstance(point.shapes["y_true"][-1], str)):
        return "keras2-dynamic-squeeze"
    return "unexplained"


def ulp_ordinal(x: np.ndarray) -> list[int]:
    """Integers whose distance is the distance in ULPs of the floats (signed zeros are one point)."""
    bits = x.dtype.itemsize * 8
    raw = x.view({16: np.int16, 32: np.int32, 64: np.int64}[bits]).astype(np.int64).ravel().tolist()
    mask = (1 << (bits - 1)) - 1
    return [-(r & mask) if r < 0 else r for r in raw]


@dataclasses.dataclass
class Comparison:
    classes: dict[str, str] = dataclasses.field(default_factory=dict)   # class -> "tf vs ort" of a first instance
    difference: float = 0.0     # largest finite difference in the measure's unit
    ulp: int = 0                # largest distance in ULPs of the output dtype
    unbounded: int = 0          # elements where TF's bound is inf (branch points): not measured
    zero_bound: int = 0         # elements that differ where the bound is 0 (TF must be exact there)

    @property
    def identical(self) -> bool:
        return not self.classes and self.ulp == 0


def _first(mask: np.ndarray, t: np.ndarray, o: np.ndarray) -> str:
    i = int(np.flatnonzero(mask)[0])
    return f"{float(t.ravel()[i])!r} vs {float(o.ravel()[i])!r}"


def compare(tf: Outcome, ort_value: np.ndarray | None, ort_error: str | None) -> Comparison:
    """TF's answer against ONNX Runtime's: difference classes, and the largest difference in the bound's unit
    (|ort - tf| / bound) where TF's outcome carries a bound, else relative (|ort - tf| / max(|tf|, 1) in epsilons
    of the output dtype; per-sample losses lie in [-1, 1], so there it is the absolute difference)."""
    if tf.error is not None or ort_error is not None:
        if tf.error is not None and ort_error is not None:
            return Comparison()
        return Comparison({"tf-error": tf.error["message"][:200]} if tf.error is not None
                          else {"ort-error": (ort_error or "")[:200]})
    assert tf.value is not None and ort_value is not None
    if tf.value.dtype != ort_value.dtype:
        return Comparison({"dtype": f"{tf.value.dtype} vs {ort_value.dtype}"})
    if tf.value.shape != ort_value.shape:
        return Comparison({"shape": f"{list(tf.value.shape)} vs {list(ort_value.shape)}"})
    t, o = tf.value.astype(np.float64), ort_value.astype(np.float64)
    both_nan = np.isnan(t) & np.isnan(o)
    result = Comparison()
    for name, mask in (("nan-vs-number", np.isnan(t) != np.isnan(o)),
                       ("inf", ~np.isnan(t) & ~np.isnan(o) & (np.isinf(t) | np.isinf(o)) & (t != o)),
                       ("signed-zero", (t == 0) & (o == 0) & (np.signbit(t) != np.signbit(o)))):
        if mask.any():
            result.classes[name] = _first(mask, t, o)
    finite = np.isfinite(t) & np.isfinite(o)
    diff = np.where(finite, np.abs(o - t), 0.0)
    bound = tf.bound if hasattr(tf, "bound") else None
    if bound is not None:
        bound = np.broadcast_to(np.asarray(bound, dtype=np.float64), t.shape)
        measured = finite & np.isfinite(bound) & (bound > 0)
        result.unbounded = int(np.count_nonzero(finite & np.isinf(bound)))
        result.zero_bound = int(np.count_nonzero(finite & (bound == 0) & (diff > 0)))
        ratio = np.divide(diff, bound, out=np.zeros_like(diff), where=measured)
        result.difference = float(ratio.max(initial=0.0))
        exceeded = (ratio > BOUND_TOLERANCE) | (finite & (bound == 0) & (diff > 0))
    else:
        eps = float(np.finfo(ort_value.dtype).eps)
        relative = diff / np.maximum(np.abs(np.where(finite, t, 0.0)), 1.0) / eps
        result.difference = float(relative.max(initial=0.0))
        exceeded = relative > RELATIVE_TOLERANCE_EPS
    if exceeded.any():
        result.classes["value"] = _first(exceeded, t, o)
    pairs = zip(ulp_ordinal(tf.value[finite]), ulp_ordinal(ort_value[finite]))
    result.ulp = max((abs(a - b) for a, b in pairs), default=0)
    assert not (both_nan & finite).any()
    return result


def tf_answer(case: Case, profile_name: str) -> Outcome:
    """TF's eager answer, with the exact answer and its rounding-error bound where the oracle provides them."""
    profile = PROFILES[profile_name]
    if hasattr(Outcome, "bound"):
        try:
            return answer(case, profile, exact=True)
        except Exception:  # noqa: BLE001  the exact formula may not cover a shape TF accepted: measure relatively
            pass
    return answer(case, profile)


def run_graph(sess: Any, inputs: dict[str, np.ndarray]) -> tuple[np.ndarray | None, str | None]:
    return ort_worker.run(sess, inputs)


def flushed(inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """The inputs with float32/float64 subnormals set to (signed) 0, as TF reads them; None if there are none."""
    out, changed = {}, False
    for name, x in inputs.items():
        if x.dtype in (np.float32, np.float64):
            tiny = np.finfo(x.dtype).smallest_normal
            sub = (x != 0) & (np.abs(x) < tiny)
            if sub.any():
                x, changed = np.where(sub, np.copysign(0, x), x).astype(x.dtype), True
        out[name] = x
    return out if changed else None


def validate(data: bytes, point: GridPoint, count: int = INPUTS_PER_GRAPH) -> dict[str, Any]:
    """Runs the graph in ONNX Runtime (in its own process, see ort_worker) against TF's eager answer for `point`'s
    call on `count` seeded inputs."""
    rng = point_rng(point.id)
    drawn = [draw(point, rng, index, count) for index in range(count)]
    answers = [tf_answer(Case(id=f"graphs/{point.id}/{i}", group="graphs", api=point.api, dtype=point.dtype,
                              args=point.args, inputs=dict(inputs)), point.profile)
               for i, (_, inputs) in enumerate(drawn)]
    results = [compare(tf, *ran) for tf, ran in zip(answers, worker().run(data, [inputs for _, inputs in drawn]))]
    causes = [{name: cause(point, name, tf.value) for name in r.classes} for tf, r in zip(answers, results)]
    # where ORT differs on inputs holding subnormals: does it give TF's answer once they are read as 0?
    zeroed = {i: flushed(drawn[i][1]) for i, r in enumerate(results) if not r.identical}
    redo = {i: inputs for i, inputs in zeroed.items() if inputs is not None}
    again = worker().run(data, list(redo.values())) if redo else []
    for i, ran in zip(redo, again):
        cleared = compare(answers[i], *ran)
        if cleared.identical or set(cleared.classes) < set(results[i].classes):
            for name in set(results[i].classes) - set(cleared.classes):
                causes[i][name] = "tf-flushes-subnormals"
            if not results[i].classes:
                results[i].classes["subnormal"], causes[i]["subnormal"] = "within bound", "tf-flushes-subnormals"
    found: dict[str, dict[str, Any]] = {}
    for (kind, inputs), tf, result, known in zip(drawn, answers, results, causes):
        for name, instance in result.classes.items():
            entry = found.setdefault(name, {"class": name, "inputs": 0, "value_classes": [], "cause": known[name],
                                            "example": {"value_class": kind, "tf_vs_ort": instance,
                                                        "shapes": {n: list(a.shape) for n, a in inputs.items()}}})
            entry["inputs"] += 1
            if known[name] != entry["cause"] and "unexplained" in (known[name], entry["cause"]):
                entry["cause"] = "unexplained"
            if kind not in entry["value_classes"]:
                entry["value_classes"].append(kind)
    differences = sorted(found.values(), key=lambda d: d["class"])
    values = [tf for tf in answers if tf.value is not None]
    with_bound = sum(getattr(tf, "bound", None) is not None for tf in values)
    measure = "+".join(m for m, n in (("bound", with_bound), ("relative", len(values) - with_bound)) if n) or "none"
    agreeing = sum(tf.value is not None and not set(r.classes) & FAILING for tf, r in zip(answers, results))
    return {"inputs": count, "measure": measure, "identical": sum(r.identical for r in results),
            "tf_errors": sum(tf.error is not None for tf in answers),
            "max_difference": max((r.difference for r in results), default=0.0),
            "max_ulp": max((r.ulp for r in results), default=0),
            "unbounded_elements": sum(r.unbounded for r in results),
            "zero_bound_elements": sum(r.zero_bound for r in results),
            # a known difference is listed, not failed; but a graph must agree with TF on some value to stand for it
            "passed": agreeing > 0 and not any(d["class"] in FAILING and d["cause"] == "unexplained"
                                               for d in differences),
            "agreeing": agreeing, "known_differences": differences}


# ---- the manifest --------------------------------------------------------------------------------------------

def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_name(data: bytes) -> str:
    return f"{sha256(data)[:16]}.onnx"    # content-addressed: identical graphs share one file


def point_json(point: GridPoint) -> dict[str, Any]:
    return {"id": point.id, "profile": point.profile, "family": point.family, "api": point.api,
            "dtype": point.dtype, "args": point.args,
            "inputs": [{"name": n, "dtype": point.input_dtype(n), "rank": len(s), "shape": list(s)}
                       for n, s in point.shapes.items()],
            "dims_not_one": list(point.not_one)}


def graph_entry(result: Export, validation: dict[str, Any]) -> dict[str, Any]:
    assert result.data is not None and result.output is not None
    entry = point_json(result.point)
    entry.update({"file": file_name(result.data), "sha256": sha256(result.data),
                  "output": {"name": OUTPUT, "dtype": result.output[0], "rank": result.output[1]},
                  "opset": OPSET, "validation": validation})
    return entry


def versions() -> dict[str, str]:
    import onnx
    import onnxruntime
    import tf2onnx
    return {**provenance(), "tf2onnx": tf2onnx.__version__, "onnx": onnx.__version__,
            "onnxruntime": onnxruntime.__version__}


def manifest(graphs: list[dict[str, Any]], failed: list[dict[str, Any]], files: dict[str, str],
             inputs: int) -> dict[str, Any]:
    return {"format": FORMAT, "provenance": versions(), "opset": OPSET, "output": OUTPUT, "rewrites": REWRITES,
            "session": SESSION, "causes": CAUSES,
            "validation": {"inputs_per_graph": inputs, "max_elements": MAX_ELEMENTS, "seed": SEED,
                           "value_classes": list(VALUE_CLASSES),
                           "relative_tolerance_eps": RELATIVE_TOLERANCE_EPS, "bound_tolerance": BOUND_TOLERANCE,
                           "failing_classes": sorted(FAILING)},
            "files": dict(sorted(files.items())), "graphs": graphs, "failed": failed}


def export_and_validate(point: GridPoint, inputs: int) -> tuple[Export, dict[str, Any] | None]:
    with quiet():
        result = export(point)
        return result, None if result.data is None else validate(result.data, point, inputs)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """inf/NaN inputs and float16 overflow are the point here; numpy need not warn about them."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def quiet_validate(data: bytes, point: GridPoint, inputs: int) -> dict[str, Any]:
    with quiet():
        return validate(data, point, inputs)


def _work(task: tuple[GridPoint, int]) -> tuple[Export, dict[str, Any] | None]:
    tensorflow()
    return export_and_validate(*task)


def export_grid(points: list[GridPoint], out: Path, inputs: int, jobs: int,
                log: Callable[[str], None]) -> dict[str, Any]:
    """Exports and validates every point (in `jobs` processes; the result does not depend on how many), writes
    the graph files and manifest.json to `out`, replacing earlier ones."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob("*.onnx"), out / "manifest.json"]:
        stale.unlink(missing_ok=True)
    graphs, failed, files = export_points(points, out, inputs, jobs, log)
    doc = manifest(graphs, failed, files, inputs)
    (out / "manifest.json").write_text(dumps(doc), encoding="utf-8")
    return doc


# Manifest keys that say how the graphs were made and validated: a merge keeps the other entries only if the
# export now would write the same.
SETTINGS = ("format", "provenance", "opset", "output", "rewrites", "session", "validation")


def merge_grid(points: list[GridPoint], out: Path, inputs: int, jobs: int,
               log: Callable[[str], None]) -> dict[str, Any]:
    """Exports and validates `points` and merges them into `out`'s manifest.json: their entries (graphs or
    failed) are replaced or added, every other entry and graph file is kept as it is, files no graph uses any
    more are removed, and the manifest is written as a full export writes it (entries in the full grid's order).
    Refuses when the manifest was made with other versions or settings than the export now would use."""
    path = out / "manifest.json"
    if not path.exists():
        raise SystemExit(f"graphs --merge: no {path} to merge into; run a full export first")
    old = json.loads(path.read_text(encoding="utf-8"))
    now = manifest([], [], {}, inputs)
    differ = [key for key in SETTINGS if old.get(key) != now[key]]
    if differ:
        raise SystemExit(f"graphs --merge: {path} was made with other {', '.join(differ)} than this export would "
                         "use; run a full export")
    order = {p.id: i for i, p in enumerate(selected(sorted(PROFILES), list(FAMILIES), None))}
    replaced = {p.id for p in points}
    kept_graphs = [e for e in old["graphs"] if e["id"] not in replaced]
    kept_failed = [e for e in old["failed"] if e["id"] not in replaced]
    unknown = [e["id"] for e in kept_graphs + kept_failed if e["id"] not in order]
    if unknown:
        raise SystemExit(f"graphs --merge: {len(unknown)} entries of {path} are not in the grid (e.g. {unknown[0]}); "
                         "run a full export")
    missing = sorted({d["cause"] for e in kept_graphs for d in e["validation"]["known_differences"]} - set(CAUSES))
    if missing:
        raise SystemExit(f"graphs --merge: causes {missing} of kept entries are no longer known; run a full export")
    graphs, failed, _ = export_points(points, out, inputs, jobs, log)
    graphs = sorted(kept_graphs + graphs, key=lambda e: order[e["id"]])
    failed = sorted(kept_failed + failed, key=lambda e: order[e["id"]])
    files = {e["file"]: e["sha256"] for e in graphs}
    for name in sorted(set(old["files"]) - set(files)):
        (out / name).unlink(missing_ok=True)
    doc = manifest(graphs, failed, files, inputs)
    path.write_text(dumps(doc), encoding="utf-8")
    return doc


def export_points(points: list[GridPoint], out: Path, inputs: int, jobs: int,
                  log: Callable[[str], None]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    """Exports and validates `points` in order, writing each graph file to `out` unless it is there already:
    (graph entries, failed entries, files written or found)."""
    graphs, failed, files = [], [], {}
    tasks = [(point, inputs) for point in points]
    with contextlib.ExitStack() as stack:
        if jobs > 1:
            pool = stack.enter_context(multiprocessing.get_context("spawn").Pool(jobs))
            results: Iterable[tuple[Export, dict[str, Any] | None]] = pool.imap(_work, tasks, chunksize=4)
        else:
            results = map(_work, tasks)
        for n, (result, validation) in enumerate(results, 1):
            if result.failure is not None or result.data is None or validation is None:
                failed.append({**point_json(result.point), **(result.failure or {})})
            else:
                name = file_name(result.data)
                if name not in files:
                    if not (out / name).exists() or (out / name).read_bytes() != result.data:
                        (out / name).write_bytes(result.data)
                    files[name] = sha256(result.data)
                graphs.append(graph_entry(result, validation))
            if n % 50 == 0:
                log(f"  {n} of {len(tasks)} grid points")
    return graphs, failed, files


def dumps(doc: dict[str, Any]) -> str:
    """Plain JSON, one graph (and one failed grid point) per line: about a third of the size of indented JSON,
    and a diff between two exports reads graph by graph."""
    def one(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), allow_nan=False)

    lines = []
    for key, value in doc.items():
        if key in ("graphs", "failed") and value:
            body = ",\n".join(f"  {one(v)}" for v in value)
            lines.append(f" {one(key)}: [\n{body}\n ]")
        else:
            lines.append(f" {one(key)}: {json.dumps(value, allow_nan=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def selected(profiles: list[str], families: list[str], limit: int | None) -> list[GridPoint]:
    points = []
    for profile in profiles:
        counts: Counter[str] = Counter()
        for point in grid(profile):
            if point.family in families and (limit is None or counts[point.family] < limit):
                counts[point.family] += 1
                points.append(point)
    return points


# ---- re-checking committed graphs (verify) -------------------------------------------------------------------

def point_of(entry: dict[str, Any]) -> GridPoint:
    return GridPoint(id=entry["id"], profile=entry["profile"], family=entry["family"], api=entry["api"],
                     dtype=entry["dtype"], args=entry["args"],
                     shapes={i["name"]: tuple(i["shape"]) for i in entry["inputs"]},
                     not_one=tuple(entry["dims_not_one"]))


def check(directory: Path, sample: int, rng: np.random.Generator, inputs: int = 8) -> tuple[int, list[str]]:
    """sha256 of every graph file, then `sample` graphs re-run against TF: (graphs re-run, problems)."""
    doc = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    problems = [f"{name}: sha256 differs from the manifest" for name, digest in doc["files"].items()
                if not (directory / name).exists() or sha256((directory / name).read_bytes()) != digest]
    problems += [f"{e['id']}: file {e['file']} is not listed in files" for e in doc["graphs"]
                 if doc["files"].get(e["file"]) != e["sha256"]]
    problems += [f"{path.name}: a graph file the manifest does not list" for path in sorted(directory.glob("*.onnx"))
                 if path.name not in doc["files"]]
    graphs = [e for e in doc["graphs"] if e["validation"]["passed"]]
    chosen: list[int] = rng.choice(len(graphs), size=min(sample, len(graphs)), replace=False).tolist() if graphs else []
    for i in chosen:
        entry = graphs[i]
        path = directory / entry["file"]
        if not path.exists():
            continue
        result = quiet_validate(path.read_bytes(), point_of(entry), inputs)
        if not result["passed"]:
            problems.append(f"{entry['id']}: ONNX Runtime and TF part ways: " + ", ".join(
                f"{d['class']} ({d['example']['tf_vs_ort']})" for d in result["known_differences"]
                if d["cause"] == "unexplained"))
    return len(chosen), problems


# ---- command -------------------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("fixtures/graphs"), help="output directory")
    parser.add_argument("--profile", choices=sorted(PROFILES), action="append", help="only this profile (repeatable)")
    parser.add_argument("--family", choices=sorted(FAMILIES), action="append", help="only this grid family")
    parser.add_argument("--limit", type=int, help="at most this many grid points per family and profile")
    parser.add_argument("--inputs", type=int, default=INPUTS_PER_GRAPH, help="validation inputs per graph")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (the output does not depend on it)")
    parser.add_argument("--merge", action="store_true",
                        help="export only the selected grid points and merge them into the existing manifest.json "
                             "of --out, keeping every other entry and graph file as it is")


def summary(doc: dict[str, Any]) -> list[str]:
    per: Counter[tuple[str, str]] = Counter((g["profile"], g["dtype"]) for g in doc["graphs"])
    failed = sum(not g["validation"]["passed"] for g in doc["graphs"])
    classes = Counter(d["class"] for g in doc["graphs"] for d in g["validation"]["known_differences"])
    return [f"graphs: {len(doc['graphs'])} grid points in {len(doc['files'])} files, {len(doc['failed'])} not "
            f"exported, {failed} failing validation",
            "graphs per profile/dtype: " + ", ".join(f"{p}/{d} {n}" for (p, d), n in sorted(per.items())),
            "known differences (graphs): " + (", ".join(f"{c} {n}" for c, n in sorted(classes.items())) or "none")]


def main(args: argparse.Namespace) -> int:
    start = time.monotonic()
    tensorflow()
    points = selected(args.profile or sorted(PROFILES), args.family or list(FAMILIES), args.limit)
    print(f"graphs: exporting {len(points)} grid points to {args.out}{' (merge)' if args.merge else ''}",
          file=sys.stderr, flush=True)
    run = merge_grid if args.merge else export_grid
    doc = run(points, args.out, args.inputs, args.jobs, lambda line: print(line, file=sys.stderr, flush=True))
    size = sum((args.out / name).stat().st_size for name in doc["files"])
    for line in summary(doc):
        print(line, file=sys.stderr)
    recorded = [name for name in sorted(PROFILES) if (args.out.parent / name / "manifest.json").exists()]
    if recorded:   # graphs beside recorded fixtures: their counts belong in COVERAGE.md
        print(f"coverage summary: {coverage.write(args.out.parent, recorded)}", file=sys.stderr)
    print(f"graphs: {size} bytes of ONNX, exported and validated in {time.monotonic() - start:.0f}s",
          file=sys.stderr)
    return 0

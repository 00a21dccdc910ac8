"""The ONNX forward graphs (`python -m tforacle graphs`): the grid, byte-determinism, the committed manifest, and
the graph-vs-TF comparison (which must fail for a wrong graph)."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import numpy as np
import onnx
import pytest
from conftest import FIXTURES

from tforacle import graphs as G
from tforacle.case import Case, Outcome
from tforacle.graph_grid import GRAPH_DTYPES, GridPoint, grid

PACKAGE = Path(__file__).resolve().parents[1]
GRAPHS = FIXTURES / "graphs"
MAX_BYTES = 6 * 1024 * 1024
ONNX_TYPES = {"float16": onnx.TensorProto.FLOAT16, "float32": onnx.TensorProto.FLOAT,
              "float64": onnx.TensorProto.DOUBLE, "bool": onnx.TensorProto.BOOL}


def point(point_id: str) -> GridPoint:
    return next(p for p in grid(point_id.split("/")[0]) if p.id == point_id)


# ---- the grid (no TensorFlow) --------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_grid_covers_every_axis_form(profile: str) -> None:
    axes = Counter((p.api, p.dtype, p.rank, json.dumps(p.args["axis"])) for p in grid(profile) if p.family == "axis")
    for api in ("loss", "function"):
        for dtype in GRAPH_DTYPES:
            for rank in range(1, 6):
                forms = [*range(-rank, rank)]
                if rank >= 3:
                    forms += [list(c) for k in (2, 3) for c in combinations(range(rank), k)]
                for axis in forms:
                    assert axes[(api, dtype, rank, json.dumps(axis))] == 1, (api, dtype, rank, axis)


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_grid_covers_reductions_weights_ranks(profile: str) -> None:
    points = grid(profile)
    keras3: list[str | None] = ["sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight"]
    reductions = keras3 if profile == "keras3" else ["auto", "sum_over_batch_size", "sum", "none"]
    weights = Counter((p.dtype, p.args["reduction"], p.shapes.get("sample_weight", "absent"))
                      for p in points if p.family == "reduction")
    for dtype in GRAPH_DTYPES:
        for reduction in reductions:
            for weight in ("absent", (), ("d0",), ("d0", 1), ("d0", "d1"), ("d0", "d1", 1)):
                assert weights[(dtype, reduction, weight)] >= 1, (dtype, reduction, weight)
    ranks = {(len(p.shapes["y_true"]), len(p.shapes["y_pred"]), p.shapes["y_pred"][-1] == 1,
              p.shapes["y_true"][-1] == 1) for p in points if p.family == "rank"}
    for higher in range(2, 6):
        assert {(higher - 1, higher, False, False), (higher - 1, higher, True, False),
                (higher, higher - 1, False, False), (higher, higher - 1, False, True)} <= ranks
    dtype_args = {p.args.get("dtype") for p in points if p.family == "loss-dtype"}
    assert dtype_args == ({"float64", "float16"} if profile == "keras3" else set())
    masked = Counter((p.args["reduction"], p.shapes.get("sample_weight", "absent")) for p in points
                     if p.family == "mask")
    assert masked == Counter({(r, w): 1 for r in reductions for w in ("absent", (), ("d0",), ("d0", "d1"))})
    for p in points:
        assert ("mask" in p.shapes) == (p.family == "mask")
        if p.family == "mask":
            assert p.dtype == "float32" and p.api == "loss" and p.input_dtype("mask") == "bool"
            assert p.shapes["y_pred"] == ("d0", "d1", "d2") and p.shapes["mask"] == ("d0", "d1")
            assert list(p.shapes)[-1] == "mask"


# ---- export: deterministic, portable ------------------------------------------------------------------------

# Includes a Keras 3 float16 graph whose node order tf2onnx varies between processes.
DETERMINISM_POINTS = ["keras3/reduction/loss/float16/true[d0,d1]-pred[d0,d1]-weight[]/reduction=sum_over_batch_size",
                      "keras2/axis/function/float64/true[d0,d1,d2]-pred[d0,d1,d2]/axis=0,2",
                      "keras3/rank/loss/float32/true[d0,d1]-pred[d0,d1,1]/default"]
EXPORT_ONE = ("import sys, hashlib; from tforacle import graphs as G; from tforacle.graph_grid import grid; "
              "p = next(p for p in grid(sys.argv[1].split('/')[0]) if p.id == sys.argv[1]); "
              "print(hashlib.sha256(G.export(p).data).hexdigest())")


def test_export_is_byte_identical_within_and_across_processes() -> None:
    for point_id in DETERMINISM_POINTS:
        first, second = G.export(point(point_id)), G.export(point(point_id))
        assert first.failure is None and first.data is not None
        assert first.data == second.data, point_id
    other = subprocess.run([sys.executable, "-c", EXPORT_ONE, DETERMINISM_POINTS[0]], cwd=PACKAGE, check=True,
                           capture_output=True, text=True).stdout.split()[-1]
    again = G.export(point(DETERMINISM_POINTS[0])).data
    assert again is not None and other == G.sha256(again)


def test_float16_graphs_round_after_every_op() -> None:
    """ONNX Runtime's CPU provider would run the chain in float32: a square of 1051 (inf in float16) stays finite
    and the normalised vector is not the zero vector TF makes of it."""
    p = point("keras2/axis/function/float16/true[d0]-pred[d0]/axis=0")
    result = G.export(p)
    assert result.data is not None
    inputs = {"y_true": np.array([-31.4, -8.08, 169.8], np.float16),
              "y_pred": np.array([1051.0, 823.0, -382.2], np.float16)}
    value, error = G.run_graph(G.session(result.data), inputs)
    assert error is None and value is not None
    tf = G.tf_answer(Case(id="f16", group="graphs", api=p.api, dtype=p.dtype, args=p.args, inputs=dict(inputs)),
                     p.profile)
    # equal as numbers: TF's zero is -0.0 here, ORT's +0.0 (the signed-zero-sum difference)
    assert tf.value is not None and value.dtype == tf.value.dtype and value == tf.value == 0, (value, tf.value)


def test_empty_inputs_reduce_with_negative_axes() -> None:
    """ONNX Runtime 1.31.1 reduces nothing for a negative axis on an empty input; the export spells it positive."""
    p = point("keras2/axis/function/float32/true[d0,d1,d2]-pred[d0,d1,d2]/axis=-1")
    result = G.export(p)
    assert result.data is not None
    empty = np.zeros((5, 0, 3), np.float32)
    value, error = G.run_graph(G.session(result.data), {"y_true": empty, "y_pred": empty})
    assert error is None and value is not None and value.shape == (5, 0)


def test_ort_runs_without_tf_and_subnormals_are_a_known_difference() -> None:
    """In its own process ONNX Runtime computes with a subnormal y_true, as on the .NET side; TF reads it as 0."""
    p = point("keras2/axis/function/float32/true[d0]-pred[d0]/axis=0")
    result = G.export(p)
    assert result.data is not None
    inputs = {"y_true": np.array([1e-39, 2e-39], np.float32), "y_pred": np.array([1.0, 2.0], np.float32)}
    ((value, error),) = G.worker().run(result.data, [inputs])
    assert error is None and value is not None and value < 0   # -2.2e-33: the subnormals took part
    tf = G.tf_answer(Case(id="sub", group="graphs", api=p.api, dtype=p.dtype, args=p.args, inputs=dict(inputs)),
                     p.profile)
    assert tf.value is not None and tf.value == 0
    zeroed = G.flushed(inputs)
    assert zeroed is not None
    ((flushed, _),) = G.worker().run(result.data, [zeroed])
    assert flushed is not None and flushed.tobytes() == tf.value.tobytes()


@pytest.mark.parametrize("profile, expected", [("keras2", "nan"), ("keras3", "zero")])
def test_all_masked_batch_agrees_with_tf(profile: str, expected: str) -> None:
    """The mask is a bool graph input, attached to y_pred inside the traced call. An all-masked batch under
    sum_over_batch_size: Keras 2 scales the mask by total / valid with a plain `/` (0 * inf = NaN), Keras 3 with
    divide_no_nan (0). ONNX Runtime, in its own process, must give TF's answer."""
    p = point(f"{profile}/mask/loss/float32/true[d0,d1,d2]-pred[d0,d1,d2]-mask[d0,d1]/reduction=sum_over_batch_size")
    result = G.export(p)
    assert result.failure is None and result.data is not None
    model = onnx.load_from_string(result.data)
    assert [(i.name, i.type.tensor_type.elem_type) for i in model.graph.input][-1] == ("mask", onnx.TensorProto.BOOL)
    rng = np.random.default_rng(3)
    y_true, y_pred = (rng.standard_normal((3, 4, 5)).astype(np.float32) for _ in range(2))
    masks = {"all-masked": np.zeros((3, 4), np.bool_), "one-valid": np.zeros((3, 4), np.bool_)}
    masks["one-valid"][1, 2] = True
    answers = G.worker().run(result.data, [{"y_true": y_true, "y_pred": y_pred, "mask": m} for m in masks.values()])
    for (name, mask), (value, error) in zip(masks.items(), answers):
        tf = G.tf_answer(Case(id=name, group="graphs", api=p.api, dtype=p.dtype, args=p.args,
                              inputs={"y_true": y_true, "y_pred": y_pred, "mask": mask}), p.profile)
        assert error is None and value is not None and tf.value is not None, (name, error, tf.error)
        assert value.dtype == tf.value.dtype == np.float32 and value.shape == tf.value.shape == ()
        if name == "all-masked":
            assert (np.isnan(value) and np.isnan(tf.value)) if expected == "nan" else (value == tf.value == 0)
        else:
            assert not G.compare(tf, value, None).classes, (value, tf.value)


# ---- the comparison -----------------------------------------------------------------------------------------

def test_wrong_graph_fails_validation() -> None:
    """Keras 2's graph under Keras 3's name: another clamp (norm 1e-6 against 1e-7) and, for float64, another
    output dtype (Keras 3 casts to float32). Validation must say so."""
    for dtype, expected in (("float32", "value"), ("float64", "dtype")):
        keras2 = point(f"keras2/axis/loss/{dtype}/true[d0,d1]-pred[d0,d1]/axis=-1")
        keras3 = point(f"keras3/axis/loss/{dtype}/true[d0,d1]-pred[d0,d1]/axis=-1")
        data = G.export(keras2).data
        assert data is not None
        assert G.quiet_validate(data, keras2, 12)["passed"]
        wrong = G.quiet_validate(data, keras3, 12)
        assert not wrong["passed"]
        assert expected in {d["class"] for d in wrong["known_differences"] if d["cause"] == "unexplained"}


def outcome(value: list[float], bound: list[float] | None = None) -> Outcome:
    """A stand-in for TF's outcome: a value and, if given, its bound (without exact, which compare does not read)."""
    fields = {"value": np.array(value, np.float32), "error": None}
    return cast(Outcome, SimpleNamespace(**fields, **({} if bound is None else {"bound": np.array(bound)})))


def test_compare_measures_in_bounds_where_there_are_bounds() -> None:
    ort = np.array([1.0, 2.0 + 2**-22, 3.0, 4.0], np.float32)
    result = G.compare(outcome([1.0, 2.0, 3.0, 4.0], [1e-7, 2**-21, 0.0, np.inf]), ort, None)
    assert result.difference == pytest.approx(0.5) and not result.classes
    wrong = G.compare(outcome([1.0, 2.0, 3.0 + 2**-22, 4.0], [1e-7, 2**-21, 0.0, np.inf]), ort, None)
    assert "value" in wrong.classes and wrong.zero_bound == 1
    relative = G.compare(outcome([1.0, 2.0, 3.0, 4.0]), ort, None)
    assert relative.difference == pytest.approx(2**-22 / 2 / np.finfo(np.float32).eps) and relative.ulp == 1


def test_compare_classifies_non_finite_and_signed_zero() -> None:
    result = G.compare(outcome([np.nan, np.inf, 0.0, np.nan]), np.array([0.0, 1.0, -0.0, np.nan], np.float32), None)
    assert set(result.classes) == {"nan-vs-number", "inf", "signed-zero"}
    assert G.compare(cast(Outcome, SimpleNamespace(value=None, error={"type": "E", "message": "m"})), None,
                     "err").identical


# ---- the committed graphs -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def manifest() -> dict:
    path = GRAPHS / "manifest.json"
    if not path.exists():
        pytest.fail(f"no {path}: run `python -m tforacle graphs --out fixtures/graphs`")
    return json.loads(path.read_text(encoding="utf-8"))


def test_manifest_lists_every_grid_point_once(manifest: dict) -> None:
    listed = [e["id"] for e in manifest["graphs"] + manifest["failed"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == {p.id for profile in ("keras2", "keras3") for p in grid(profile)}
    for entry in manifest["failed"]:
        assert entry["stage"] in ("trace", "convert", "load") and entry["reason"]


def test_manifest_matches_files(manifest: dict) -> None:
    assert manifest["format"] == G.FORMAT and manifest["opset"] == 17
    assert {k: manifest["provenance"][k] for k in ("tf2onnx", "onnx", "onnxruntime")} == \
        {"tf2onnx": "1.17.0", "onnx": "1.23.2", "onnxruntime": "1.31.1"}
    on_disk = {p.name for p in GRAPHS.glob("*.onnx")}
    assert on_disk == set(manifest["files"])
    assert sum((GRAPHS / n).stat().st_size for n in on_disk) + (GRAPHS / "manifest.json").stat().st_size <= MAX_BYTES
    models = {}
    for name, digest in manifest["files"].items():
        data = (GRAPHS / name).read_bytes()
        assert G.sha256(data) == digest and name == G.file_name(data)
        models[name] = onnx.load_from_string(data)
    for entry in manifest["graphs"]:
        model = models[entry["file"]]
        assert entry["sha256"] == manifest["files"][entry["file"]] and entry["opset"] == 17
        graph_inputs = [(i.name, i.type.tensor_type.elem_type,
                         [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]) for i in model.graph.input]
        assert graph_inputs == [(i["name"], ONNX_TYPES[i["dtype"]], i["shape"]) for i in entry["inputs"]], entry["id"]
        assert [i["name"] for i in entry["inputs"]][:2] == ["y_true", "y_pred"]
        assert all(isinstance(d, str) for i in entry["inputs"] for d in i["shape"] if d != 1), "dynamic dims"
        (output,) = model.graph.output
        assert output.name == entry["output"]["name"] == "value"
        assert output.type.tensor_type.elem_type == ONNX_TYPES[entry["output"]["dtype"]]
        assert len(output.type.tensor_type.shape.dim) == entry["output"]["rank"]


def test_manifest_validation_is_complete(manifest: dict) -> None:
    assert manifest["validation"]["inputs_per_graph"] >= 20
    for entry in manifest["graphs"]:
        v = entry["validation"]
        assert v["inputs"] >= 20 and v["measure"] in ("bound", "relative", "bound+relative")
        for difference in v["known_differences"]:
            assert difference["cause"] in manifest["causes"] and difference["inputs"] > 0
        unexplained = [d for d in v["known_differences"]
                       if d["cause"] == "unexplained" and d["class"] in manifest["validation"]["failing_classes"]]
        assert v["passed"] == (not unexplained and v["agreeing"] > 0), entry["id"]
    passed = sum(e["validation"]["passed"] for e in manifest["graphs"])
    assert passed >= 0.9 * len(manifest["graphs"])


def test_committed_graphs_agree_with_tf(manifest: dict) -> None:
    """A sampled re-run of committed graphs (what `verify` does), one per profile and float dtype."""
    seen, chosen = set(), []
    for entry in manifest["graphs"]:
        if entry["validation"]["passed"] and (entry["profile"], entry["dtype"]) not in seen:
            seen.add((entry["profile"], entry["dtype"]))
            chosen.append(entry)
    for entry in chosen:
        result = G.quiet_validate((GRAPHS / entry["file"]).read_bytes(), G.point_of(entry), 6)
        assert result["passed"], (entry["id"], result["known_differences"])

"""The recorded fixtures: reproducible, complete, and agreeing with the documented Keras numbers."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tforacle.catalog.keras_tests import DOCUMENTED
from tforacle.store import Fixtures

PACKAGE = Path(__file__).resolve().parents[1]


def load_all(directory: Path) -> list[tuple]:
    fixtures = Fixtures(directory)
    return [(obj, *fixtures.load(obj)) for obj in fixtures.manifest["cases"]]


@pytest.fixture(scope="module")
def recorded(fixture_dirs: list[Path]) -> dict[str, list[tuple]]:
    return {d.name: load_all(d) for d in fixture_dirs}


def by_id(recorded: dict[str, list[tuple]], case_id: str) -> tuple:
    profile = case_id.split("/")[0]
    return next((case, outcome) for obj, case, outcome in recorded[profile] if case.id == case_id)


def record(out: Path) -> None:
    subprocess.run([sys.executable, "-m", "tforacle", "record", "--out", str(out), "--limit", "6"],
                   cwd=PACKAGE, check=True, capture_output=True)


def test_two_recordings_are_bit_identical(tmp_path: Path) -> None:
    record(tmp_path / "a")
    record(tmp_path / "b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) >= 4
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_coverage(recorded: dict[str, list[tuple]], profile: str) -> None:
    cases = recorded[profile]
    groups = Counter(case.group for _, case, _ in cases)
    fuzz_dtypes = Counter(case.dtype for _, case, _ in cases if case.group == "fuzz")
    assert fuzz_dtypes["float32"] >= 600 and fuzz_dtypes["float64"] >= 600
    assert fuzz_dtypes["float16"] >= 250 and fuzz_dtypes["bfloat16"] >= 250
    assert groups["special"] >= 200 and groups["metric"] >= 150 and groups["average-loss"] >= 100
    assert sum(1 for _, c, o in cases if c.group == "errors" and o.error) >= 10
    assert groups["config"] >= 6 * 2
    with_gradients = sum(1 for _, _, o in cases if o.gradients)
    assert with_gradients >= 400
    for _, case, outcome in cases:
        if outcome.value is not None and case.api in ("loss", "function"):
            assert outcome.exact is not None and outcome.exact.dtype == np.float64, case.id
            assert outcome.exact.shape == outcome.value.shape, case.id
    ranks = {c.inputs["y_pred"].ndim for _, c, _ in cases if c.group == "fuzz"}
    assert ranks == {1, 2, 3, 4, 5}
    tags = Counter(t for _, c, _ in cases for t in c.tags)
    for tag in ("sw-python-scalar", "sw-0d-tensor", "sw-per-sample", "sw-trailing-1", "sw-rank-lower",
                "sw-broadcast", "sw-zeros", "sw-negative", "rank-mismatch-trailing-1", "mixed-dtypes",
                "zero-rows", "tiny-norm", "at-clamp", "antiparallel", "cancellation", "overflow", "subnormal",
                "negative-zero", "nan-y-true", "empty-batch"):
        assert tags[tag] > 0, tag


def test_fixtures_fit_the_size_budget(fixture_dirs: list[Path]) -> None:
    # 30 MB until every value, gradient and metric step carried an F64 exact and bound (2 x 8 bytes per element:
    # 19.5 MB for the gradients alone); the budget grew with that, not with more cases.
    total = sum(p.stat().st_size for d in fixture_dirs for p in d.iterdir())
    assert total <= 60 * 1000 * 1000, total


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_documented_examples(recorded: dict[str, list[tuple]], profile: str) -> None:
    """The docstring values (tf_keras and Keras 3 docs), which print float32 results."""
    doc = [(c, o) for _, c, o in recorded[profile] if c.group == "seed-doc"]
    values = {tuple(c.tags): o.value for c, o in doc}
    assert values[("doc-default-reduction",)] == np.float32(-0.49999997)
    np.testing.assert_allclose(values[("doc-sample-weight",)], -0.0999, atol=1e-3)
    np.testing.assert_allclose(values[("doc-sum",)], -0.999, atol=1e-3)
    np.testing.assert_array_equal(values[("doc-none",)], np.float32([-0.0, -0.99999994]))
    np.testing.assert_array_equal(values[("doc-function",)], np.float32([-0.0, -0.99999994, 0.99999994]))


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_keras_unit_test_values(recorded: dict[str, list[tuple]], profile: str) -> None:
    """The numbers the Keras unit tests assert, at their own tolerance (assertAlmostEqual places=3)."""
    seen = set()
    for _, case, outcome in recorded[profile]:
        if case.group != "keras-tests":
            continue
        sub = case.id.split("/")[2]
        seen.add(sub)
        if sub == "test_dtype_arg":
            assert outcome.value.dtype.name == "bfloat16"
        else:
            assert abs(float(outcome.value) - DOCUMENTED[sub]) < 1.5e-3, (case.id, outcome.value)
    assert set(DOCUMENTED) <= seen


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_metric_documented_values(recorded: dict[str, list[tuple]], profile: str) -> None:
    doc = [o for _, c, o in recorded[profile] if c.group == "metric" and "doc" in c.tags][0]
    assert doc.step_values[0] == np.float32(0.49999997) and doc.step_values[1] is None
    assert doc.step_values[2] == np.float32(0.6999999)
    expected = {"test_unweighted": 0.18721907, "test_weighted": -0.06782260, "test_axis": 0.18721907}
    for sub, value in expected.items():
        case, outcome = by_id(recorded, f"{profile}/metric/{sub}/000000")
        assert abs(float(outcome.value) - value) < 1.5e-3, case.id


def arrays_of(case) -> list[np.ndarray]:
    steps = [s.inputs for s in case.steps or [] if s.inputs]
    return [v for inputs in [case.inputs, *steps] for v in inputs.values() if isinstance(v, np.ndarray)]


def well_conditioned(case, outcome) -> bool:
    """Finite inputs of moderate size whose sums of squares stay far from the clamps and from overflow."""
    arrays = [v for v in arrays_of(case) if v.dtype != np.bool_]   # a Keras mask (inputs.mask) is not a value
    if outcome.value is None or any(v.dtype.kind != "f" and v.dtype.name != "bfloat16" for v in arrays):
        return False
    for v in arrays:
        x = np.abs(v.astype(np.float64))
        if not np.all(np.isfinite(x)) or (x.size and x.max() > 1e3):
            return False
        nonzero = x[x > 0]
        if nonzero.size and nonzero.min() < 1e-3:
            return False
    if any(v.dtype == np.float16 for v in arrays):
        return all(v.size == 0 or np.abs(v.astype(np.float64)).max() ** 2 * v.size < 3e4 for v in arrays)
    return True


def eps_of(dtype: np.dtype) -> float:
    return 2.0 ** -7 if dtype.name == "bfloat16" else float(np.finfo(dtype).eps)


def tolerance(case, outcome) -> float:
    """|TF - exact| bound: a few ulps of the coarsest dtype involved per term summed, scaled by the weights.
    (compute_average_loss weighs in float32 whatever the loss dtype; the Keras 3 metric computes the cosine in
    y_pred's dtype; so the coarsest dtype is the honest unit.)"""
    arrays = arrays_of(case)
    eps = max([eps_of(outcome.value.dtype)] + [eps_of(v.dtype) for v in arrays if v.dtype.kind == "f"
                                               or v.dtype.name == "bfloat16"])
    if case.api == "compute_average_loss" and "sample_weight" in case.inputs:
        eps = max(eps, eps_of(np.dtype(np.float32)))
    terms = sum(v.size for v in arrays) + 8
    weights = [np.abs(np.asarray(getattr(w, "value", w), dtype=np.float64))
               for inputs in [case.inputs, *[s.inputs for s in case.steps or [] if s.inputs]]
               for k, w in inputs.items() if k == "sample_weight"]
    scale = max([1.0] + [float(np.max(w)) for w in weights if np.size(w)])
    if case.api == "compute_average_loss":   # a sum over the batch divided by global_batch_size, which may be small
        scale *= max(1.0, np.size(case.inputs["per_example_loss"]))
    return 4 * eps * terms * scale


@pytest.mark.parametrize("api", ["loss", "function", "metric", "compute_average_loss"])
def test_exact_agrees_with_tensorflow_on_well_conditioned_cases(recorded: dict[str, list[tuple]], api: str) -> None:
    checked = 0
    for cases in recorded.values():
        for _, case, outcome in cases:
            if case.api != api or not well_conditioned(case, outcome):
                continue
            value = outcome.value.astype(np.float64)
            both_nan = np.isnan(value) & np.isnan(outcome.exact)
            err = np.where(both_nan, 0.0, np.abs(value - outcome.exact))
            assert np.all(err <= tolerance(case, outcome)), (case.id, float(np.max(err)))
            checked += 1
    assert checked >= {"loss": 2000, "function": 300, "metric": 250, "compute_average_loss": 200}[api]


def test_coverage_summary_is_current(fixture_dirs: list[Path]) -> None:
    from tforacle import coverage
    root = fixture_dirs[0].parent
    assert (root / "COVERAGE.md").read_text(encoding="utf-8") == coverage.render(root, [d.name for d in fixture_dirs])


def test_verify_passes_on_a_sample_and_catches_a_flipped_bit(recorded: dict[str, list[tuple]],
                                                             fixture_dirs: list[Path]) -> None:
    """verify's rule: fresh TF bit-identical where this is the recording CPU, within bound everywhere."""
    from dataclasses import replace

    from tforacle.compare import compare
    from tforacle.runtime import same_cpu
    from tforacle.verify import verify_case
    demand_bits = {d.name: same_cpu(Fixtures(d).manifest["provenance"]) for d in fixture_dirs}
    sample = [(p, c, o) for p, cases in recorded.items() for i, (_, c, o) in enumerate(cases) if i % 97 == 0]
    for profile, case, outcome in sample:
        assert verify_case(case, outcome, profile).failed(demand_bits[profile]) == [], case.id
    profile, case, outcome = next(s for s in sample if s[2].value is not None and s[2].value.size)
    tampered = outcome.value.copy()
    tampered.reshape(-1).view(np.uint8)[0] ^= 1
    assert compare(outcome, replace(outcome, value=tampered)).failed(demand_bits=True) != []


def test_distributed_scaling(recorded: dict[str, list[tuple]]) -> None:
    """Keras 3 divides mean-like reductions by the replica count; Keras 2 refuses them under a strategy."""
    from dataclasses import replace

    from tforacle.profiles import PROFILES
    from tforacle.runner import run
    scaled = 0
    for _, case, outcome in recorded["keras3"]:
        if case.group == "distributed" and case.api == "loss":
            alone = run(replace(case, args={k: v for k, v in case.args.items() if k != "replicas"}),
                        PROFILES["keras3"]).value
            factor = 0.5 if case.args["reduction"] in ("sum_over_batch_size", "mean", "mean_with_sample_weight") else 1
            assert outcome.value.tobytes() == (alone * alone.dtype.type(factor)).tobytes(), case.id
            scaled += factor == 0.5
    assert scaled >= 6
    refused = [o for _, c, o in recorded["keras2"] if c.group == "distributed" and c.args.get("reduction") in
               ("auto", "sum_over_batch_size")]
    assert refused and all(o.error and o.error["type"] == "ValueError" for o in refused)


def test_config_matches_the_keras_tests(recorded: dict[str, list[tuple]]) -> None:
    """tf_keras keeps axis in the loss config; Keras 3.15.1 drops it from the loss and from the metric."""
    def config(profile: str, target: str, args: dict) -> dict:
        return next(o.config for _, c, o in recorded[profile]
                    if c.api == "config" and c.args == {"target": target, **args})
    loss_args = {"axis": 2, "reduction": "sum", "name": "cosine_loss"}
    assert config("keras3", "loss", loss_args) == {"name": "cosine_loss", "reduction": "sum"}
    assert config("keras2", "loss", loss_args)["axis"] == 2
    metric_args = {"axis": 2, "name": "my_cos", "dtype": "int32"}
    assert config("keras3", "metric", metric_args) == {"name": "my_cos", "dtype": "int32"}
    assert config("keras2", "metric", metric_args) == {"name": "my_cos", "dtype": "int32", "axis": 2}


def analytic_gradients(t: np.ndarray, p: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """d(sum of -cos(t, p))/dp and /dt along `axis`, from calculus rather than from TF."""
    nt, np_ = (np.linalg.norm(x, axis=axis, keepdims=True) for x in (t, p))
    th, ph = t / nt, p / np_
    c = np.sum(th * ph, axis=axis, keepdims=True)
    return -(th - c * ph) / np_, -(ph - c * th) / nt


def test_gradients_are_the_derivative(recorded: dict[str, list[tuple]]) -> None:
    checked = 0
    for cases in recorded.values():
        for _, case, outcome in cases:
            if case.api != "function" or case.dtype != "float64" or not outcome.gradients:
                continue
            t, p = case.inputs["y_true"], case.inputs["y_pred"]
            axis = case.args.get("axis", -1)
            if t.dtype != p.dtype or t.shape != p.shape or not isinstance(axis, int) or t.size == 0 or t.ndim == 0 \
                    or not well_conditioned(case, outcome):
                continue
            if np.min(np.linalg.norm(t, axis=axis)) < 1e-3 or np.min(np.linalg.norm(p, axis=axis)) < 1e-3:
                continue   # zero vectors sit on the clamp, where the calculus above does not apply
            grad_p, grad_t = analytic_gradients(t, p, axis)
            np.testing.assert_allclose(outcome.gradients["y_pred"], grad_p, rtol=1e-8, atol=1e-10, err_msg=case.id)
            np.testing.assert_allclose(outcome.gradients["y_true"], grad_t, rtol=1e-8, atol=1e-10, err_msg=case.id)
            checked += 1
    assert checked >= 20

"""The fixture contract `cosine-parity/1`: what the store writes passes the validator and nothing broken does; the
40-line reader in fixtures/README.md reads every tensor exactly as the store does; the official `safetensors`
library opens every array file."""
from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest
import safetensors

from tforacle.case import Case, Outcome, Reference, Scalar, Step
from tforacle.oracle import answer
from tforacle.profiles import PROFILES
from tforacle.runtime import provenance
from tforacle.store import Fixtures, FixtureWriter, read_safetensors, sha256_of, write_safetensors
from tforacle.tensors import dtype_of, to_bytes
from tforacle.validate import reference_strings, validate

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(os.environ.get("TFORACLE_FIXTURES", PACKAGE_ROOT.parents[2] / "fixtures"))
README = FIXTURES / "README.md"
READER_LINES = 40


# ---- a small recording of our own -----------------------------------------------------------------------------

def sample_cases() -> list[Case]:
    """Every api, every dtype code, a {"scalar"} weight, 0-d and zero-size tensors, a metric reset, errors."""
    rng = np.random.default_rng(7)

    def normal(*shape: int, dtype: Any = np.float32) -> np.ndarray:
        return rng.standard_normal(shape).astype(dtype)

    k = "keras2/sample"
    return [
        Case(f"{k}/float32/weighted", "special", "loss", "float32", {"axis": -1},
             {"y_true": normal(3, 4), "y_pred": normal(3, 4), "sample_weight": Scalar(2.5)}, tags=["scalar-weight"]),
        Case(f"{k}/bfloat16/none", "special", "loss", "bfloat16", {"reduction": "none"},
             {"y_true": normal(2, 3, dtype=ml_dtypes.bfloat16), "y_pred": normal(2, 3, dtype=ml_dtypes.bfloat16)}),
        Case(f"{k}/float16/bool-weight", "special", "loss", "float16", {"reduction": "sum"},
             {"y_true": np.ones((2, 2), np.float16), "y_pred": np.array([[1, 0], [0, 0]], np.float16),
              "sample_weight": np.array([True, False])}, tags=["zero-rows"]),
        Case(f"{k}/float64/rank-1", "special", "function", "float64", {"axis": -1},
             {"y_true": normal(5, dtype=np.float64), "y_pred": normal(5, dtype=np.float64)}),
        Case(f"{k}/float32/empty", "special", "loss", "float32", {}, {"y_true": normal(0, 4), "y_pred": normal(0, 4)}),
        Case(f"{k}/int64/y-true", "errors", "loss", "float32", {},
             {"y_true": np.array([[1, 0], [0, 1]], np.int64), "y_pred": normal(2, 2)}),
        Case(f"{k}/float32/mismatch", "errors", "loss", "float32", {},
             {"y_true": normal(2, 3), "y_pred": normal(2, 4)}),
        Case(f"{k}/metric", "metric", "metric", "float32", {},
             steps=[Step({"y_true": normal(2, 3), "y_pred": normal(2, 3)}), Step(reset=True),
                    Step({"y_true": normal(2, 3), "y_pred": normal(2, 3), "sample_weight": Scalar(0.5)})]),
        Case(f"{k}/average", "average-loss", "compute_average_loss", "float32", {"global_batch_size": 4},
             {"per_example_loss": normal(3)}),
        Case(f"{k}/average-0d", "errors", "compute_average_loss", "float32", {},
             {"per_example_loss": np.array(3.0, np.float32)}),
        Case(f"{k}/config", "config", "config", "float32", {"target": "loss", "axis": 1}),
    ]


@dataclass
class Sample:
    directory: Path
    recorded: list[tuple[Case, Outcome]]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    directory = tmp_path_factory.mktemp("fixtures") / "keras2"
    directory.mkdir()
    writer = FixtureWriter(directory, "keras2", provenance())
    recorded = []
    for case in sample_cases():
        outcome = answer(case, PROFILES["keras2"], gradients=True, exact=True)
        writer.add(case, outcome)
        recorded.append((case, outcome))
    writer.close()
    return Sample(directory, recorded)


def real_profile(name: str) -> Path:
    directory = FIXTURES / name
    if not (directory / "manifest.json").exists():
        pytest.skip(f"no recorded fixtures in {directory} yet")
    return directory


def profile_dir(which: str, sample: Sample) -> Path:
    return sample.directory if which == "sample" else real_profile(which)


DIRECTORIES = ["sample", *sorted(PROFILES)]


# ---- (a) the validator accepts the store's output and rejects broken copies ---------------------------------

def test_sample_is_valid(sample: Sample) -> None:
    assert validate(sample.directory) == []


def test_sample_keeps_every_shape(sample: Sample) -> None:
    """0-d tensors must stay 0-d (the contract: shape []) and zero-size ones keep their zero dimension."""
    fixtures = Fixtures(sample.directory)
    for (case, outcome), obj in zip(sample.recorded, fixtures.manifest["cases"]):
        read_case, read_outcome = fixtures.load(obj)
        pairs = [(case.inputs[k], read_case.inputs[k]) for k in case.inputs]
        pairs += [(outcome.value, read_outcome.value), (outcome.exact, read_outcome.exact)]
        pairs += [(g, (read_outcome.gradients or {})[k]) for k, g in (outcome.gradients or {}).items()]
        for original, read in pairs:
            if isinstance(original, np.ndarray):
                assert isinstance(read, np.ndarray) and read.shape == original.shape, case.id


def load_manifest(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def save_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def case_with_exact(manifest: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in manifest["cases"] if "exact" in c.get("expected", {}))


def flip_last_byte(directory: Path) -> None:
    path = directory / "cases-000.safetensors"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))


def dangle_reference(directory: Path) -> None:
    manifest = load_manifest(directory)
    case_with_exact(manifest)["inputs"]["y_true"] = "keras2/sample/no-such-tensor"
    save_manifest(directory, manifest)


def duplicate_id(directory: Path) -> None:
    manifest = load_manifest(directory)
    manifest["cases"][1]["id"] = manifest["cases"][0]["id"]
    save_manifest(directory, manifest)


def add_unlisted_file(directory: Path) -> None:
    shutil.copy(directory / "cases-000.safetensors", directory / "cases-999.safetensors")


def reshape_exact(directory: Path) -> None:
    """Rewrites the array file with one case's exact one element longer (and a correct sha256)."""
    manifest = load_manifest(directory)
    ref = case_with_exact(manifest)["expected"]["exact"]
    path = directory / "cases-000.safetensors"
    tensors = read_safetensors(path)
    tensors[ref] = np.append(tensors[ref], 0.0)
    write_safetensors(path, tensors)
    manifest["files"][path.name] = sha256_of(path)
    save_manifest(directory, manifest)


def drop_step_value(directory: Path) -> None:
    manifest = load_manifest(directory)
    metric = next(c for c in manifest["cases"] if c["api"] == "metric")
    del metric["steps"][0]["value"]
    save_manifest(directory, manifest)


CORRUPTIONS: dict[str, tuple[Callable[[Path], None], str]] = {
    "flipped byte": (flip_last_byte, "sha256"),
    "dangling reference": (dangle_reference, "no-such-tensor"),
    "duplicate id": (duplicate_id, "duplicate id"),
    "unlisted file": (add_unlisted_file, "cases-999.safetensors"),
    "exact of the wrong shape": (reshape_exact, "expected.exact has shape"),
    "metric step without value": (drop_step_value, "steps[0] has no value"),
}


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_corruption_is_reported(sample: Sample, tmp_path: Path, name: str) -> None:
    corrupt, needle = CORRUPTIONS[name]
    directory = tmp_path / "keras2"
    shutil.copytree(sample.directory, directory)
    corrupt(directory)
    problems = validate(directory)
    assert any(needle in p for p in problems), problems


# ---- (b) the README's reader reads what the store reads -----------------------------------------------------

def reader_source() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^### A complete reader\s*\n+```python\n(.*?)^```", text, re.S | re.M)
    assert match, f'{README}: no ```python block right after "### A complete reader"'
    return match.group(1)


@pytest.fixture(scope="module")
def reader_load() -> Callable[[Path], dict[str, Any]]:
    namespace: dict[str, Any] = {}
    exec(compile(reader_source(), str(README), "exec"), namespace)   # noqa: S102  the README's code is the subject
    return namespace["load"]


def test_reader_is_short() -> None:
    assert len(reader_source().splitlines()) <= READER_LINES


def assert_same_tensor(loaded: Any, array: np.ndarray, where: str) -> None:
    """The reader's {"dtype", "shape", "values"} against the store's array, NaN equal to NaN, signs of zero kept."""
    assert isinstance(loaded, dict) and set(loaded) == {"dtype", "shape", "values"}, where
    assert loaded["dtype"] == dtype_of(array).code and loaded["shape"] == list(array.shape), where
    kind = {"I64": np.int64, "BOOL": np.bool_}.get(loaded["dtype"], np.float64)   # floats compare as float64
    got = np.array(loaded["values"], dtype=kind).reshape(array.shape)
    want = array.astype(kind)
    assert np.array_equal(got, want, equal_nan=kind is np.float64), where
    if kind is np.float64:
        assert np.array_equal(np.signbit(got), np.signbit(want)), where


def assert_same_inputs(loaded: dict[str, Any], inputs: dict[str, Any], where: str) -> int:
    assert set(loaded) == set(inputs), where
    for name, value in inputs.items():
        if isinstance(value, Scalar):
            assert loaded[name] == {"scalar": value.value}, where
        else:
            assert_same_tensor(loaded[name], value, f"{where}.{name}")
    return sum(not isinstance(v, Scalar) for v in inputs.values())


def assert_same_case(loaded: dict[str, Any], case: Case, outcome: Outcome) -> int:
    """Compares one case tensor by tensor; returns how many tensors it compared."""
    count = assert_same_inputs(loaded.get("inputs", {}), case.inputs, f"{case.id} inputs")
    expected = loaded["expected"]
    assert expected.get("error") == outcome.error and expected.get("config") == outcome.config, case.id
    for key, array in (("value", outcome.value), ("exact", outcome.exact), ("bound", outcome.bound)):
        if array is not None:
            assert_same_tensor(expected[key], array, f"{case.id} expected.{key}")
            count += 1
    for name, grad in (outcome.gradients or {}).items():
        assert_same_tensor(loaded["gradients"][name], grad, f"{case.id} gradients.{name}")
        count += 1
    for name, reference in (outcome.gradient_references or {}).items():
        count += assert_same_reference(expected["gradients"][name], reference, f"{case.id} expected.gradients.{name}")
    steps = case.steps or []
    values = outcome.step_values or [None] * len(steps)
    references = outcome.step_references or [None] * len(steps)
    for i, (step, value, reference) in enumerate(zip(steps, values, references)):
        if not step.reset:
            count += assert_same_inputs(loaded["steps"][i]["inputs"], step.inputs or {}, f"{case.id} steps[{i}]")
        if value is not None:
            assert_same_tensor(loaded["steps"][i]["value"], value, f"{case.id} steps[{i}].value")
            count += 1
        if reference is not None:
            count += assert_same_reference(loaded["steps"][i], reference, f"{case.id} steps[{i}]")
    return count


def assert_same_reference(loaded: dict[str, Any], reference: Reference, where: str) -> int:
    assert_same_tensor(loaded["exact"], reference.exact, f"{where}.exact")
    assert_same_tensor(loaded["bound"], reference.bound, f"{where}.bound")
    return 2


@pytest.mark.parametrize("which", DIRECTORIES)
def test_reader_matches_store(sample: Sample, reader_load: Callable[[Path], dict[str, Any]], which: str) -> None:
    directory = profile_dir(which, sample)
    fixtures = Fixtures(directory)
    loaded = reader_load(directory)
    assert len(loaded["cases"]) == len(fixtures.manifest["cases"])
    for obj, loaded_case in zip(fixtures.manifest["cases"], loaded["cases"]):
        case, outcome = fixtures.load(obj)
        compared = assert_same_case(loaded_case, case, outcome)
        assert compared == sum(1 for _ in reference_strings(obj)), f"{case.id}: a reference was not compared"


def test_reader_decodes_every_dtype_and_shape(tmp_path: Path, reader_load: Callable[[Path], dict[str, Any]]) -> None:
    """Written straight through write_safetensors, so 0-d tensors and special values are there whatever the cases."""
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, 5e-324, 65504.0, -1.5]
    tensors = {
        "f16": np.array(special[:5] + [6e-8, 65504.0], np.float16),
        "bf16": np.array(special[:5] + [1e-40, 3.0e38], ml_dtypes.bfloat16).reshape(7, 1),
        "f32": np.array(special, np.float32).reshape(3, 3),
        "f64": np.array(special, np.float64),
        "i64": np.array([-(2 ** 63), 2 ** 63 - 1, 0], np.int64),
        "bool": np.array([[True, False]]),
        "scalar": np.array(2.5, np.float32),
        "empty": np.zeros((2, 0, 3), np.float64),
    }
    write_safetensors(tmp_path / "a.safetensors", tensors)
    case = {"id": "keras2/x", "file": "a.safetensors", "inputs": {name: name for name in tensors},
            "expected": {"error": {"type": "ValueError", "message": "f16"}}}
    manifest = {"format": "cosine-parity/1", "files": {"a.safetensors": sha256_of(tmp_path / "a.safetensors")},
                "cases": [case]}
    save_manifest(tmp_path, manifest)
    loaded = reader_load(tmp_path)["cases"][0]
    for name, array in tensors.items():
        assert_same_tensor(loaded["inputs"][name], array, name)
    assert loaded["expected"] == case["expected"]


def test_reader_rejects_a_wrong_sha256(sample: Sample, reader_load: Callable[[Path], dict[str, Any]],
                                       tmp_path: Path) -> None:
    directory = tmp_path / "keras2"
    shutil.copytree(sample.directory, directory)
    flip_last_byte(directory)
    with pytest.raises(ValueError, match="sha256"):
        reader_load(directory)


# ---- (c) the recorded fixtures follow the contract ---------------------------------------------------------

@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_recorded_fixtures_are_valid(profile: str) -> None:
    problems = validate(real_profile(profile))
    assert problems == [], f"{len(problems)} violations, first ones:\n" + "\n".join(problems[:50])


# ---- (d) the official safetensors library reads every array file --------------------------------------------

def array_files(directory: Path) -> Iterator[Path]:
    for name in load_manifest(directory)["files"]:
        yield directory / name


@pytest.mark.parametrize("which", DIRECTORIES)
def test_official_safetensors_reads_every_file(sample: Sample, which: str) -> None:
    """safe_open(framework="numpy") returns BF16 as ml_dtypes.bfloat16 once ml_dtypes is imported; `deserialize`
    is the library's own parse of the raw layout (dtype code, shape, bytes) for every dtype."""
    for path in array_files(profile_dir(which, sample)):
        ours = read_safetensors(path)
        with safetensors.safe_open(str(path), framework="numpy") as f:
            assert set(f.keys()) == set(ours), path.name
            for name in f.keys():
                theirs = f.get_tensor(name)
                assert theirs.dtype == ours[name].dtype and theirs.shape == ours[name].shape, name
                assert to_bytes(theirs) == to_bytes(ours[name]), name
        parsed = {name: info for name, info in safetensors.deserialize(path.read_bytes())}
        assert set(parsed) == set(ours), path.name
        for name, info in parsed.items():
            assert info["dtype"] == dtype_of(ours[name]).code and info["shape"] == list(ours[name].shape), name
            assert bytes(info["data"]) == to_bytes(ours[name]), name

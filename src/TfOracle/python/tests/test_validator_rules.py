"""Every rule of tforacle.validate, each with a fixture directory that breaks exactly that rule.

The fixtures are built by hand (no TensorFlow): a small valid profile directory written by FixtureWriter from
made-up cases and outcomes, then one thing corrupted. Each test asserts the whole report, line for line, so a rule
that goes quiet, a message that stops naming the problem, or a rule that fires where it should not all fail.
Array files are taken apart and put together here with struct and json (the layout in fixtures/README.md), not
with tforacle's own reader.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tforacle.case import Case, Outcome, Reference, Scalar, Step
from tforacle.store import FixtureWriter
from tforacle.validate import validate

pytestmark = pytest.mark.correctness

FILE = "cases-000.safetensors"
# fixtures/README.md: the provenance keys a manifest must have (it may hold more)
README_PROVENANCE = ("tensorflow", "keras", "tf_keras", "numpy", "python", "platform", "recorder", "seed",
                     "determinism")
PROVENANCE = {"tensorflow": "2.21.0", "keras": "3.15.1", "tf_keras": "2.21.0", "numpy": "2.4.6", "python": "3.11",
              "platform": "Linux-x86_64", "recorder": "test", "seed": 1, "determinism": "none", "mpmath": "1.4.1"}
REQUIRED_TEXT = ("(required for every ['compute_average_loss', 'function', 'loss', 'metric'] value, gradient and "
                 "metric step)")
MAX_FILE_BYTES = 8 * 1024 * 1024   # fixtures/README.md: "each at most 8 MiB"

Manifest = dict[str, Any]


def f32(values: Any) -> np.ndarray:
    return np.asarray(values, np.float32)


def f64(values: Any) -> np.ndarray:
    return np.asarray(values, np.float64)


def ref(exact: Any) -> Reference:
    """expected.exact and expected.bound of one TF output (bound 2**-30 everywhere: any non-negative F64 will do)."""
    return Reference(f64(exact), np.full(np.shape(exact), 2.0 ** -30))


def sample(profile: str) -> list[tuple[Case, Outcome]]:
    """One case per api and outcome kind; the numbers are arbitrary (the validator checks form, not values)."""
    p = f"{profile}/t"
    pair = {"y_true": f32([[1, 2], [3, 4]]), "y_pred": f32([[4, 3], [2, 1]])}
    return [
        (Case(f"{p}/loss", "special", "loss", "float32", {"axis": -1, "reduction": "sum"},
              {**pair, "sample_weight": np.array([True, False])}, tags=["t"]),
         Outcome(value=f32(-0.8), reference=ref(-0.8),
                 gradients={"y_pred": f32([[0.1, 0.2], [0.3, 0.4]]), "y_true": f32([[0.5, 0.6], [0.7, 0.8]])},
                 gradient_references={"y_pred": ref([[0.1, 0.2], [0.3, 0.4]]),
                                      "y_true": ref([[0.5, 0.6], [0.7, 0.8]])})),
        (Case(f"{p}/scalar-weight", "special", "loss", "float32", {},
              {"y_true": f32([[1, 0]]), "y_pred": f32([[0, 1]]), "sample_weight": Scalar(2.5)}),
         Outcome(value=f32(0.0), reference=ref(0.0))),
        (Case(f"{p}/function", "special", "function", "float64", {"axis": [0]},
              {"y_true": f64([1, 2, 3]), "y_pred": f64([3, 2, 1])}),
         Outcome(value=f64(-0.7), reference=ref(-0.7), gradients={"y_pred": f64([0.1, 0.2, 0.3])},
                 gradient_references={"y_pred": ref([0.1, 0.2, 0.3])})),
        (Case(f"{p}/metric", "metric", "metric", "float32", {},
              steps=[Step({"y_true": f32([[1, 0]]), "y_pred": f32([[1, 0]])}), Step(reset=True),
                     Step({"y_true": f32([[0, 1]]), "y_pred": f32([[1, 1]]), "sample_weight": Scalar(0.5)})]),
         Outcome(value=f32(0.7), reference=ref(0.7), step_values=[f32(1.0), None, f32(0.7)],
                 step_references=[ref(1.0), None, ref(0.7)])),
        (Case(f"{p}/average", "average-loss", "compute_average_loss", "float32",
              {"global_batch_size": 4, "replicas": 2}, {"per_example_loss": f32([1, 2, 3]),
                                                        "sample_weight": f32([1, 0, 1])}),
         Outcome(value=f32(1.0), reference=ref(1.0))),
        (Case(f"{p}/config", "config", "config", "float32", {"target": "metric", "axis": 1}),
         Outcome(config={"name": "cosine_similarity", "axis": 1})),
        (Case(f"{p}/error", "errors", "loss", "float32", {"reduction": "bogus"}, dict(pair)),
         Outcome(error={"type": "ValueError", "message": "Invalid reduction"})),
        (Case(f"{p}/metric-error", "errors", "metric", "float32", {},
              steps=[Step({"y_true": f32([[1, 0]]), "y_pred": f32([[1, 0, 0]])})]),
         Outcome(error={"type": "InvalidArgumentError", "message": "Incompatible shapes"})),
    ]


def build(directory: Path, profile: str) -> Path:
    directory.mkdir(parents=True)
    writer = FixtureWriter(directory, profile, dict(PROVENANCE))
    for case, outcome in sample(profile):
        writer.add(case, outcome)
    writer.close()
    return directory


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("pristine")
    return {profile: build(root / profile, profile) for profile in ("keras2", "keras3")}


@pytest.fixture
def fx(pristine: dict[str, Path], tmp_path: Path) -> Path:
    """A fresh copy of the valid keras2 directory, for one test to break."""
    return Path(shutil.copytree(pristine["keras2"], tmp_path / "keras2"))


# ---- helpers that edit a copy --------------------------------------------------------------------------------------

def load(directory: Path) -> Manifest:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def save(directory: Path, manifest: Manifest) -> None:
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def edit(directory: Path, change: Callable[[Manifest], Any]) -> None:
    manifest = load(directory)
    change(manifest)
    save(directory, manifest)


def case_of(manifest: Manifest, suffix: str) -> dict[str, Any]:
    return next(c for c in manifest["cases"] if c["id"] == f"keras2/t/{suffix}")


def split(raw: bytes) -> tuple[dict[str, Any], bytes]:
    """A safetensors file as (header, data), by the README's layout."""
    (n,) = struct.unpack_from("<Q", raw)
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def join(header: dict[str, Any] | bytes, data: bytes) -> bytes:
    """u64 little-endian header length, the header padded with spaces to a multiple of 8, the data."""
    text = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def put_file(directory: Path, name: str, raw: bytes, listed: bool = True) -> None:
    """Writes an array file and (if listed) records its true sha256 in the manifest."""
    (directory / name).write_bytes(raw)
    if listed:
        edit(directory, lambda m: m["files"].__setitem__(name, hashlib.sha256(raw).hexdigest()))


def rewrite(directory: Path, change: Callable[[dict[str, Any], bytes], tuple[dict[str, Any], bytes]]) -> None:
    header, data = split((directory / FILE).read_bytes())
    put_file(directory, FILE, join(*change(header, data)))


def tensor_names(directory: Path) -> list[str]:
    header, _ = split((directory / FILE).read_bytes())
    return [k for k in header if k != "__metadata__"]


def last_tensor(header: dict[str, Any]) -> str:
    return max((k for k in header if k != "__metadata__"), key=lambda k: header[k]["data_offsets"][0])


def orphans(*refs: str) -> list[str]:
    return [f"{FILE}: tensor {r!r} is referenced by no case" for r in sorted(refs)]


def refs_under(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [r for v in node for r in refs_under(v)]
    if isinstance(node, dict):
        return [r for v in node.values() for r in refs_under(v)]
    return []


def replace_tensor(directory: Path, name: str, array: np.ndarray, code: str, last: bool = False) -> None:
    """Re-lays the array file with one tensor replaced (new dtype code and shape), offsets recomputed; `last` moves
    its bytes to the end of the data."""
    header, data = split((directory / FILE).read_bytes())
    chunks = {k: data[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in header.items()}
    chunks[name] = array.astype(array.dtype.newbyteorder("<")).tobytes()
    header[name] = {**header[name], "dtype": code, "shape": list(array.shape)}
    if last:
        header[name] = header.pop(name)
    offset, out = 0, b""
    for k in header:
        header[k]["data_offsets"] = [offset, offset + len(chunks[k])]
        offset += len(chunks[k])
        out += chunks[k]
    put_file(directory, FILE, join(header, out))


# ---- what is valid --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_the_hand_made_fixtures_are_valid(pristine: dict[str, Path], profile: str) -> None:
    assert validate(pristine[profile]) == []


def test_optional_parts_are_accepted(fx: Path) -> None:
    """More provenance keys, __metadata__ of strings, an empty array file, a keras3-only reduction name on an
    errors case, an axis list, tags: all allowed by the contract."""
    def change(m: Manifest) -> None:
        m["provenance"]["cpu"] = "x"
        case_of(m, "error")["args"]["reduction"] = None
        case_of(m, "loss")["args"]["axis"] = [0, -1]
    edit(fx, change)
    rewrite(fx, lambda h, d: ({"__metadata__": {"format": "pt"}, **h}, d))
    put_file(fx, "empty.safetensors", struct.pack("<Q", 2) + b"{}")   # the header ends exactly at the end
    assert validate(fx) == []


def test_keras3_spells_reductions_its_own_way(pristine: dict[str, Path], tmp_path: Path) -> None:
    d = Path(shutil.copytree(pristine["keras3"], tmp_path / "keras3"))
    loss = "keras3/t/loss"
    for reduction, ok in ((None, True), ("mean_with_sample_weight", True), ("auto", False)):
        edit(d, lambda m: next(c for c in m["cases"] if c["id"] == loss)["args"].__setitem__("reduction", reduction))
        want = [] if ok else [f"{loss}: args.reduction 'auto' is not spelled as keras3 spells reductions "
                              "(['sum_over_batch_size', 'sum', 'none', None, 'mean', 'mean_with_sample_weight'])"]
        assert validate(d) == want, reduction


# ---- the manifest ---------------------------------------------------------------------------------------------------

def test_manifest_missing(fx: Path) -> None:
    (fx / "manifest.json").unlink()
    problems = validate(fx)
    assert len(problems) == 1 and problems[0].startswith("manifest.json: cannot be read as JSON: ")
    assert "No such file" in problems[0]


@pytest.mark.parametrize("raw, detail", [
    (b'{"format": "cosine-parity/1",', "Expecting"),
    (b'{"format": "cosine-parity/1", "format": "cosine-parity/1"}', "duplicate key 'format'"),
    (b'{"seed": NaN}', "NaN is not JSON (most parsers reject it)"),
    (b'{"seed": Infinity}', "Infinity is not JSON (most parsers reject it)"),
    (b'{"seed": -Infinity}', "-Infinity is not JSON (most parsers reject it)"),
    (b'{"name": "\xff"}', "utf-8"),
])
def test_manifest_not_plain_json(fx: Path, raw: bytes, detail: str) -> None:
    (fx / "manifest.json").write_bytes(raw)
    problems = validate(fx)
    assert len(problems) == 1 and problems[0].startswith("manifest.json: cannot be read as JSON: "), problems
    assert detail in problems[0]


def test_manifest_duplicate_key_deep_inside(fx: Path) -> None:
    text = (fx / "manifest.json").read_text(encoding="utf-8")
    text = text.replace('"group": "special"', '"group": "special", "group": "fuzz"', 1)
    (fx / "manifest.json").write_text(text, encoding="utf-8")
    assert validate(fx) == ["manifest.json: cannot be read as JSON: duplicate key 'group'"]


def test_manifest_not_an_object(fx: Path) -> None:
    (fx / "manifest.json").write_text("[]", encoding="utf-8")
    assert validate(fx) == ["manifest.json: not a JSON object"]


@pytest.mark.parametrize("value, line", [
    ("cosine-parity/2", "manifest: format 'cosine-parity/2' is not 'cosine-parity/1'"),
    (None, "manifest: format None is not 'cosine-parity/1'"),
])
def test_format(fx: Path, value: Any, line: str) -> None:
    edit(fx, lambda m: m.__setitem__("format", value))
    assert validate(fx) == [line]


def test_format_absent(fx: Path) -> None:
    edit(fx, lambda m: m.pop("format"))
    assert validate(fx) == ["manifest: format None is not 'cosine-parity/1'"]


def test_unknown_profile_falls_back_to_the_directory(fx: Path) -> None:
    """The cases are still checked, against the profile the directory is named after."""
    edit(fx, lambda m: (m.__setitem__("profile", "keras4"), case_of(m, "config").__setitem__("group", 1)))
    assert validate(fx) == ["manifest: profile 'keras4' is not one of ['keras2', 'keras3']",
                            "keras2/t/config: group must be a string, got 1"]


def test_unknown_profile_in_an_unknown_directory_skips_the_cases(fx: Path) -> None:
    other = fx.rename(fx.parent / "other")
    edit(other, lambda m: (m.__setitem__("profile", None), case_of(m, "loss").__setitem__("api", "nonsense")))
    assert validate(other) == ["manifest: profile None is not one of ['keras2', 'keras3']"]


def test_profile_must_match_its_directory(fx: Path) -> None:
    other = fx.rename(fx.parent / "other")
    assert validate(other) == ["manifest: profile 'keras2' does not match its directory 'other'"]


def test_profile_of_the_other_generation(fx: Path) -> None:
    """Cases are then checked against the manifest's profile: every id has the wrong prefix."""
    edit(fx, lambda m: m.__setitem__("profile", "keras3"))
    ids = [c["id"] for c in load(fx)["cases"]]
    assert validate(fx) == (["manifest: profile 'keras3' does not match its directory 'keras2'"]
                            + [f"{i}: id {i!r} must be a string starting with 'keras3/'" for i in ids])


@pytest.mark.parametrize("key", README_PROVENANCE)
def test_provenance_key_missing(fx: Path, key: str) -> None:
    edit(fx, lambda m: m["provenance"].pop(key))
    assert validate(fx) == [f"manifest: provenance lacks [{key!r}]"]


def test_provenance_keys_missing_are_all_named(fx: Path) -> None:
    edit(fx, lambda m: m.__setitem__("provenance", {"seed": 1, "keras": "3"}))
    missing = [k for k in README_PROVENANCE if k not in ("seed", "keras")]
    assert validate(fx) == [f"manifest: provenance lacks {missing}"]


@pytest.mark.parametrize("value", [None, ["tensorflow"], "2.21"])
def test_provenance_not_an_object(fx: Path, value: Any) -> None:
    edit(fx, lambda m: m.__setitem__("provenance", value))
    assert validate(fx) == ["manifest: provenance must be an object"]


def test_files_not_an_object(fx: Path) -> None:
    edit(fx, lambda m: m.__setitem__("files", [FILE]))
    ids = [c["id"] for c in load(fx)["cases"]]
    assert validate(fx) == (["manifest: files must be an object mapping file name to sha256",
                             f"{FILE}: array file in the directory but not listed in manifest files"]
                            + [f"{i}: file {FILE!r} is not listed in manifest files" for i in ids])


def test_cases_not_a_list(fx: Path) -> None:
    edit(fx, lambda m: m.__setitem__("cases", {}))
    assert validate(fx) == ["manifest: cases must be a list"] + orphans(*tensor_names(fx))


# ---- files listed in the manifest ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../x.safetensors", "sub/x.safetensors", "sub\\x.safetensors", "x.bin",
                                  ".x.safetensors", "x.safetensors.txt"])
def test_file_names_are_plain(fx: Path, name: str) -> None:
    edit(fx, lambda m: m["files"].__setitem__(name, "0" * 64))
    assert validate(fx) == [f"files: {name!r} is not a plain <name>.safetensors file name"]


def test_traversal_is_not_followed(fx: Path) -> None:
    """A listed ../ file is reported by name and never opened, even when it exists."""
    shutil.copy(fx / FILE, fx.parent / "x.safetensors")
    edit(fx, lambda m: m["files"].__setitem__("../x.safetensors", m["files"][FILE]))
    assert validate(fx) == ["files: '../x.safetensors' is not a plain <name>.safetensors file name"]


@pytest.mark.parametrize("digest", ["upper", 5, None, "short"])
def test_sha256_must_be_lowercase_hex(fx: Path, digest: Any) -> None:
    true = load(fx)["files"][FILE]
    value = {"upper": true.upper(), "short": true[:63]}.get(digest, digest)
    edit(fx, lambda m: m["files"].__setitem__(FILE, value))
    assert validate(fx) == [f"files: {FILE}: {value!r} is not a lowercase sha256 hex digest",
                            f"{FILE}: sha256 {true} differs from the manifest's"]


def test_sha256_mismatch(fx: Path) -> None:
    raw = bytearray((fx / FILE).read_bytes())
    raw[-1] ^= 0x40            # the last data byte: a float's sign/exponent bits, still a valid layout
    (fx / FILE).write_bytes(bytes(raw))
    assert validate(fx) == [f"{FILE}: sha256 {hashlib.sha256(raw).hexdigest()} differs from the manifest's"]


def test_listed_file_missing(fx: Path) -> None:
    edit(fx, lambda m: m["files"].__setitem__("cases-001.safetensors", "0" * 64))
    assert validate(fx) == ["files: cases-001.safetensors is listed but does not exist"]


@pytest.mark.parametrize("name, kind", [("cases-009.safetensors", "array file"), ("notes.txt", "file"),
                                        ("manifest.json.bak", "file")])
def test_unlisted_files(fx: Path, name: str, kind: str) -> None:
    (fx / name).write_bytes((fx / FILE).read_bytes())
    assert validate(fx) == [f"{name}: {kind} in the directory but not listed in manifest files"]


def padded_file(size: int) -> bytes:
    """A valid array file of exactly `size` bytes: no tensors, the header "{}" padded with spaces."""
    return struct.pack("<Q", size - 8) + b"{}" + b" " * (size - 10)


def test_file_size_limit(fx: Path) -> None:
    put_file(fx, "big.safetensors", padded_file(MAX_FILE_BYTES))
    assert validate(fx) == []
    put_file(fx, "big.safetensors", padded_file(MAX_FILE_BYTES + 8))
    assert validate(fx) == [f"big.safetensors: {MAX_FILE_BYTES + 8} bytes, more than the {MAX_FILE_BYTES} an "
                            "array file may hold"]


# ---- array file layout ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, line", [
    (b"", "shorter than the 8-byte header length"),
    (b"\x02\x00\x00\x00\x00\x00\x00", "shorter than the 8-byte header length"),
    (struct.pack("<Q", 3) + b"{}", "header length 3 runs past the end of the file (10 bytes)"),
    (struct.pack("<Q", 2 ** 64 - 1) + b"{}", f"header length {2 ** 64 - 1} runs past the end of the file (10 bytes)"),
    (struct.pack("<Q", 8) + b"[]      ", "header does not start with '{'"),
    (struct.pack("<Q", 8) + b' {}     ', "header does not start with '{'"),
    # a Python json or codec message follows "header is not valid JSON: "; only its start is ours
    (struct.pack("<Q", 8) + b'{"a":1,"a":1}'[:8], "header is not valid JSON: ..."),
    (join(b'{"x":{},"x":{}}', b""), "header is not valid JSON: duplicate key 'x'"),
    (join(b'{"__metadata__":{"a":NaN}}', b""), "header is not valid JSON: NaN is not JSON (most parsers reject it)"),
    (join(b'{"\xff":1}', b""), "header is not valid JSON: ..."),
])
def test_unreadable_headers(fx: Path, raw: bytes, line: str) -> None:
    put_file(fx, "bad.safetensors", raw)
    problems = validate(fx)
    if line.endswith("..."):
        assert len(problems) == 1 and problems[0].startswith(f"bad.safetensors: {line[:-3]}"), problems
        assert len(problems[0]) > len(f"bad.safetensors: {line[:-3]}") + 5, problems
    else:
        assert problems == [f"bad.safetensors: {line}"]


def test_unreadable_header_of_a_case_file_hides_its_references(fx: Path) -> None:
    """One broken header gives one line, not one per dangling reference."""
    put_file(fx, FILE, b"\x00" * 7)
    assert validate(fx) == [f"{FILE}: shorter than the 8-byte header length"]


@pytest.mark.parametrize("meta", [{"a": 1}, ["a"], "a", {"a": None}])
def test_metadata_maps_strings_to_strings(fx: Path, meta: Any) -> None:
    put_file(fx, "bad.safetensors", join({"__metadata__": meta}, b""))
    assert validate(fx) == ["bad.safetensors: __metadata__ must map strings to strings"]


@pytest.mark.parametrize("entry, line", [
    ({"dtype": "F32", "shape": [0], "data_offsets": [0, 0], "extra": 1},
     "entry must have exactly dtype, shape and data_offsets"),
    ({"dtype": "F32", "shape": [0]}, "entry must have exactly dtype, shape and data_offsets"),
    ([0, 0], "entry must have exactly dtype, shape and data_offsets"),
    ({"dtype": "F8", "shape": [0], "data_offsets": [0, 0]},
     "dtype 'F8' is not one of ['BF16', 'BOOL', 'F16', 'F32', 'F64', 'I64']"),
    ({"dtype": "float32", "shape": [0], "data_offsets": [0, 0]},
     "dtype 'float32' is not one of ['BF16', 'BOOL', 'F16', 'F32', 'F64', 'I64']"),
    ({"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}, "shape [-1] is not a list of non-negative integers"),
    ({"dtype": "F32", "shape": [True], "data_offsets": [0, 0]},
     "shape [True] is not a list of non-negative integers"),
    ({"dtype": "F32", "shape": [1.0], "data_offsets": [0, 0]}, "shape [1.0] is not a list of non-negative integers"),
    ({"dtype": "F32", "shape": 0, "data_offsets": [0, 0]}, "shape 0 is not a list of non-negative integers"),
    ({"dtype": "F32", "shape": [0], "data_offsets": [0]},
     "data_offsets [0] is not [start, end] with 0 <= start <= end"),
    ({"dtype": "F32", "shape": [0], "data_offsets": [0, 0, 0]},
     "data_offsets [0, 0, 0] is not [start, end] with 0 <= start <= end"),
    ({"dtype": "F32", "shape": [0], "data_offsets": [4, 0]},
     "data_offsets [4, 0] is not [start, end] with 0 <= start <= end"),
    ({"dtype": "F32", "shape": [0], "data_offsets": [-4, -4]},
     "data_offsets [-4, -4] is not [start, end] with 0 <= start <= end"),
    ({"dtype": "F32", "shape": [0], "data_offsets": [False, False]},
     "data_offsets [False, False] is not [start, end] with 0 <= start <= end"),
    ({"dtype": "F32", "shape": [0], "data_offsets": "0:0"},
     "data_offsets '0:0' is not [start, end] with 0 <= start <= end"),
    # span vs shape: [1] of F32 needs 4 bytes, [2, 3] of F16 12, [] of F64 8, [3] of BOOL 3, [2] of BF16 4
    ({"dtype": "F32", "shape": [1], "data_offsets": [0, 0]}, "data_offsets span 0 bytes but shape [1] of F32 needs 4"),
    ({"dtype": "F16", "shape": [2, 3], "data_offsets": [0, 0]},
     "data_offsets span 0 bytes but shape [2, 3] of F16 needs 12"),
    ({"dtype": "F64", "shape": [], "data_offsets": [0, 0]}, "data_offsets span 0 bytes but shape [] of F64 needs 8"),
    ({"dtype": "BOOL", "shape": [3], "data_offsets": [0, 0]},
     "data_offsets span 0 bytes but shape [3] of BOOL needs 3"),
    ({"dtype": "BF16", "shape": [2], "data_offsets": [0, 0]},
     "data_offsets span 0 bytes but shape [2] of BF16 needs 4"),
    ({"dtype": "I64", "shape": [0, 5], "data_offsets": [0, 8]},
     "data_offsets span 8 bytes but shape [0, 5] of I64 needs 0"),
])
def test_malformed_header_entries(fx: Path, entry: Any, line: str) -> None:
    """An entry that cannot be used is reported once (and, holding no bytes, leaves no coverage problem)."""
    put_file(fx, "bad.safetensors", join({"x": entry}, b""))
    assert validate(fx) == [f"bad.safetensors: tensor 'x': {line}"]


def test_span_vs_shape_in_a_case_file(fx: Path) -> None:
    """The declared shape of a real tensor no longer fits its bytes: reported, and its bytes are then a gap."""
    def change(h: dict[str, Any], d: bytes) -> tuple[dict[str, Any], bytes]:
        h["keras2/t/loss/expected/exact"]["shape"] = [2]
        return h, d
    rewrite(fx, change)
    start, end = split((fx / FILE).read_bytes())[0]["keras2/t/loss/expected/exact"]["data_offsets"]
    problems = validate(fx)
    assert problems[0] == (f"{FILE}: tensor 'keras2/t/loss/expected/exact': data_offsets span 8 bytes but shape [2] "
                           "of F64 needs 16")
    assert problems[1].endswith(f"data_offsets start at {end}, a gap after byte {start}")
    assert problems[2] == ("keras2/t/loss: expected.exact names tensor 'keras2/t/loss/expected/exact', which is not "
                           f"in {FILE}")
    assert len(problems) == 3


@pytest.mark.parametrize("byte, at", [(2, 1), (0xFF, 1), (2, 0)])
def test_bool_bytes(fx: Path, byte: int, at: int) -> None:
    name = "keras2/t/loss/inputs/sample_weight"

    def change(h: dict[str, Any], d: bytes) -> tuple[dict[str, Any], bytes]:
        start = h[name]["data_offsets"][0] + at
        return h, d[:start] + bytes([byte]) + d[start + 1:]
    rewrite(fx, change)
    assert validate(fx) == [f"{FILE}: tensor {name!r}: BOOL bytes other than 0 and 1"]


def test_gap(fx: Path) -> None:
    header, _ = split((fx / FILE).read_bytes())
    last = last_tensor(header)
    start = header[last]["data_offsets"][0]

    def change(h: dict[str, Any], d: bytes) -> tuple[dict[str, Any], bytes]:
        s, e = h[last]["data_offsets"]
        h[last]["data_offsets"] = [s + 4, e + 4]
        return h, d[:s] + b"\0" * 4 + d[s:]
    rewrite(fx, change)
    assert validate(fx) == [f"{FILE}: tensor {last!r}: data_offsets start at {start + 4}, a gap after byte {start}"]


def test_overlap(fx: Path) -> None:
    header, _ = split((fx / FILE).read_bytes())
    last = last_tensor(header)
    start = header[last]["data_offsets"][0]

    def change(h: dict[str, Any], d: bytes) -> tuple[dict[str, Any], bytes]:
        s, e = h[last]["data_offsets"]
        h[last]["data_offsets"] = [s - 1, e - 1]
        return h, d[:-1]
    rewrite(fx, change)
    assert validate(fx) == [f"{FILE}: tensor {last!r}: data_offsets start at {start - 1}, an overlap after byte "
                            f"{start}"]


def test_data_left_over(fx: Path) -> None:
    size = len(split((fx / FILE).read_bytes())[1])
    rewrite(fx, lambda h, d: (h, d + b"\0\0\0"))
    assert validate(fx) == [f"{FILE}: tensors cover {size} bytes of a {size + 3}-byte data area"]


def test_data_cut_short(fx: Path) -> None:
    size = len(split((fx / FILE).read_bytes())[1])
    rewrite(fx, lambda h, d: (h, d[:-1]))
    assert validate(fx) == [f"{FILE}: tensors cover {size} bytes of a {size - 1}-byte data area"]


def test_tiling_of_many_tensors_in_any_header_order(fx: Path) -> None:
    """The header need not list tensors in data order; what matters is that the spans tile the data."""
    rewrite(fx, lambda h, d: (dict(reversed(list(h.items()))), d))
    assert validate(fx) == []


def test_unreferenced_tensor(fx: Path) -> None:
    def change(h: dict[str, Any], d: bytes) -> tuple[dict[str, Any], bytes]:
        h["keras2/t/orphan"] = {"dtype": "F32", "shape": [], "data_offsets": [len(d), len(d) + 4]}
        return h, d + b"\0\0\x80\x3f"
    rewrite(fx, change)
    assert validate(fx) == orphans("keras2/t/orphan")


def test_tensor_referenced_from_another_file_does_not_count(fx: Path) -> None:
    """A reference counts for the case's own file only: the same name in a second file stays unreferenced."""
    raw = (fx / FILE).read_bytes()
    put_file(fx, "cases-001.safetensors", raw)
    names = tensor_names(fx)
    assert validate(fx) == [f"cases-001.safetensors: tensor {n!r} is referenced by no case" for n in sorted(names)]


# ---- cases: identity and header fields ------------------------------------------------------------------------------

def test_case_not_an_object(fx: Path) -> None:
    edit(fx, lambda m: m["cases"].append(["keras2/t/x"]))
    assert validate(fx) == ["cases[8]: not a JSON object"]


def test_a_broken_case_does_not_stop_the_others(fx: Path) -> None:
    """The cases after a non-object are still checked (else all their tensors would look unreferenced)."""
    edit(fx, lambda m: (case_of(m, "config").__setitem__("group", 1), m["cases"].insert(0, 3)))
    assert validate(fx) == ["cases[0]: not a JSON object", "keras2/t/config: group must be a string, got 1"]


@pytest.mark.parametrize("case_id, name", [("keras3/t/function", "keras3/t/function"),
                                           ("keras2-t/function", "keras2-t/function"),
                                           ("t/keras2/function", "t/keras2/function"),
                                           (5, "cases[2]"), (None, "cases[2]")])
def test_id_prefix(fx: Path, case_id: Any, name: str) -> None:
    edit(fx, lambda m: case_of(m, "function").__setitem__("id", case_id))
    assert validate(fx) == [f"{name}: id {case_id!r} must be a string starting with 'keras2/'"]


def test_duplicate_id(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "function").__setitem__("id", "keras2/t/loss"))
    assert validate(fx) == ["keras2/t/loss: duplicate id"]


@pytest.mark.parametrize("key", ["group", "api", "dtype", "file"])
@pytest.mark.parametrize("value", [7, ["x"]])
def test_header_fields_are_strings(fx: Path, key: str, value: Any) -> None:
    edit(fx, lambda m: case_of(m, "config").__setitem__(key, value))
    assert validate(fx) == [f"keras2/t/config: {key} must be a string, got {value!r}"]


def test_header_field_absent(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "config").pop("group"))
    assert validate(fx) == ["keras2/t/config: group must be a string, got None"]


def test_unknown_api(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "loss").__setitem__("api", "losses"))
    assert validate(fx) == ["keras2/t/loss: api 'losses' is not one of "
                            "['loss', 'function', 'metric', 'compute_average_loss', 'config']"]


def test_file_not_listed(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "loss").__setitem__("file", "cases-001.safetensors"))
    loss = load(fx)["cases"][0]
    assert validate(fx) == (["keras2/t/loss: file 'cases-001.safetensors' is not listed in manifest files"]
                            + orphans(*refs_under({k: loss[k] for k in ("inputs", "expected", "gradients")})))


@pytest.mark.parametrize("value", [[1], None, "axis=1"])
def test_args_must_be_an_object(fx: Path, value: Any) -> None:
    edit(fx, lambda m: case_of(m, "function").__setitem__("args", value))
    assert validate(fx) == [f"keras2/t/function: args must be an object, got {value!r}"]


@pytest.mark.parametrize("tags", ["zero-rows", [1], ["a", None], {"a": "b"}])
def test_tags_are_strings(fx: Path, tags: Any) -> None:
    edit(fx, lambda m: case_of(m, "loss").__setitem__("tags", tags))
    assert validate(fx) == ["keras2/t/loss: tags must be a list of strings"]


def test_dangling_reference(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "function")["inputs"].__setitem__("y_true", "keras2/t/nothing"))
    assert validate(fx) == [f"keras2/t/function: inputs.y_true names tensor 'keras2/t/nothing', which is not in {FILE}",
                            *orphans("keras2/t/function/inputs/y_true")]


def test_references_inside_steps_are_checked(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "metric")["steps"][2]["inputs"].__setitem__("y_pred", "keras2/t/nothing"))
    assert validate(fx) == [
        f"keras2/t/metric: steps[2].inputs.y_pred names tensor 'keras2/t/nothing', which is not in {FILE}",
        *orphans("keras2/t/metric/steps/2/inputs/y_pred")]


def test_error_and_config_are_not_references(fx: Path) -> None:
    """Strings under expected.error and expected.config are plain JSON, even when they look like tensor names."""
    def change(m: Manifest) -> None:
        case_of(m, "config")["expected"]["config"]["name"] = "keras2/t/nothing"
        case_of(m, "error")["expected"]["error"]["message"] = "keras2/t/nothing"
    edit(fx, change)
    assert validate(fx) == []


# ---- cases: args -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("axis", ["rows", [], [0, "1"], True, [True], 1.0, None])
def test_args_axis(fx: Path, axis: Any) -> None:
    edit(fx, lambda m: case_of(m, "function")["args"].__setitem__("axis", axis))
    assert validate(fx) == [f"keras2/t/function: args.axis {axis!r} is neither an integer nor a non-empty list of "
                            "integers"]


@pytest.mark.parametrize("axis", [0, -3, [1], [0, -1, 5]])
def test_args_axis_accepted(fx: Path, axis: Any) -> None:
    """The validator checks the form only; whether TF accepts the axis is the case's business (errors group)."""
    edit(fx, lambda m: case_of(m, "function")["args"].__setitem__("axis", axis))
    assert validate(fx) == []


@pytest.mark.parametrize("replicas", [0, -1, "2", True, 1.5])
def test_args_replicas(fx: Path, replicas: Any) -> None:
    edit(fx, lambda m: case_of(m, "average")["args"].__setitem__("replicas", replicas))
    assert validate(fx) == [f"keras2/t/average: args.replicas {replicas!r} is not a positive integer"]


def test_args_replicas_one_is_fine(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "average")["args"].__setitem__("replicas", 1))
    assert validate(fx) == []


@pytest.mark.parametrize("size", ["4", 4.0, True, None])
def test_args_global_batch_size(fx: Path, size: Any) -> None:
    edit(fx, lambda m: case_of(m, "average")["args"].__setitem__("global_batch_size", size))
    assert validate(fx) == [f"keras2/t/average: args.global_batch_size {size!r} is not an integer"]


@pytest.mark.parametrize("target, ok", [("loss", True), ("metric", True), ("model", False), (None, False)])
def test_args_target(fx: Path, target: Any, ok: bool) -> None:
    edit(fx, lambda m: case_of(m, "config")["args"].__setitem__("target", target))
    assert validate(fx) == ([] if ok else [f"keras2/t/config: args.target {target!r} is neither 'loss' nor 'metric'"])


def test_args_target_only_matters_for_config(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "loss")["args"].__setitem__("target", "model"))
    assert validate(fx) == []


@pytest.mark.parametrize("reduction", ["mean", None, "SUM", "sum_over_batch"])
def test_args_reduction_spelled_as_the_profile_spells_it(fx: Path, reduction: Any) -> None:
    edit(fx, lambda m: case_of(m, "loss")["args"].__setitem__("reduction", reduction))
    assert validate(fx) == [f"keras2/t/loss: args.reduction {reduction!r} is not spelled as keras2 spells reductions "
                            "(['auto', 'sum_over_batch_size', 'sum', 'none'])"]


@pytest.mark.parametrize("reduction", ["auto", "sum_over_batch_size", "sum", "none"])
def test_args_reduction_keras2_names(fx: Path, reduction: str) -> None:
    edit(fx, lambda m: case_of(m, "loss")["args"].__setitem__("reduction", reduction))
    assert validate(fx) == []


def test_args_reduction_only_checked_on_loss_values(fx: Path) -> None:
    """An errors case may hold a spelling the profile rejects; a function has no reduction to check."""
    def change(m: Manifest) -> None:
        case_of(m, "error")["args"]["reduction"] = "mean"
        case_of(m, "function")["args"]["reduction"] = "mean"
    edit(fx, change)
    assert validate(fx) == []


# ---- cases: inputs --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix, name", [("scalar-weight", "y_pred"), ("scalar-weight", "y_true"),
                                          ("function", "y_true")])
def test_required_inputs(fx: Path, suffix: str, name: str) -> None:
    edit(fx, lambda m: case_of(m, suffix)["inputs"].pop(name))
    assert validate(fx) == [f"keras2/t/{suffix}: inputs lacks {name}", *orphans(f"keras2/t/{suffix}/inputs/{name}")]


def test_required_input_of_compute_average_loss(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "average")["inputs"].pop("per_example_loss"))
    assert validate(fx) == ["keras2/t/average: inputs lacks per_example_loss",
                            *orphans("keras2/t/average/inputs/per_example_loss")]


@pytest.mark.parametrize("suffix, name, allowed", [
    ("function", "sample_weight", "['y_true', 'y_pred']"),
    ("loss", "per_example_loss", "['y_true', 'y_pred', 'sample_weight'"),   # more loss inputs may follow (mask)
    ("average", "y_true", "['per_example_loss', 'sample_weight']"),
    ("metric", "y_true", "[]"),
    ("config", "sample_weight", "[]"),
])
def test_inputs_not_of_the_api(fx: Path, suffix: str, name: str, allowed: str) -> None:
    api = {"function": "function", "loss": "loss", "average": "compute_average_loss", "metric": "metric",
           "config": "config"}[suffix]
    edit(fx, lambda m: case_of(m, suffix)["inputs"].__setitem__(name, {"scalar": 1.0}))
    line = f"keras2/t/{suffix}: inputs.{name}: not an input of api {api!r} (allowed: {allowed}"
    problems = validate(fx)
    assert len(problems) == 1 and problems[0].startswith(line) and problems[0].endswith("])"), problems


@pytest.mark.parametrize("value", [{"scalar": "2"}, {"scalar": True}, {"scalar": None}, {"scalar": 1, "x": 2}, {}])
def test_inline_inputs_are_scalar_numbers(fx: Path, value: Any) -> None:
    edit(fx, lambda m: case_of(m, "scalar-weight")["inputs"].__setitem__("sample_weight", value))
    assert validate(fx) == [f'keras2/t/scalar-weight: inputs.sample_weight: an inline input must be {{"scalar": '
                            f'<number>}}, got {value!r}']


@pytest.mark.parametrize("value", [{"scalar": 2}, {"scalar": -0.5}, {"scalar": 1e300}])
def test_inline_inputs_accepted(fx: Path, value: Any) -> None:
    edit(fx, lambda m: case_of(m, "scalar-weight")["inputs"].__setitem__("sample_weight", value))
    assert validate(fx) == []


@pytest.mark.parametrize("value", [3, None, True, 2.5])
def test_inputs_are_references_or_scalars(fx: Path, value: Any) -> None:
    edit(fx, lambda m: case_of(m, "scalar-weight")["inputs"].__setitem__("sample_weight", value))
    assert validate(fx) == ['keras2/t/scalar-weight: inputs.sample_weight: must be a tensor reference or '
                            '{"scalar": <number>}']


@pytest.mark.parametrize("value", [[], None, 3])
def test_inputs_must_be_an_object(fx: Path, value: Any) -> None:
    edit(fx, lambda m: case_of(m, "config").__setitem__("inputs", value))
    assert validate(fx) == ["keras2/t/config: inputs must be an object"]


def test_a_string_is_always_a_reference(fx: Path) -> None:
    """README: every string under inputs, expected, gradients or steps is a tensor reference; where an object is
    due, a string is both a dangling reference and the wrong form."""
    def change(m: Manifest) -> None:
        case_of(m, "config")["inputs"] = "y_true"
        case_of(m, "metric")["steps"].append("reset")
    edit(fx, change)
    assert validate(fx) == [f"keras2/t/metric: steps[3] names tensor 'reset', which is not in {FILE}",
                            "keras2/t/metric: steps[3] must be an object",
                            f"keras2/t/config: inputs names tensor 'y_true', which is not in {FILE}",
                            "keras2/t/config: inputs must be an object"]


def test_inputs_may_be_absent_where_none_are_needed(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "config").pop("inputs"))
    assert validate(fx) == []


@pytest.mark.parametrize("suffix, dtype, actual", [("loss", "float64", "float32"), ("function", "float32", "float64"),
                                                   ("error", "bfloat16", "float32"), ("loss", "", "float32")])
def test_dtype_names_y_pred(fx: Path, suffix: str, dtype: str, actual: str) -> None:
    edit(fx, lambda m: case_of(m, suffix).__setitem__("dtype", dtype))
    assert validate(fx) == [f"keras2/t/{suffix}: dtype {dtype!r} differs from y_pred's {actual}"]


def test_dtype_of_cases_without_y_pred_is_free(fx: Path) -> None:
    def change(m: Manifest) -> None:
        case_of(m, "average")["dtype"] = "float64"
        case_of(m, "config")["dtype"] = ""
        case_of(m, "metric")["dtype"] = "bfloat16"
    edit(fx, change)
    assert validate(fx) == []


# ---- cases: expected ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [3, None, [1]])
def test_expected_must_be_an_object(fx: Path, value: Any) -> None:
    edit(fx, lambda m: case_of(m, "config").__setitem__("expected", value))
    assert validate(fx) == ["keras2/t/config: expected must be an object"]


def test_expected_holds_one_kind(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "error")["expected"].__setitem__("config", {}))
    assert validate(fx) == ["keras2/t/error: expected must hold exactly one of value, error, config; it holds "
                            "['error', 'config']",
                            "keras2/t/error: expected.config on a case of api 'loss'"]


def test_expected_holds_nothing(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "config").__setitem__("expected", {}))
    assert validate(fx) == ["keras2/t/config: expected must hold exactly one of value, error, config; it holds []",
                            "keras2/t/config: a config case must expect a config or an error"]


@pytest.mark.parametrize("error", [{"type": "ValueError"}, {"message": "m"}, {"type": 1, "message": "m"},
                                   {"type": "ValueError", "message": None}, "ValueError: m"])
def test_expected_error_form(fx: Path, error: Any) -> None:
    edit(fx, lambda m: case_of(m, "error")["expected"].__setitem__("error", error))
    assert validate(fx) == [f'keras2/t/error: expected.error must be {{"type": str, "message": str}}, got {error!r}']


def test_config_case_may_expect_an_error(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "config").__setitem__("expected", {"error": {"type": "TypeError", "message": "x"}}))
    assert validate(fx) == []


@pytest.mark.parametrize("config", [[1], "x", None])
def test_expected_config_is_an_object(fx: Path, config: Any) -> None:
    edit(fx, lambda m: case_of(m, "config")["expected"].__setitem__("config", config))
    assert validate(fx) == ["keras2/t/config: expected.config must be a JSON object"]


def test_config_case_with_a_value(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "config").__setitem__("expected", {"value": "keras2/t/loss/expected/value"}))
    assert validate(fx) == ["keras2/t/config: a config case must expect a config or an error"]


@pytest.mark.parametrize("key", ["exact", "bound", "gradients"])
def test_references_without_value(fx: Path, key: str) -> None:
    edit(fx, lambda m: case_of(m, "error")["expected"].__setitem__(key, "keras2/t/loss/expected/exact"))
    problems = [f"keras2/t/error: expected.{key} without expected.value"]
    if key == "gradients":
        problems.append("keras2/t/error: expected.gradients without gradients")
    assert validate(fx) == problems


@pytest.mark.parametrize("suffix", ["loss", "function", "metric", "average"])
def test_exact_and_bound_are_required(fx: Path, suffix: str) -> None:
    edit(fx, lambda m: (case_of(m, suffix)["expected"].pop("exact"), case_of(m, suffix)["expected"].pop("bound")))
    assert validate(fx) == [f"keras2/t/{suffix}: expected.exact and expected.bound are missing {REQUIRED_TEXT}",
                            *orphans(f"keras2/t/{suffix}/expected/exact", f"keras2/t/{suffix}/expected/bound")]


@pytest.mark.parametrize("key, other", [("exact", "bound"), ("bound", "exact")])
def test_exact_and_bound_come_together(fx: Path, key: str, other: str) -> None:
    edit(fx, lambda m: case_of(m, "function")["expected"].pop(key))
    assert validate(fx) == [f"keras2/t/function: expected.{key} is missing beside expected.{other}",
                            *orphans(f"keras2/t/function/expected/{key}")]


def test_no_exact_needed_without_an_exact_api(fx: Path) -> None:
    """config is the one api whose cases carry no exact; error outcomes have no value to carry one for."""
    assert "exact" not in case_of(load(fx), "error")["expected"]
    assert validate(fx) == []


@pytest.mark.parametrize("key", ["exact", "bound"])
@pytest.mark.parametrize("code, array", [("F32", np.float32(0.5)), ("F16", np.float16(0.5)), ("I64", np.int64(0))])
def test_exact_and_bound_are_f64(fx: Path, key: str, code: str, array: np.generic) -> None:
    replace_tensor(fx, f"keras2/t/loss/expected/{key}", np.asarray(array), code)
    assert validate(fx) == [f"keras2/t/loss: expected.{key} is {code}, must be F64"]


@pytest.mark.parametrize("key", ["exact", "bound"])
@pytest.mark.parametrize("shape, text", [((1,), "[1]"), ((1, 1), "[1, 1]"), ((0,), "[0]")])
def test_exact_and_bound_have_the_shape_of_value(fx: Path, key: str, shape: tuple[int, ...], text: str) -> None:
    replace_tensor(fx, f"keras2/t/function/expected/{key}", np.full(shape, 0.5), "F64")
    assert validate(fx) == [f"keras2/t/function: expected.{key} has shape {text} but the value it belongs to has []"]


@pytest.mark.parametrize("value", [-1.0, np.nan, -5e-324, -np.inf])
def test_bound_is_not_negative(fx: Path, value: float) -> None:
    replace_tensor(fx, "keras2/t/function/expected/bound", np.array(value), "F64")
    assert validate(fx) == ["keras2/t/function: expected.bound holds a negative or NaN element (a bound is >= 0 or "
                            "inf)"]


@pytest.mark.parametrize("value", [0.0, -0.0, np.inf, 5e-324])
def test_bound_may_be_zero_or_inf(fx: Path, value: float) -> None:
    replace_tensor(fx, "keras2/t/function/expected/bound", np.array(value), "F64")
    assert validate(fx) == []


def test_exact_may_be_anything(fx: Path) -> None:
    replace_tensor(fx, "keras2/t/function/expected/exact", np.array(np.nan), "F64")
    replace_tensor(fx, "keras2/t/loss/expected/exact", np.array(-np.inf), "F64")
    assert validate(fx) == []


# ---- cases: gradients -----------------------------------------------------------------------------------------------

GRAD_REF = {"exact": "keras2/t/loss/expected/gradients/y_pred/exact",
            "bound": "keras2/t/loss/expected/gradients/y_pred/bound"}


def test_gradients_on_a_metric(fx: Path) -> None:
    def change(m: Manifest) -> None:
        metric = case_of(m, "metric")
        metric["gradients"] = {"y_pred": "keras2/t/metric/steps/0/inputs/y_pred"}
        metric["expected"]["gradients"] = {"y_pred": GRAD_REF}
    edit(fx, change)
    assert validate(fx) == ["keras2/t/metric: gradients are only recorded for loss and function cases with a value",
                            "keras2/t/metric: gradients.y_pred: inputs.y_pred is not a tensor",
                            "keras2/t/metric: expected.gradients.y_pred.exact has shape [2, 2] but the value it "
                            "belongs to has [1, 2]",
                            "keras2/t/metric: expected.gradients.y_pred.bound has shape [2, 2] but the value it "
                            "belongs to has [1, 2]"]


def test_gradients_on_an_error(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "error").__setitem__("gradients", {"y_pred": "keras2/t/error/inputs/y_pred"}))
    assert validate(fx) == ["keras2/t/error: gradients are only recorded for loss and function cases with a value",
                            "keras2/t/error: expected.gradients.y_pred.exact and expected.gradients.y_pred.bound are "
                            f"missing {REQUIRED_TEXT}"]


def test_gradients_must_be_an_object(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "loss").__setitem__("gradients", list(case_of(m, "loss")["gradients"].values())))
    assert validate(fx) == ["keras2/t/loss: gradients must be an object"]


@pytest.mark.parametrize("name", ["sample_weight", "per_example_loss", "y"])
def test_gradient_names(fx: Path, name: str) -> None:
    def change(m: Manifest) -> None:
        case_of(m, "loss")["gradients"][name] = "keras2/t/loss/gradients/y_pred"
        case_of(m, "loss")["expected"]["gradients"][name] = GRAD_REF
    edit(fx, change)
    assert validate(fx) == [f"keras2/t/loss: gradients.{name}: only y_pred and y_true have gradients"]


def test_gradient_of_an_inline_input(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "loss")["inputs"].__setitem__("y_true", {"scalar": 1.0}))
    assert validate(fx) == ["keras2/t/loss: gradients.y_true: inputs.y_true is not a tensor",
                            *orphans("keras2/t/loss/inputs/y_true")]


@pytest.mark.parametrize("name, shape, text", [("y_pred", (4,), "[4]"), ("y_true", (2, 2, 1), "[2, 2, 1]"),
                                               ("y_pred", (), "[]")])
def test_gradient_shape(fx: Path, name: str, shape: tuple[int, ...], text: str) -> None:
    replace_tensor(fx, f"keras2/t/loss/gradients/{name}", np.zeros(shape, np.float32), "F32")
    assert validate(fx) == [
        f"keras2/t/loss: gradients.{name} has shape {text} but inputs.{name} has [2, 2]",
        f"keras2/t/loss: expected.gradients.{name}.exact has shape [2, 2] but the value it belongs to has {text}",
        f"keras2/t/loss: expected.gradients.{name}.bound has shape [2, 2] but the value it belongs to has {text}"]


@pytest.mark.parametrize("name", ["y_pred", "y_true"])
def test_every_gradient_has_exact_and_bound(fx: Path, name: str) -> None:
    edit(fx, lambda m: case_of(m, "loss")["expected"]["gradients"].pop(name))
    p = f"keras2/t/loss/expected/gradients/{name}"
    assert validate(fx) == [f"keras2/t/loss: expected.gradients.{name}.exact and expected.gradients.{name}.bound are "
                            f"missing {REQUIRED_TEXT}", *orphans(f"{p}/bound", f"{p}/exact")]


def test_gradient_exact_of_the_wrong_dtype(fx: Path) -> None:
    replace_tensor(fx, "keras2/t/loss/expected/gradients/y_true/exact", np.zeros((2, 2), np.float32), "F32")
    assert validate(fx) == ["keras2/t/loss: expected.gradients.y_true.exact is F32, must be F64"]


def test_gradient_bound_negative(fx: Path) -> None:
    replace_tensor(fx, "keras2/t/loss/expected/gradients/y_pred/bound", np.array([[0, 0], [0, -1.0]]), "F64")
    assert validate(fx) == ["keras2/t/loss: expected.gradients.y_pred.bound holds a negative or NaN element (a bound "
                            "is >= 0 or inf)"]


def test_gradient_references_without_gradients(fx: Path) -> None:
    refs = case_of(load(fx), "loss")["gradients"]
    edit(fx, lambda m: case_of(m, "loss").pop("gradients"))
    assert validate(fx) == ["keras2/t/loss: expected.gradients without gradients", *orphans(*refs.values())]


def test_gradient_reference_without_its_gradient(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "loss")["gradients"].pop("y_true"))
    assert validate(fx) == ["keras2/t/loss: expected.gradients.y_true has no gradients.y_true to belong to",
                            *orphans("keras2/t/loss/gradients/y_true")]


@pytest.mark.parametrize("value", [[1], None, 3])
def test_gradient_references_are_an_object(fx: Path, value: Any) -> None:
    old = refs_under(case_of(load(fx), "loss")["expected"]["gradients"])
    edit(fx, lambda m: case_of(m, "loss")["expected"].__setitem__("gradients", value))
    assert validate(fx) == ["keras2/t/loss: expected.gradients must be an object", *orphans(*old)]


@pytest.mark.parametrize("value", [[1], 3, None])
def test_gradient_reference_is_an_object(fx: Path, value: Any) -> None:
    old = refs_under(case_of(load(fx), "loss")["expected"]["gradients"]["y_pred"])
    edit(fx, lambda m: case_of(m, "loss")["expected"]["gradients"].__setitem__("y_pred", value))
    assert validate(fx) == ["keras2/t/loss: expected.gradients.y_pred must be an object {exact, bound}",
                            *orphans(*old)]


# ---- cases: metric steps --------------------------------------------------------------------------------------------

def test_steps_only_on_metrics(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "loss").__setitem__("steps", []))
    assert validate(fx) == ["keras2/t/loss: steps on a case of api 'loss'"]


@pytest.mark.parametrize("steps", [None, [], {"reset": True}])
def test_metric_needs_steps(fx: Path, steps: Any) -> None:
    old = case_of(load(fx), "metric-error")["steps"]
    edit(fx, lambda m: case_of(m, "metric-error").__setitem__("steps", steps))
    assert validate(fx) == ["keras2/t/metric-error: a metric case needs a non-empty steps list",
                            *orphans(*refs_under(old))]


def test_metric_steps_absent(fx: Path) -> None:
    old = case_of(load(fx), "metric-error")["steps"]
    edit(fx, lambda m: case_of(m, "metric-error").pop("steps"))
    assert validate(fx) == ["keras2/t/metric-error: a metric case needs a non-empty steps list",
                            *orphans(*refs_under(old))]


@pytest.mark.parametrize("step", [3, None, [True]])
def test_step_must_be_an_object(fx: Path, step: Any) -> None:
    edit(fx, lambda m: case_of(m, "metric")["steps"].append(step))
    assert validate(fx) == ["keras2/t/metric: steps[3] must be an object"]


@pytest.mark.parametrize("step", [{"reset": False}, {"reset": 1}, {"reset": 1.0},
                                  {"reset": True, "value": "keras2/t/loss/expected/value"}])
def test_reset_step_form(fx: Path, step: dict[str, Any]) -> None:
    edit(fx, lambda m: case_of(m, "metric")["steps"].__setitem__(1, step))
    assert validate(fx) == [f'keras2/t/metric: steps[1]: a reset step is exactly {{"reset": true}}, got {step!r}']


def test_step_inputs_required(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "metric")["steps"][0]["inputs"].pop("y_true"))
    assert validate(fx) == ["keras2/t/metric: steps[0].inputs lacks y_true",
                            *orphans("keras2/t/metric/steps/0/inputs/y_true")]


def test_step_inputs_of_the_metric_only(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "metric")["steps"][0]["inputs"].__setitem__("per_example_loss", {"scalar": 1}))
    assert validate(fx) == ["keras2/t/metric: steps[0].inputs.per_example_loss: not an input of api 'metric' "
                            "(allowed: ['y_true', 'y_pred', 'sample_weight'])"]


def test_step_inputs_must_be_an_object(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "metric")["steps"][2].__setitem__("inputs", None))
    old = refs_under(case_of(load(fx), "metric")["steps"][2])
    assert "keras2/t/metric/steps/2/value" in old
    assert validate(fx) == ["keras2/t/metric: steps[2].inputs must be an object",
                            *orphans("keras2/t/metric/steps/2/inputs/y_true", "keras2/t/metric/steps/2/inputs/y_pred")]


def test_step_values_needed_only_with_a_result(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "metric")["steps"][2].pop("value"))
    assert validate(fx) == ["keras2/t/metric: steps[2] has no value", *orphans("keras2/t/metric/steps/2/value")]


# ---- many problems at once -------------------------------------------------------------------------------------------

def test_every_problem_is_reported_not_only_the_first(fx: Path) -> None:
    def change(m: Manifest) -> None:
        m["format"] = "x"
        case_of(m, "loss")["args"]["axis"] = "rows"
        case_of(m, "config")["group"] = 1
    edit(fx, change)
    assert validate(fx) == ["manifest: format 'x' is not 'cosine-parity/1'",
                            "keras2/t/loss: args.axis 'rows' is neither an integer nor a non-empty list of integers",
                            "keras2/t/config: group must be a string, got 1"]


def test_every_step_value_has_exact_and_bound(fx: Path) -> None:
    edit(fx, lambda m: (case_of(m, "metric")["steps"][0].pop("exact"), case_of(m, "metric")["steps"][0].pop("bound")))
    assert validate(fx) == [f"keras2/t/metric: steps[0].exact and steps[0].bound are missing {REQUIRED_TEXT}",
                            *orphans("keras2/t/metric/steps/0/bound", "keras2/t/metric/steps/0/exact")]


def test_step_bound_beside_exact(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "metric")["steps"][2].pop("bound"))
    assert validate(fx) == ["keras2/t/metric: steps[2].bound is missing beside steps[2].exact",
                            *orphans("keras2/t/metric/steps/2/bound")]


def test_step_bound_negative(fx: Path) -> None:
    replace_tensor(fx, "keras2/t/metric/steps/2/bound", np.array(-0.5), "F64")
    assert validate(fx) == ["keras2/t/metric: steps[2].bound holds a negative or NaN element (a bound is >= 0 or inf)"]


# ---- cases: masks --------------------------------------------------------------------------------------------------

def add_mask(directory: Path, mask: np.ndarray, code: str, **args: Any) -> None:
    """Gives the scalar-weight loss case inputs.mask, a new tensor at the end of the array file."""
    def change(h: dict[str, Any], d: bytes) -> tuple[dict[str, Any], bytes]:
        raw = mask.tobytes()
        h["keras2/t/scalar-weight/inputs/mask"] = {"dtype": code, "shape": list(mask.shape),
                                                   "data_offsets": [len(d), len(d) + len(raw)]}
        return h, d + raw
    rewrite(directory, change)

    def refer(m: Manifest) -> None:
        case_of(m, "scalar-weight")["inputs"]["mask"] = "keras2/t/scalar-weight/inputs/mask"
        case_of(m, "scalar-weight")["args"].update(args)
    edit(directory, refer)


def test_mask_accepted(fx: Path) -> None:
    add_mask(fx, np.array([True]), "BOOL")
    assert validate(fx) == []


def test_mask_must_be_bool(fx: Path) -> None:
    add_mask(fx, np.array([1.0], np.float32), "F32")
    assert validate(fx) == ["keras2/t/scalar-weight: inputs.mask is F32, must be BOOL (a Keras mask is a boolean "
                            "tensor)"]


def test_mask_not_inline(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "scalar-weight")["inputs"].__setitem__("mask", {"scalar": 1}))
    assert validate(fx) == ["keras2/t/scalar-weight: inputs.mask: must be a tensor reference to a BOOL tensor, not an "
                            "inline number"]


def test_mask_needs_tensor_inputs(fx: Path) -> None:
    add_mask(fx, np.array([True]), "BOOL", input_kind="numpy")
    assert validate(fx) == ['keras2/t/scalar-weight: inputs.mask with args.input_kind "numpy": a numpy y_pred cannot '
                            'carry a Keras mask']


def test_mask_only_on_loss(fx: Path) -> None:
    edit(fx, lambda m: case_of(m, "function")["inputs"].__setitem__("mask", "keras2/t/function/inputs/y_true"))
    assert validate(fx) == ["keras2/t/function: inputs.mask: not an input of api 'function' (allowed: "
                            "['y_true', 'y_pred'])"]


# ---- one problem does not hide the next ----------------------------------------------------------------------------

def test_config_target_defaults_to_loss(fx: Path) -> None:
    """README: target is "loss" or "metric"; absent, a config case built the loss."""
    edit(fx, lambda m: case_of(m, "config")["args"].pop("target"))
    assert validate(fx) == []


@pytest.mark.parametrize("value", [[], 3])
def test_loss_inputs_must_be_an_object(fx: Path, value: Any) -> None:
    old = case_of(load(fx), "loss")["inputs"]
    edit(fx, lambda m: case_of(m, "loss").__setitem__("inputs", value))
    assert validate(fx) == ["keras2/t/loss: inputs must be an object",
                            "keras2/t/loss: gradients.y_pred: inputs.y_pred is not a tensor",
                            "keras2/t/loss: gradients.y_true: inputs.y_true is not a tensor",
                            *orphans(*old.values())]


def test_a_dangling_exact_does_not_hide_the_bound(fx: Path) -> None:
    replace_tensor(fx, "keras2/t/function/expected/bound", np.array(0.5, np.float32), "F32")
    edit(fx, lambda m: case_of(m, "function")["expected"].__setitem__("exact", "keras2/t/nothing"))
    assert validate(fx) == [
        f"keras2/t/function: expected.exact names tensor 'keras2/t/nothing', which is not in {FILE}",
        "keras2/t/function: expected.bound is F32, must be F64", *orphans("keras2/t/function/expected/exact")]


def test_a_bad_gradient_name_does_not_hide_the_next_gradient(fx: Path) -> None:
    replace_tensor(fx, "keras2/t/loss/gradients/y_pred", np.zeros(4, np.float32), "F32")

    def change(m: Manifest) -> None:
        loss = case_of(m, "loss")
        loss["gradients"] = {"sample_weight": loss["gradients"]["y_true"], **loss["gradients"]}
        loss["expected"]["gradients"] = {"sample_weight": loss["expected"]["gradients"]["y_true"],
                                         **loss["expected"]["gradients"]}
    edit(fx, change)
    assert validate(fx) == [
        "keras2/t/loss: gradients.sample_weight: only y_pred and y_true have gradients",
        "keras2/t/loss: gradients.y_pred has shape [4] but inputs.y_pred has [2, 2]",
        "keras2/t/loss: expected.gradients.y_pred.exact has shape [2, 2] but the value it belongs to has [4]",
        "keras2/t/loss: expected.gradients.y_pred.bound has shape [2, 2] but the value it belongs to has [4]"]


def test_an_inline_input_does_not_hide_the_next_gradient(fx: Path) -> None:
    replace_tensor(fx, "keras2/t/loss/gradients/y_true", np.zeros(4, np.float32), "F32")
    edit(fx, lambda m: case_of(m, "loss")["inputs"].__setitem__("y_pred", {"scalar": 1.0}))
    assert validate(fx) == [
        "keras2/t/loss: gradients.y_pred: inputs.y_pred is not a tensor",
        "keras2/t/loss: gradients.y_true has shape [4] but inputs.y_true has [2, 2]",
        "keras2/t/loss: expected.gradients.y_true.exact has shape [2, 2] but the value it belongs to has [4]",
        "keras2/t/loss: expected.gradients.y_true.bound has shape [2, 2] but the value it belongs to has [4]",
        *orphans("keras2/t/loss/inputs/y_pred")]


def test_function_gradients_are_allowed(fx: Path) -> None:
    assert "gradients" in case_of(load(fx), "function")
    assert validate(fx) == []


def test_step_exact_has_the_shape_of_the_step_value(fx: Path) -> None:
    replace_tensor(fx, "keras2/t/metric/steps/2/exact", np.zeros(1), "F64")
    assert validate(fx) == ["keras2/t/metric: steps[2].exact has shape [1] but the value it belongs to has []"]


def test_a_header_of_length_zero(fx: Path) -> None:
    """8 bytes are enough to hold the header length; a zero-length header then does not start with '{'."""
    put_file(fx, "bad.safetensors", struct.pack("<Q", 0))
    assert validate(fx) == ["bad.safetensors: header does not start with '{'"]


def test_a_negative_bound_at_the_very_end_of_the_data(fx: Path) -> None:
    replace_tensor(fx, "keras2/t/function/expected/bound", np.array(-1.0), "F64", last=True)
    assert last_tensor(split((fx / FILE).read_bytes())[0]) == "keras2/t/function/expected/bound"
    assert validate(fx) == ["keras2/t/function: expected.bound holds a negative or NaN element (a bound is >= 0 or "
                            "inf)"]


def test_an_f64_tensor_cut_short(fx: Path) -> None:
    """The last tensor, an F64 bound, runs one byte past the data: a coverage problem, and no crash reading it."""
    replace_tensor(fx, "keras2/t/function/expected/bound", np.array(1.0), "F64", last=True)
    size = len(split((fx / FILE).read_bytes())[1])
    rewrite(fx, lambda h, d: (h, d[:-1]))
    assert validate(fx) == [f"{FILE}: tensors cover {size} bytes of a {size - 1}-byte data area"]


@pytest.mark.parametrize("bad", ["../x.safetensors", "missing.safetensors"])
def test_a_bad_file_entry_does_not_stop_the_others(fx: Path, bad: str) -> None:
    """Files listed after a bad entry are still checked (here: a sha256 that does not match)."""
    raw = (fx / FILE).read_bytes()

    def change(m: Manifest) -> None:
        m["files"] = {bad: "0" * 64, FILE: "0" * 64}
    edit(fx, change)
    first = (f"files: {bad!r} is not a plain <name>.safetensors file name" if "/" in bad
             else f"files: {bad} is listed but does not exist")
    assert validate(fx) == [first, f"{FILE}: sha256 {hashlib.sha256(raw).hexdigest()} differs from the manifest's"]

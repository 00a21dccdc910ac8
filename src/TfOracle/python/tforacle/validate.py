"""Checks one profile directory of fixtures against the contract `cosine-parity/1` (see fixtures/README.md).

`validate` never stops at the first problem: it returns every violation it can find as a readable line naming
the file or case, so one run of the test suite shows everything a recording got wrong.
"""
from __future__ import annotations

import hashlib
import json
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .case import APIS
from .oracle import EXACT_APIS
from .profiles import PROFILES
from .store import FORMAT, MAX_FILE_BYTES
from .tensors import BY_CODE, element_count

PROVENANCE_KEYS = ("tensorflow", "keras", "tf_keras", "numpy", "python", "platform", "recorder", "seed",
                   "determinism")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
REF_ROOTS = ("inputs", "expected", "gradients", "steps")
NOT_REFS = ("error", "config")          # expected.error / expected.config hold plain JSON, never references


@dataclass(frozen=True)
class TensorInfo:
    dtype: str                # safetensors code, e.g. "F32"
    shape: tuple[int, ...]
    non_negative: bool = True  # F64 only: no element is negative or NaN (what a bound must be)


class DuplicateKey(ValueError):
    pass


def _strict_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON object hook: a repeated key is ambiguous (readers in other languages keep the first or the last)."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKey(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (most parsers reject it)")


def parse_json(raw: bytes) -> Any:
    """Standard JSON only: UTF-8, no NaN/Infinity, no repeated keys."""
    return json.loads(raw.decode("utf-8"), object_pairs_hook=_strict_object, parse_constant=_no_constant)


def is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def shape_text(shape: tuple[int, ...]) -> str:
    return str(list(shape))


# ---- array files --------------------------------------------------------------------------------------------

def _tensor_entry(name: str, info: Any) -> tuple[TensorInfo, int, int] | str:
    """One header entry as (info, start, end), or the reason it is malformed."""
    if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
        return f"tensor {name!r}: entry must have exactly dtype, shape and data_offsets"
    dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if dtype not in BY_CODE:
        return f"tensor {name!r}: dtype {dtype!r} is not one of {sorted(BY_CODE)}"
    if not isinstance(shape, list) or not all(is_int(d) and d >= 0 for d in shape):
        return f"tensor {name!r}: shape {shape!r} is not a list of non-negative integers"
    if (not isinstance(offsets, list) or len(offsets) != 2 or not all(is_int(o) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1]):
        return f"tensor {name!r}: data_offsets {offsets!r} is not [start, end] with 0 <= start <= end"
    size = element_count(shape) * BY_CODE[dtype].numpy.itemsize
    if offsets[1] - offsets[0] != size:
        return (f"tensor {name!r}: data_offsets span {offsets[1] - offsets[0]} bytes but shape {shape} of "
                f"{dtype} needs {size}")
    return TensorInfo(dtype, tuple(shape)), offsets[0], offsets[1]


def parse_safetensors(data: bytes) -> tuple[dict[str, TensorInfo] | None, list[str]]:
    """The tensors a safetensors file declares (None if its header cannot be read at all), and every way its
    layout departs from the standard."""
    if len(data) < 8:
        return None, ["shorter than the 8-byte header length"]
    (n,) = struct.unpack_from("<Q", data)
    if n > len(data) - 8:
        return None, [f"header length {n} runs past the end of the file ({len(data)} bytes)"]
    raw = data[8:8 + n]
    if not raw.startswith(b"{"):
        return None, ["header does not start with '{'"]
    try:
        header = parse_json(raw)
    except ValueError as exc:
        return None, [f"header is not valid JSON: {exc}"]
    if not isinstance(header, dict):
        return None, ["header is not a JSON object"]
    problems: list[str] = []
    meta = header.pop("__metadata__", {})
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        problems.append("__metadata__ must map strings to strings")
    tensors: dict[str, TensorInfo] = {}
    spans: list[tuple[int, int, str]] = []
    for name, info in header.items():
        entry = _tensor_entry(name, info)
        if isinstance(entry, str):
            problems.append(entry)
            continue
        tensors[name], start, end = entry
        spans.append((start, end, name))
        if entry[0].dtype == "F64" and end <= len(data) - 8 - n:
            values = np.frombuffer(data[8 + n + start:8 + n + end], dtype="<f8")
            tensors[name] = TensorInfo("F64", entry[0].shape, bool(np.all(values >= 0)))
        if entry[0].dtype == "BOOL" and not set(data[8 + n + start:8 + n + end]) <= {0, 1}:
            problems.append(f"tensor {name!r}: BOOL bytes other than 0 and 1")
    problems += _coverage_problems(sorted(spans), len(data) - 8 - n)
    return tensors, problems


def _coverage_problems(spans: list[tuple[int, int, str]], data_size: int) -> list[str]:
    """Tensors must tile the data area: no gap, no overlap, nothing past its end, nothing left over."""
    problems = []
    cursor = 0
    for start, end, name in spans:
        if start != cursor:
            kind = "a gap" if start > cursor else "an overlap"
            problems.append(f"tensor {name!r}: data_offsets start at {start}, {kind} after byte {cursor}")
        cursor = max(cursor, end)
    if cursor != data_size:
        problems.append(f"tensors cover {cursor} bytes of a {data_size}-byte data area")
    return problems


def _check_files(directory: Path, files: dict[str, Any], problems: list[str]) -> dict[str, dict[str, TensorInfo]]:
    """Checks every listed array file; returns the tensors of those whose header could be read (references into
    the others are not checked: one broken header would otherwise drown the report in dangling references)."""
    tensors: dict[str, dict[str, TensorInfo]] = {}
    for name, digest in files.items():
        if "/" in name or "\\" in name or not name.endswith(".safetensors") or name.startswith("."):
            problems.append(f"files: {name!r} is not a plain <name>.safetensors file name")
            continue
        if not isinstance(digest, str) or not SHA256_HEX.fullmatch(digest):
            problems.append(f"files: {name}: {digest!r} is not a lowercase sha256 hex digest")
        path = directory / name
        if not path.is_file():
            problems.append(f"files: {name} is listed but does not exist")
            continue
        data = path.read_bytes()
        if len(data) > MAX_FILE_BYTES:
            problems.append(f"{name}: {len(data)} bytes, more than the {MAX_FILE_BYTES} an array file may hold")
        if hashlib.sha256(data).hexdigest() != digest:
            problems.append(f"{name}: sha256 {hashlib.sha256(data).hexdigest()} differs from the manifest's")
        found, layout = parse_safetensors(data)
        problems += [f"{name}: {p}" for p in layout]
        if found is not None:
            tensors[name] = found
    for path in sorted(directory.iterdir()):
        if path.name != "manifest.json" and path.name not in files:
            kind = "array file" if path.suffix == ".safetensors" else "file"
            problems.append(f"{path.name}: {kind} in the directory but not listed in manifest files")
    return tensors


# ---- cases --------------------------------------------------------------------------------------------------

def reference_strings(case: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, string) for every tensor reference of a case, by the README's rule: every string under inputs,
    expected, gradients and steps, except under expected.error, expected.config and {"scalar": x}."""
    def walk(node: Any, where: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, str):
            yield where, node
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{where}[{i}]")
        elif isinstance(node, dict):
            if set(node) == {"scalar"}:     # an inline number, checked by CaseCheck.check_inputs
                return
            for k, v in node.items():
                if not (where == "expected" and k in NOT_REFS):
                    yield from walk(v, f"{where}.{k}")
    for root in REF_ROOTS:
        if root in case:
            yield from walk(case[root], root)


@dataclass
class CaseCheck:
    """Checks one case; `tensors` is None when its file could not be read (already reported)."""
    case: dict[str, Any]
    name: str
    profile: str
    tensors: dict[str, TensorInfo] | None
    problems: list[str]
    referenced: set[str] = field(default_factory=set)

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.name}: {message}")

    def info(self, ref: Any) -> TensorInfo | None:
        """The tensor a reference names (dangling references were reported by `check_references`)."""
        if self.tensors is None or not isinstance(ref, str):
            return None
        return self.tensors.get(ref)

    def check_references(self) -> None:
        if self.tensors is None:
            return
        for where, ref in reference_strings(self.case):
            if ref in self.tensors:
                self.referenced.add(ref)
            else:
                self.fail(f"{where} names tensor {ref!r}, which is not in {self.case.get('file')}")

    def check_header_fields(self, files: dict[str, Any]) -> None:
        c = self.case
        for key in ("group", "api", "dtype", "file"):
            if not isinstance(c.get(key), str):
                self.fail(f"{key} must be a string, got {c.get(key)!r}")
        if isinstance(c.get("api"), str) and c["api"] not in APIS:
            self.fail(f"api {c['api']!r} is not one of {list(APIS)}")
        if isinstance(c.get("file"), str) and c["file"] not in files:
            self.fail(f"file {c['file']!r} is not listed in manifest files")
        if not isinstance(c.get("args"), dict):
            self.fail(f"args must be an object, got {c.get('args')!r}")
        tags = c.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.fail("tags must be a list of strings")

    def check_args(self) -> None:
        args, api = self.case["args"], self.case.get("api")
        axis = args.get("axis", -1)
        if not (is_int(axis) or (isinstance(axis, list) and axis and all(is_int(a) for a in axis))):
            self.fail(f"args.axis {axis!r} is neither an integer nor a non-empty list of integers")
        if "replicas" in args and not (is_int(args["replicas"]) and args["replicas"] >= 1):
            self.fail(f"args.replicas {args['replicas']!r} is not a positive integer")
        if "global_batch_size" in args and not is_int(args["global_batch_size"]):
            self.fail(f"args.global_batch_size {args['global_batch_size']!r} is not an integer")
        if api == "config" and args.get("target", "loss") not in ("loss", "metric"):
            self.fail(f"args.target {args['target']!r} is neither 'loss' nor 'metric'")
        reductions = PROFILES[self.profile].reductions
        if api == "loss" and "value" in self.expected and args.get("reduction", reductions[0]) not in reductions:
            self.fail(f"args.reduction {args['reduction']!r} is not spelled as {self.profile} spells reductions "
                      f"({list(reductions)})")

    @property
    def expected(self) -> dict[str, Any]:
        e = self.case.get("expected")
        return e if isinstance(e, dict) else {}

    def check_inputs(self, inputs: Any, where: str, required: tuple[str, ...], allowed: tuple[str, ...]) -> None:
        if not isinstance(inputs, dict):
            self.fail(f"{where} must be an object")
            return
        for name in required:
            if name not in inputs:
                self.fail(f"{where} lacks {name}")
        for name, value in inputs.items():
            if name not in allowed:
                self.fail(f"{where}.{name}: not an input of api {self.case.get('api')!r} (allowed: {list(allowed)})")
            if isinstance(value, dict):
                if set(value) != {"scalar"} or not is_number(value["scalar"]):
                    self.fail(f'{where}.{name}: an inline input must be {{"scalar": <number>}}, got {value!r}')
            elif not isinstance(value, str):
                self.fail(f"{where}.{name}: must be a tensor reference or {{\"scalar\": <number>}}")

    def check_inputs_for_api(self) -> None:
        api, inputs = self.case.get("api"), self.case.get("inputs", {})
        if api in ("loss", "function"):
            allowed = ("y_true", "y_pred", "sample_weight", "mask") if api == "loss" else ("y_true", "y_pred")
            self.check_inputs(inputs, "inputs", ("y_true", "y_pred"), allowed)
            y_pred = self.info(inputs.get("y_pred") if isinstance(inputs, dict) else None)
            if y_pred is not None and BY_CODE[y_pred.dtype].name != self.case.get("dtype"):
                self.fail(f"dtype {self.case.get('dtype')!r} differs from y_pred's {BY_CODE[y_pred.dtype].name}")
            if api == "loss" and isinstance(inputs, dict) and "mask" in inputs:
                self.check_mask(inputs["mask"])
        elif api == "compute_average_loss":
            self.check_inputs(inputs, "inputs", ("per_example_loss",), ("per_example_loss", "sample_weight"))
        elif api in ("metric", "config"):
            self.check_inputs(inputs, "inputs", (), ())

    def check_mask(self, ref: Any) -> None:
        """inputs.mask: a BOOL tensor (the Keras mask attached to y_pred), only with tensor inputs."""
        if not isinstance(ref, str):
            self.fail("inputs.mask: must be a tensor reference to a BOOL tensor, not an inline number")
            return
        mask = self.info(ref)
        if mask is not None and mask.dtype != "BOOL":
            self.fail(f"inputs.mask is {mask.dtype}, must be BOOL (a Keras mask is a boolean tensor)")
        args = self.case.get("args")
        if isinstance(args, dict) and args.get("input_kind") == "numpy":
            self.fail('inputs.mask with args.input_kind "numpy": a numpy y_pred cannot carry a Keras mask')

    def check_expected(self) -> None:
        e = self.case.get("expected")
        if not isinstance(e, dict):
            self.fail("expected must be an object")
            return
        kinds = [k for k in ("value", "error", "config") if k in e]
        if len(kinds) != 1:
            self.fail(f"expected must hold exactly one of value, error, config; it holds {kinds}")
        api = self.case.get("api")
        if "error" in e:
            err = e["error"]
            if not (isinstance(err, dict) and isinstance(err.get("type"), str) and isinstance(err.get("message"), str)):
                self.fail(f"expected.error must be {{\"type\": str, \"message\": str}}, got {err!r}")
        if "config" in e:
            if api != "config":
                self.fail(f"expected.config on a case of api {api!r}")
            if not isinstance(e["config"], dict):
                self.fail("expected.config must be a JSON object")
        elif api == "config" and "error" not in e:
            self.fail("a config case must expect a config or an error")
        for key in ("exact", "bound", "gradients"):
            if key in e and "value" not in e:
                self.fail(f"expected.{key} without expected.value")
        if "value" in e:
            self.check_reference(e, "expected", e["value"], self.case.get("api") in EXACT_APIS)

    def check_reference(self, obj: dict[str, Any], where: str, of: Any, required: bool) -> None:
        """`exact` and `bound` beside a TF output `of`: both or neither (required: both), F64, of's shape, and
        the bound non-negative (never NaN)."""
        present = [k for k in ("exact", "bound") if k in obj]
        if not present:
            if required:
                self.fail(f"{where}.exact and {where}.bound are missing (required for every "
                          f"{sorted(EXACT_APIS)} value, gradient and metric step)")
            return
        for key in {"exact", "bound"} - set(present):
            self.fail(f"{where}.{key} is missing beside {where}.{present[0]}")
        value = self.info(of)
        for key in present:
            info = self.info(obj[key])
            if info is None:
                continue
            if info.dtype != "F64":
                self.fail(f"{where}.{key} is {info.dtype}, must be F64")
            elif key == "bound" and not info.non_negative:
                self.fail(f"{where}.bound holds a negative or NaN element (a bound is >= 0 or inf)")
            if value is not None and info.shape != value.shape:
                self.fail(f"{where}.{key} has shape {shape_text(info.shape)} but the value it belongs to has "
                          f"{shape_text(value.shape)}")

    def check_gradients(self) -> None:
        if "gradients" not in self.case:
            if "gradients" in self.expected:
                self.fail("expected.gradients without gradients")
            return
        grads, inputs = self.case["gradients"], self.case.get("inputs", {})
        if self.case.get("api") not in ("loss", "function") or "value" not in self.expected:
            self.fail("gradients are only recorded for loss and function cases with a value")
        if not isinstance(grads, dict):
            self.fail("gradients must be an object")
            return
        for name, ref in grads.items():
            if name not in ("y_pred", "y_true"):
                self.fail(f"gradients.{name}: only y_pred and y_true have gradients")
                continue
            source = inputs.get(name) if isinstance(inputs, dict) else None
            if not isinstance(source, str):
                self.fail(f"gradients.{name}: inputs.{name} is not a tensor")
                continue
            grad, src = self.info(ref), self.info(source)
            if grad is not None and src is not None and grad.shape != src.shape:
                self.fail(f"gradients.{name} has shape {shape_text(grad.shape)} but inputs.{name} has "
                          f"{shape_text(src.shape)}")
        references = self.expected.get("gradients", {})
        if not isinstance(references, dict):
            self.fail("expected.gradients must be an object")
            return
        for name in set(references) - set(grads):
            self.fail(f"expected.gradients.{name} has no gradients.{name} to belong to")
        for name, ref in grads.items():
            entry = references.get(name, {})
            if not isinstance(entry, dict):
                self.fail(f"expected.gradients.{name} must be an object {{exact, bound}}")
            else:
                self.check_reference(entry, f"expected.gradients.{name}", ref, True)

    def check_steps(self) -> None:
        steps, api = self.case.get("steps"), self.case.get("api")
        if api != "metric":
            if steps is not None:
                self.fail(f"steps on a case of api {api!r}")
            return
        if not isinstance(steps, list) or not steps:
            self.fail("a metric case needs a non-empty steps list")
            return
        needs_values = "value" in self.expected    # a failing update_state leaves no result to record
        for i, step in enumerate(steps):
            where = f"steps[{i}]"
            if not isinstance(step, dict):
                self.fail(f"{where} must be an object")
            elif "reset" in step:
                if set(step) != {"reset"} or step["reset"] is not True:   # JSON 1 == true in Python, not in JSON
                    self.fail(f'{where}: a reset step is exactly {{"reset": true}}, got {step!r}')
            else:
                self.check_inputs(step.get("inputs"), f"{where}.inputs", ("y_true", "y_pred"),
                                  ("y_true", "y_pred", "sample_weight"))
                if needs_values and "value" not in step:
                    self.fail(f"{where} has no value")
                if "value" in step:
                    self.check_reference(step, where, step["value"], True)

    def run(self, files: dict[str, Any]) -> None:
        self.check_header_fields(files)
        self.check_references()
        if self.case.get("api") not in APIS:
            return
        if isinstance(self.case.get("args"), dict):
            self.check_args()
        self.check_inputs_for_api()
        self.check_expected()
        self.check_gradients()
        self.check_steps()


def _check_cases(cases: list[Any], profile: str, files: dict[str, Any],
                 tensors: dict[str, dict[str, TensorInfo]], problems: list[str]) -> None:
    seen: set[str] = set()
    referenced: dict[str, set[str]] = {name: set() for name in tensors}
    for i, case in enumerate(cases):
        if not isinstance(case, dict):
            problems.append(f"cases[{i}]: not a JSON object")
            continue
        case_id = case.get("id")
        name = case_id if isinstance(case_id, str) else f"cases[{i}]"
        if not isinstance(case_id, str) or not case_id.startswith(f"{profile}/"):
            problems.append(f"{name}: id {case_id!r} must be a string starting with {profile + '/'!r}")
        if name in seen:
            problems.append(f"{name}: duplicate id")
        seen.add(name)
        file = case.get("file")
        check = CaseCheck(case, name, profile, tensors.get(file) if isinstance(file, str) else None, problems)
        check.run(files)
        if isinstance(file, str) and file in referenced:
            referenced[file] |= check.referenced
    for file, found in tensors.items():
        for tensor in sorted(set(found) - referenced[file]):
            problems.append(f"{file}: tensor {tensor!r} is referenced by no case")


# ---- the manifest -------------------------------------------------------------------------------------------

def _check_top(manifest: dict[str, Any], directory: Path, problems: list[str]) -> str | None:
    """Checks format, profile and provenance; returns the profile if it is usable for the case checks."""
    if manifest.get("format") != FORMAT:
        problems.append(f"manifest: format {manifest.get('format')!r} is not {FORMAT!r}")
    profile = manifest.get("profile")
    if profile not in PROFILES:
        problems.append(f"manifest: profile {profile!r} is not one of {sorted(PROFILES)}")
        profile = directory.name if directory.name in PROFILES else None
    elif profile != directory.name:
        problems.append(f"manifest: profile {profile!r} does not match its directory {directory.name!r}")
    provenance = manifest.get("provenance")
    if not isinstance(provenance, dict):
        problems.append("manifest: provenance must be an object")
    else:
        missing = [k for k in PROVENANCE_KEYS if k not in provenance]
        if missing:
            problems.append(f"manifest: provenance lacks {missing}")
    return profile


def validate(directory: Path) -> list[str]:
    """Every violation of the fixture contract in one profile directory; an empty list means it is valid."""
    directory = Path(directory)
    try:
        manifest = parse_json((directory / "manifest.json").read_bytes())
    except (OSError, ValueError) as exc:   # UnicodeDecodeError and DuplicateKey are ValueErrors too
        return [f"manifest.json: cannot be read as JSON: {exc}"]
    if not isinstance(manifest, dict):
        return ["manifest.json: not a JSON object"]
    problems: list[str] = []
    profile = _check_top(manifest, directory, problems)
    files, cases = manifest.get("files"), manifest.get("cases")
    if not isinstance(files, dict):
        problems.append("manifest: files must be an object mapping file name to sha256")
        files = {}
    if not isinstance(cases, list):
        problems.append("manifest: cases must be a list")
        cases = []
    tensors = _check_files(directory, files, problems)
    if profile is not None:
        _check_cases(cases, profile, files, tensors, problems)
    return problems

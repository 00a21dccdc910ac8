"""Fixture files: safetensors array files of at most 8 MiB plus one manifest.json per profile."""
from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .case import Case, Outcome, question_from_json, reference_from_json, to_json
from .tensors import BY_CODE, dtype_of, from_bytes, to_bytes

FORMAT = "cosine-parity/1"
MAX_FILE_BYTES = 8 * 1024 * 1024


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    """Standard safetensors: u64 LE header length, JSON header (padded with spaces to 8 bytes), data."""
    header: dict[str, Any] = {}
    offset = 0
    for name, arr in tensors.items():
        size = arr.size * arr.dtype.itemsize
        header[name] = {"dtype": dtype_of(arr).code, "shape": list(arr.shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for arr in tensors.values():
            f.write(to_bytes(arr))


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    data = path.read_bytes()
    (n,) = struct.unpack_from("<Q", data)
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        out[name] = from_bytes(data[base + start:base + end], BY_CODE[info["dtype"]].name, info["shape"])
    return out


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class FixtureWriter:
    """Collects cases of one profile and writes `<dir>/manifest.json` and `<dir>/cases-NNN.safetensors`."""

    def __init__(self, directory: Path, profile: str, provenance: dict[str, Any]):
        self.directory = directory
        self.profile = profile
        self.provenance = provenance
        self.cases: list[dict[str, Any]] = []
        self.files: dict[str, str] = {}
        self._pending: dict[str, np.ndarray] = {}
        self._pending_bytes = 0

    def _file_name(self) -> str:
        return f"cases-{len(self.files):03d}.safetensors"

    def _flush(self) -> None:
        name = self._file_name()
        if not self._pending and not any(c["file"] == name for c in self.cases[-1:]):
            return
        path = self.directory / name
        write_safetensors(path, self._pending)
        if path.stat().st_size > MAX_FILE_BYTES:   # the header share in add() is an estimate
            raise ValueError(f"{path.name} came out at {path.stat().st_size} bytes, over {MAX_FILE_BYTES}")
        self.files[path.name] = sha256_of(path)
        self._pending, self._pending_bytes = {}, 0

    def add(self, case: Case, outcome: Outcome) -> None:
        tensors: dict[str, np.ndarray] = {}

        def put(path: str, arr: np.ndarray) -> str:
            name = f"{case.id}/{path}"
            tensors[name] = np.asarray(arr, order="C")   # ascontiguousarray would make 0-d arrays 1-d
            return name

        obj = to_json(case, outcome, put)
        size = sum(a.nbytes for a in tensors.values()) + 200 * len(tensors)   # data + header share
        if size > MAX_FILE_BYTES:
            raise ValueError(f"case {case.id} alone needs {size} bytes, more than one array file may hold")
        if self._pending_bytes + size > MAX_FILE_BYTES:
            self._flush()
        # "file" right after "args"; keys already placed keep their place when **obj repeats them
        obj = {**{k: obj[k] for k in ("id", "group", "api", "dtype", "args")}, "file": self._file_name(), **obj}
        self._pending.update(tensors)
        self._pending_bytes += size
        self.cases.append(obj)

    def close(self) -> Path:
        self._flush()
        manifest = {"format": FORMAT, "profile": self.profile, "provenance": self.provenance,
                    "files": self.files, "cases": self.cases}
        path = self.directory / "manifest.json"
        path.write_text(json.dumps(manifest, indent=1, allow_nan=False) + "\n", encoding="utf-8")
        return path


class Fixtures:
    """Reads one profile's fixtures back into cases and their recorded outcomes."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        self._files: dict[str, dict[str, np.ndarray]] = {}

    def tensors(self, file: str) -> dict[str, np.ndarray]:
        if file not in self._files:
            self._files[file] = read_safetensors(self.directory / file)
        return self._files[file]

    def load(self, obj: dict[str, Any]) -> tuple[Case, Outcome]:
        arrays = self.tensors(obj["file"])
        get = lambda ref, _path: arrays[ref]   # noqa: E731
        case = question_from_json(obj, get)
        case.id, case.group, case.dtype = obj["id"], obj["group"], obj["dtype"]
        expected = obj["expected"]
        outcome = Outcome(error=expected.get("error"), config=expected.get("config"))
        if "value" in expected:
            outcome.value = arrays[expected["value"]]
            outcome.reference = reference_from_json(expected, arrays.__getitem__)
        if "gradients" in obj:
            outcome.gradients = {k: arrays[v] for k, v in obj["gradients"].items()}
        if "gradients" in expected:
            references = {k: reference_from_json(v, arrays.__getitem__) for k, v in expected["gradients"].items()}
            outcome.gradient_references = {k: r for k, r in references.items() if r is not None}
        if "steps" in obj:
            outcome.step_values = [arrays[s["value"]] if "value" in s else None for s in obj["steps"]]
            outcome.step_references = [reference_from_json(s, arrays.__getitem__) for s in obj["steps"]]
        return case, outcome

    def __iter__(self) -> Iterator[tuple[Case, Outcome]]:
        for obj in self.manifest["cases"]:
            yield self.load(obj)



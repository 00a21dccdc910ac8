"""Writes fuzz/seeds/: small valid inputs of the ReaderFuzz harness, cut from the recorded fixtures.

Each seed is one harness input (fuzz/ReaderFuzz/FuzzInput.cs): byte 0 picks the reader (0: fixture reader,
1: graph manifest reader), then manifest.json, a NUL, and the one file it lists; "$SHA" and "$FILE" in the manifest
stand for that file's digest and name. The fixture seeds are single cases (the smallest of each api x dtype) with
only their own tensors re-tiled into a new safetensors file; the graph seeds are one graph entry each with its ONNX
file. Standard library only; run from the repository root: python3 fuzz/make_seeds.py
"""

import json
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
PROFILE = ROOT / "fixtures" / "keras2"
GRAPHS = ROOT / "fixtures" / "graphs"


def read_safetensors(path):
    """Header entries and data bytes of a safetensors file."""
    data = path.read_bytes()
    (length,) = struct.unpack_from("<Q", data)
    header = json.loads(data[8 : 8 + length])
    header.pop("__metadata__", None)
    return header, data[8 + length :]


def layout(tensors):
    """The safetensors header of (name, dtype, shape, bytes) tiled in order, and the data bytes."""
    header, offset = {}, 0
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    return header, b"".join(raw for *_, raw in tensors)


def pack(header_text, data):
    """A safetensors file: u64 length, the header text padded to 8 bytes with spaces as recorded, the data."""
    text = header_text.encode() if isinstance(header_text, str) else header_text
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def write_safetensors(tensors):
    header, data = layout(tensors)
    return pack(json.dumps(header, separators=(",", ":")), data)


def tensor_names(case):
    """Every tensor name a case references (inputs, expected, and any nested dicts of them)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and node.startswith(case["id"] + "/"):
            found.append(node)

    walk({k: v for k, v in case.items() if k != "id"})
    return found


def seed(target, manifest, file_bytes):
    return bytes([target]) + json.dumps(manifest, separators=(",", ":")).encode() + b"\0" + file_bytes


def small_fixtures(full=False):
    """(api, dtype, manifest, tensors) for the smallest keras2 case of each api x dtype (with full, the smallest
    that expects a value and whose tensors all hold data): a manifest of that one case listing cases-000.safetensors (digest "$SHA"), and the
    case's own tensors as (name, dtype, shape, bytes)."""
    manifest = json.loads((PROFILE / "manifest.json").read_text())
    headers = {name: read_safetensors(PROFILE / name) for name in manifest["files"]}
    smallest = {}
    for case in manifest["cases"]:
        header, _ = headers[case["file"]]
        sizes = [header[n]["data_offsets"][1] - header[n]["data_offsets"][0] for n in tensor_names(case)]
        if full and not (all(sizes) and "value" in case["expected"]):
            continue
        size = sum(sizes)
        key = (case["api"], case["dtype"] or "none")
        if key not in smallest or size < smallest[key][0]:
            smallest[key] = (size, case)
    for (api, dtype), (_, case) in sorted(smallest.items()):
        header, data = headers[case["file"]]
        tensors = []
        for name in tensor_names(case):
            entry = header[name]
            start, end = entry["data_offsets"]
            tensors.append((name, entry["dtype"], entry["shape"], data[start:end]))
        one = dict(manifest, files={"cases-000.safetensors": "$SHA"}, cases=[dict(case, file="cases-000.safetensors")])
        yield api, dtype, one, tensors


def small_graphs():
    """(family, manifest, onnx bytes): one graph per family (one with a known difference where the family has one),
    the manifest listing only it, its file name and digest "$FILE" and "$SHA"."""
    manifest = json.loads((GRAPHS / "manifest.json").read_text())
    picked = {}
    for graph in manifest["graphs"]:
        key = graph["family"]
        if key not in picked or graph["validation"]["known_differences"] and not picked[key]["validation"]["known_differences"]:
            picked[key] = graph
    for family, graph in sorted(picked.items()):
        one = dict(manifest, files={"$FILE": "$SHA"}, graphs=[dict(graph, file="$FILE", sha256="$SHA")])
        yield family, one, (GRAPHS / graph["file"]).read_bytes()


def main():
    SEEDS.mkdir(parents=True, exist_ok=True)
    for old in SEEDS.iterdir():
        old.unlink()
    seeds = [(f"fixture-{api}-{dtype}", seed(0, manifest, write_safetensors(tensors)))
             for api, dtype, manifest, tensors in small_fixtures()]
    seeds += [(f"graphs-{family}", seed(1, manifest, onnx)) for family, manifest, onnx in small_graphs()]
    for name, data in seeds:
        (SEEDS / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()

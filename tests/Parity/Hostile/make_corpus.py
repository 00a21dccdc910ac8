"""Writes tests/Parity/Hostile/corpus/: hostile fixture and graph folders, each with the error it must give.

Every entry is a valid one-case profile folder (keras2/) or one-graph graphs folder (graphs/), cut from the recorded
fixtures by fuzz/make_seeds.py, with ONE defect; expect.json says which reader reads it, which file the error names
and fragments its message holds (HostileCorpusTests replays them). The two valid-* entries are the same folders
without a defect: they must read, so each refusal is its defect's. Unless an entry is about the digest, the manifest
lists the digest of the bytes as written, so the check behind the digest is the one that must catch the defect.
Standard library only; run from the repository root: python3 tests/Parity/Hostile/make_corpus.py
"""

import hashlib
import json
import shutil
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "fuzz"))
from make_seeds import layout, pack, small_fixtures, small_graphs  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "corpus"
ARRAY = "cases-000.safetensors"
FIXTURES = {(api, dtype): (manifest, tensors) for api, dtype, manifest, tensors in small_fixtures(full=True)}
GRAPHS = {family: (manifest, onnx) for family, manifest, onnx in small_graphs()}


def sha(data):
    return hashlib.sha256(data).hexdigest()


def replace_once(text, old, new):
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def fixture(base=("loss", "float32"), header=None, header_text=None, file=None, manifest=None, text=None,
            digest=None, files=None):
    """A keras2 folder from the base case. Edits, in the order applied: header (changes the safetensors header dict
    in place; returns new data bytes, or None to keep them), header_text (its JSON text), file (the whole array file's bytes), manifest (the manifest dict, after the
    digest is set), text (the manifest's JSON text), files (name -> bytes written; default the array file)."""
    one, tensors = FIXTURES[base]
    head, data = layout(tensors)
    if header:
        data = header(head, data) or data
    head_json = json.dumps(head, separators=(",", ":"))
    array = pack(header_text(head_json) if header_text else head_json, data)
    if file:
        array = file(array)
    listed = json.loads(json.dumps(one))
    listed["files"] = {ARRAY: digest if digest is not None else sha(array)}
    if manifest:
        manifest(listed)
    manifest_text = json.dumps(listed, indent=1)
    if text:
        manifest_text = text(manifest_text)
    written = files(array) if files else {ARRAY: array}
    return "keras2", (manifest_text.encode() if isinstance(manifest_text, str) else manifest_text), written


def graphs(manifest=None, text=None, onnx=None, name=None, listed_digest=None):
    """A graphs folder from the axis-family graph. Edits: onnx (the graph file's bytes), listed_digest (the digest the
    manifest lists, default the file's), name (the file's name on disk, default from the listed digest), manifest
    (the manifest dict), text (its JSON text)."""
    one, graph_bytes = GRAPHS["axis"]
    if onnx:
        graph_bytes = onnx(graph_bytes)
    digest = listed_digest or sha(graph_bytes)
    listed_name = digest[:16] + ".onnx"
    body = json.loads(json.dumps(one).replace("$FILE", listed_name).replace("$SHA", digest))
    if manifest:
        manifest(body)
    manifest_text = json.dumps(body, indent=1)
    if text:
        manifest_text = text(manifest_text)
    written = {name if name is not None else listed_name: graph_bytes}
    return "graphs", manifest_text.encode(), {k: v for k, v in written.items() if k}


def set_header_length(value):
    def edit(array):
        return struct.pack("<Q", value) + array[8:]
    return edit


def tensor_at(head, index):
    """The name of the index-th tensor in data order."""
    return sorted(head, key=lambda n: head[n]["data_offsets"][0])[index]


def shift(head, name, by):
    head[name]["data_offsets"] = [o + by for o in head[name]["data_offsets"]]


def overlap(head, _):
    shift(head, tensor_at(head, 1), -2)


def offsets_past_end(head, _):
    shift(head, tensor_at(head, len(head) - 1), 8)


def gap(head, data):
    first = tensor_at(head, 0)
    cut = head[first]["data_offsets"][1]
    for name in head:
        if head[name]["data_offsets"][0] >= cut and name != first:
            shift(head, name, 4)
    return data[:cut] + b"\0" * 4 + data[cut:]


def dtype_mismatch(head, _):
    name = tensor_at(head, 0)
    head[name]["dtype"] = "F64"


def bf16_odd(head, _):
    name = next(n for n in head if head[n]["dtype"] == "BF16")
    head[name]["data_offsets"][1] += 1


def huge_shape(head, _):
    head[tensor_at(head, 0)]["shape"] = [2147483647, 2147483647, 4]


def extra_tensor(head, data):
    head["keras2/stray/inputs/y_true"] = {"dtype": "F32", "shape": [0], "data_offsets": [len(data), len(data)]}


def first_case(m):
    return m["cases"][0]


def missing_tensor(m):
    first_case(m)["inputs"]["y_true"] += "-missing"


def case_dtype(m):
    first_case(m)["dtype"] = "float64"


def case_file(value):
    def edit(m):
        first_case(m)["file"] = value
    return edit


def list_as(name):
    def edit(m):
        m["files"] = {name: next(iter(m["files"].values()))}
        first_case(m)["file"] = name
    return edit


def graph_files_as(name):
    def edit(m):
        m["files"] = {name: next(iter(m["files"].values()))}
    return edit


def graph_field(field, value):
    def edit(m):
        m["graphs"][0][field] = value
    return edit


def graph_input_dtype(m):
    m["graphs"][0]["inputs"][0]["dtype"] = "float32"


M = "keras2/manifest.json"
A = "keras2/" + ARRAY
G = "graphs/manifest.json"
GRAPH_FILE = "graphs/" + sha(GRAPHS["axis"][1])[:16] + ".onnx"

ENTRIES = {
    # name: (folder, error's file, message fragments, why)
    "valid-fixture": (fixture(), None, ["1"], "the base folder, without a defect: it reads"),
    "valid-graphs": (graphs(), None, ["1"], "the base graphs folder, without a defect: it reads"),
    "truncated-array-file": (fixture(file=lambda a: a[:20]), A, ["header length", "runs past the end of the file (20 bytes)"],
                             "the array file cut inside its header"),
    "truncated-data": (fixture(file=lambda a: a[:-4]), A, ["run past the end of the", "-byte data"],
                       "the array file cut inside its last tensor"),
    "shorter-than-length-prefix": (fixture(file=lambda a: a[:5]), A, ["5 bytes, shorter than the 8-byte header length"],
                                   "five bytes: not even the header length"),
    "header-length-past-end": (fixture(file=lambda a: set_header_length(len(a) - 7)(a)), A, ["runs past the end of the file"],
                               "a header length one byte longer than the rest of the file"),
    "header-length-2pow64-minus-1": (fixture(file=set_header_length(2**64 - 1)), A,
                                     ["header length 18446744073709551615 runs past the end of the file"],
                                     "a header length of 2^64-1: no wrap, no allocation"),
    "header-length-2pow63": (fixture(file=set_header_length(2**63)), A,
                             ["header length 9223372036854775808 runs past the end of the file"],
                             "a header length of 2^63, negative as a signed long"),
    "offsets-past-end": (fixture(header=offsets_past_end), A, ["run past the end of the", "-byte data"],
                         "the last tensor's data_offsets moved 8 bytes past the data"),
    "overlapping-spans": (fixture(header=overlap), A, ["overlap the tensor before"],
                          "the second tensor starts 2 bytes inside the first"),
    "gapped-spans": (fixture(header=gap), A, ["leaving a gap after byte"],
                     "4 unclaimed bytes between the first and second tensor"),
    "header-nan": (fixture(header_text=lambda t: t.replace('"shape":[', '"shape":[NaN,', 1)), A, ["the header is not strict JSON"],
                   "a NaN literal in the safetensors header"),
    "header-duplicate-tensor": (fixture(header_text=lambda t: t[:-1] + "," + t[1:]),
                                A, ["the header repeats the key"], "every tensor of the header written twice"),
    "header-lone-surrogate": (fixture(header_text=lambda t: '{"__metadata__":{"note":"\\ud800"},' + t[1:]), A,
                              ["the header holds a string that is not valid Unicode"], "an escaped lone surrogate in __metadata__"),
    "manifest-nan": (fixture(text=lambda t: replace_once(t, '"seed": 1234', '"seed": NaN')), M, ["the manifest is not strict JSON"],
                     "a NaN literal in the manifest"),
    "manifest-infinity": (fixture(text=lambda t: replace_once(t, '"input_kind": "numpy"', '"input_kind": Infinity')), M,
                          ["the manifest is not strict JSON"], "an Infinity literal in a case's args"),
    "manifest-minus-infinity": (fixture(text=lambda t: replace_once(t, '"seed": 1234', '"seed": -Infinity')), M,
                                ["the manifest is not strict JSON"], "a -Infinity literal in the manifest"),
    "manifest-duplicate-key": (fixture(text=lambda t: replace_once(t, '"profile": "keras2",', '"profile": "keras2",\n "profile": "keras3",')),
                               M, ["the manifest repeats the key 'profile'"], "the profile given twice, the second differing"),
    "manifest-duplicate-key-in-case": (fixture(text=lambda t: replace_once(t, '"input_kind": "numpy"', '"input_kind": "numpy",\n    "input_kind": "tensor"')), M,
                                       ["the manifest repeats the key 'input_kind'"], "a case's args.input_kind given twice"),
    "manifest-truncated": (fixture(text=lambda t: t[: len(t) // 2]), M, ["the manifest is not strict JSON"],
                           "the manifest cut in half"),
    "manifest-not-utf8": (fixture(text=lambda t: replace_once(t, '"keras2"', '"keras2\udcff"').encode("utf-8", "surrogateescape")), M,
                          ["the manifest is not valid UTF-8"], "a 0xFF byte inside the profile string"),
    "file-name-dotdot-path": (fixture(manifest=list_as("../" + ARRAY)), M, ["'../cases-000.safetensors'", "it holds a path separator"],
                              "an array file name that climbs out of the folder"),
    "file-name-dotdot": (fixture(manifest=list_as(".." + ARRAY)), M, ["it holds '..'"], "an array file name holding '..'"),
    "file-name-absolute": (fixture(manifest=list_as("/tmp/" + ARRAY)), M, ["'/tmp/cases-000.safetensors'", "it holds a path separator"],
                           "an absolute array file name"),
    "file-name-drive": (fixture(manifest=list_as("C:" + ARRAY)), M, ["it is rooted or names a drive"],
                        "a drive-relative array file name"),
    "case-file-dotdot": (fixture(manifest=case_file("../keras2/" + ARRAY)), M,
                         ["file '../keras2/cases-000.safetensors' is not listed in the manifest's files"],
                         "a case naming its array file by a path out of the folder"),
    "wrong-sha256": (fixture(digest=sha(b"")), A, ["differs from the manifest's " + sha(b"")],
                     "the manifest lists the digest of other bytes"),
    "uppercase-sha256": (fixture(manifest=lambda m: m["files"].update({ARRAY: m["files"][ARRAY].upper()})), M,
                         ["is not a lowercase hex SHA-256 digest"], "the digest in upper case"),
    "missing-array-file": (fixture(files=lambda a: {}), A, ["is listed in the manifest's files but does not exist"],
                           "the listed array file is absent"),
    "stray-array-file": (fixture(files=lambda a: {ARRAY: a, "cases-001.safetensors": a}), "keras2/cases-001.safetensors",
                         ["an array file in the profile folder that the manifest's files does not list"],
                         "an unlisted array file beside the listed one"),
    "dtype-shape-mismatch": (fixture(header=dtype_mismatch), A, ["of F64 needs"],
                             "a tensor declared F64 over the bytes of its F32 shape"),
    "case-dtype-mismatch": (fixture(manifest=case_dtype), M, ["dtype 'float64' differs from y_pred's float32"],
                            "a float32 case that claims float64"),
    "bf16-odd-length": (fixture(base=("loss", "bfloat16"), header=bf16_odd), A, ["not a whole number of 2-byte BF16 elements"],
                        "a BF16 tensor whose span is one byte longer than its shape"),
    "huge-shape": (fixture(header=huge_shape), A, ["is too large for any file"], "a shape whose byte size overflows a long"),
    "missing-tensor": (fixture(manifest=missing_tensor), M, ["names a tensor that cases-000.safetensors does not hold"],
                       "a case referring to a tensor the array file lacks"),
    "unreferenced-tensor": (fixture(header=extra_tensor), A, ["no case references it"],
                            "a tensor of the array file that no case uses"),
    "graphs-truncated-manifest": (graphs(text=lambda t: t[: len(t) // 2]), G, ["the manifest is not strict JSON"],
                                  "the graph manifest cut in half"),
    "graphs-nan": (graphs(text=lambda t: replace_once(t, '"max_ulp": 1', '"max_ulp": NaN')), G, ["the manifest is not strict JSON"],
                   "a NaN literal in a graph's validation"),
    "graphs-infinity": (graphs(text=lambda t: replace_once(t, '"opset": 17', '"opset": Infinity')), G,
                        ["the manifest is not strict JSON"], "an Infinity literal for the opset"),
    "graphs-duplicate-key": (graphs(text=lambda t: replace_once(t, '"opset": 17,', '"opset": 17,\n "opset": 18,')), G,
                             ["the manifest repeats the key 'opset'"], "the opset given twice"),
    "graphs-file-name-dotdot-path": (graphs(manifest=graph_files_as("../x.onnx")), G, ["it holds a path separator"],
                                     "a graph file name that climbs out of the folder"),
    "graphs-file-name-absolute": (graphs(manifest=graph_files_as("/tmp/x.onnx")), G, ["it holds a path separator"],
                                  "an absolute graph file name"),
    "graphs-wrong-sha256": (graphs(onnx=lambda b: b[:-1] + bytes([b[-1] ^ 1]), listed_digest=sha(GRAPHS["axis"][1])), GRAPH_FILE,
                            ["SHA-256", "differs from the manifest's " + sha(GRAPHS["axis"][1])],
                            "one bit of the graph file flipped under the listed digest"),
    "graphs-missing-file": (graphs(name=""), GRAPH_FILE, ["is listed in the manifest's files but does not exist"],
                            "the listed graph file is absent"),
    "graphs-missing-reference": (graphs(manifest=graph_field("file", "0000000000000000.onnx")), G,
                                 ["'0000000000000000.onnx' is not among the manifest's files"],
                                 "a graph entry naming a file the manifest does not list"),
    "graphs-dtype-mismatch": (graphs(manifest=graph_input_dtype), G, ["dtype"],
                              "a float16 graph whose y_true input is declared float32"),
}


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    for name, ((folder, manifest_bytes, files), error_file, fragments, why) in ENTRIES.items():
        entry = CORPUS / name
        (entry / folder).mkdir(parents=True)
        (entry / folder / "manifest.json").write_bytes(manifest_bytes)
        for file_name, data in files.items():
            (entry / folder / file_name).write_bytes(data)
        reader = "graphs" if folder == "graphs" else "fixture"
        expect = {"why": why, "reader": reader, "folder": folder}
        if error_file is None:
            expect["reads"] = int(fragments[0])
        else:
            expect["file"] = error_file
            expect["message"] = fragments
        (entry / "expect.json").write_text(json.dumps(expect, indent=1) + "\n")
    print(f"{len(ENTRIES)} entries in {CORPUS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""tforacle.tensors and tforacle.store against bytes written out by hand: the dtype table of fixtures/README.md,
IEEE bit patterns, base64 of known bytes, and safetensors files laid out byte by byte."""
from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest

from tforacle import tensors as T
from tforacle.case import Case, Outcome, Reference, Scalar, Step
from tforacle.store import (
    FORMAT,
    MAX_FILE_BYTES,
    Fixtures,
    FixtureWriter,
    read_safetensors,
    sha256_of,
    write_safetensors,
)

pytestmark = pytest.mark.correctness

# fixtures/README.md, "Array files": name, safetensors code, element size
README_DTYPES = [("float16", "F16", 2), ("bfloat16", "BF16", 2), ("float32", "F32", 4), ("float64", "F64", 8),
                 ("int64", "I64", 8), ("bool", "BOOL", 1)]
ELEMENTS_LIMIT = 2 ** 24   # src/TfOracle/python/README.md: "at most 2^24 elements"


def bits(array: np.ndarray) -> bytes:
    return np.ascontiguousarray(array).tobytes()


# ---- the dtype table ------------------------------------------------------------------------------------------------

def test_dtype_table_is_the_readme_table() -> None:
    assert [(d.name, d.code, d.numpy.itemsize) for d in T.DTYPES.values()] == README_DTYPES
    assert {code: d.name for code, d in T.BY_CODE.items()} == {code: name for name, code, _ in README_DTYPES}
    assert T.FLOAT_NAMES == ("float16", "bfloat16", "float32", "float64")
    assert [d.is_float for d in T.DTYPES.values()] == [True, True, True, True, False, False]
    assert T.DTYPES["bfloat16"].numpy == np.dtype(ml_dtypes.bfloat16)
    assert T.MAX_ELEMENTS == ELEMENTS_LIMIT


@pytest.mark.parametrize("name, numpy_dtype", [("float16", np.float16), ("bfloat16", ml_dtypes.bfloat16),
                                               ("float32", np.float32), ("float64", np.float64),
                                               ("int64", np.int64), ("bool", np.bool_)])
def test_dtype_of(name: str, numpy_dtype: Any) -> None:
    assert T.dtype_of(np.zeros(2, numpy_dtype)).name == name


@pytest.mark.parametrize("numpy_dtype", [np.int32, np.uint8, np.complex64, np.float128 if hasattr(np, "float128")
                                         else np.int16])
def test_dtype_of_unsupported(numpy_dtype: Any) -> None:
    with pytest.raises(T.TensorError, match=rf"^unsupported array dtype {np.dtype(numpy_dtype)}$"):
        T.dtype_of(np.zeros(2, numpy_dtype))


# ---- raw bytes ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("array, raw", [
    # IEEE 754 bit patterns, little-endian: binary32 1.0 = 0x3F800000, -2.0 = 0xC0000000
    (np.array([1.0, -2.0], np.float32), bytes.fromhex("0000803f 000000c0")),
    (np.array([1.0, -2.0], ">f4"), bytes.fromhex("0000803f 000000c0")),   # big-endian input, LE bytes out
    (np.array([1.0], np.float64), bytes.fromhex("000000000000f03f")),
    (np.array([1.0], ">f8"), bytes.fromhex("000000000000f03f")),
    (np.array([1.0, -0.0], np.float16), bytes.fromhex("003c 0080")),       # binary16 1.0 = 0x3C00, -0 = 0x8000
    (np.array([1.0, -2.0], ml_dtypes.bfloat16), bytes.fromhex("803f 00c0")),  # upper halves of the binary32s
    (np.array([-2, 2 ** 40], np.int64), bytes.fromhex("feffffffffffffff 0000000000010000")),
    (np.array([-2], ">i8"), bytes.fromhex("feffffffffffffff")),
    (np.array([True, False, True]), b"\x01\x00\x01"),
    (np.array(np.inf, np.float32), bytes.fromhex("0000807f")),
    (np.zeros((0, 3), np.float32), b""),
])
def test_to_bytes(array: np.ndarray, raw: bytes) -> None:
    assert T.to_bytes(array) == raw


def test_to_bytes_is_c_order() -> None:
    a = np.arange(6, dtype=np.int64).reshape(2, 3).T      # a (3, 2) view whose memory is in the other order
    assert T.to_bytes(a) == struct.pack("<6q", 0, 3, 1, 4, 2, 5)
    assert T.to_bytes(np.arange(8, dtype=np.float32)[::2]) == struct.pack("<4f", 0, 2, 4, 6)


def test_to_bytes_keeps_nan_payloads() -> None:
    a = np.array([0x7FC00001, 0xFFC00000], np.uint32).view(np.float32)
    assert T.to_bytes(a) == bytes.fromhex("0100c07f 0000c0ff")


@pytest.mark.parametrize("shape, count", [([], 1), ((), 1), ([0], 0), ([0, 4], 0), ([2, 3, 4], 24), ([7], 7)])
def test_element_count(shape: Any, count: int) -> None:
    assert T.element_count(shape) == count


@pytest.mark.parametrize("dtype, shape, size", [("float16", [3], 6), ("bfloat16", [2, 2], 8), ("float32", [], 4),
                                                ("float64", [0, 5], 0), ("int64", [2], 16), ("bool", [5], 5),
                                                ("bool", [ELEMENTS_LIMIT], ELEMENTS_LIMIT),
                                                ("float64", [2 ** 12, 2 ** 12], 8 * ELEMENTS_LIMIT)])
def test_check_layout_gives_the_byte_count(dtype: str, shape: list[int], size: int) -> None:
    assert T.check_layout(dtype, shape) == size


DTYPE_LIST = "['bfloat16', 'bool', 'float16', 'float32', 'float64', 'int64']"


@pytest.mark.parametrize("dtype, shape, message", [
    ("float8", [1], f"unknown dtype 'float8'; expected one of {DTYPE_LIST}"),
    ("F32", [1], f"unknown dtype 'F32'; expected one of {DTYPE_LIST}"),
    (5, [1], f"unknown dtype 5; expected one of {DTYPE_LIST}"),
    (None, [1], f"unknown dtype None; expected one of {DTYPE_LIST}"),
    ("float32", (1,), "shape must be a list of non-negative integers, got (1,)"),
    ("float32", [-1], "shape must be a list of non-negative integers, got [-1]"),
    ("float32", [True], "shape must be a list of non-negative integers, got [True]"),
    ("float32", [1.0], "shape must be a list of non-negative integers, got [1.0]"),
    ("float32", ["1"], "shape must be a list of non-negative integers, got ['1']"),
    ("float32", 3, "shape must be a list of non-negative integers, got 3"),
    ("bool", [ELEMENTS_LIMIT + 1], f"tensor has {ELEMENTS_LIMIT + 1} elements; at most {ELEMENTS_LIMIT} are accepted"),
    ("bool", [4097, 4096], f"tensor has {4097 * 4096} elements; at most {ELEMENTS_LIMIT} are accepted"),
    ("bool", [2 ** 40, 2 ** 40], f"tensor has {2 ** 80} elements; at most {ELEMENTS_LIMIT} are accepted"),
])
def test_check_layout_rejects(dtype: Any, shape: Any, message: str) -> None:
    with pytest.raises(T.TensorError) as info:
        T.check_layout(dtype, shape)
    assert str(info.value) == message


@pytest.mark.parametrize("raw, dtype, shape, values", [
    (bytes.fromhex("0000803f000000c0"), "float32", [2], [1.0, -2.0]),
    (bytes.fromhex("0000803f000000c0"), "float32", [1, 2], [[1.0, -2.0]]),
    (bytes.fromhex("803f00c0"), "bfloat16", [2], [1.0, -2.0]),
    (bytes.fromhex("003c0080"), "float16", [2], [1.0, -0.0]),
    (bytes.fromhex("000000000000f03f"), "float64", [], 1.0),
    (bytes.fromhex("feffffffffffffff"), "int64", [1], [-2]),
    (b"\x01\x00", "bool", [2], [True, False]),
    (b"", "float32", [0, 2], np.zeros((0, 2)).tolist()),
])
def test_from_bytes(raw: bytes, dtype: str, shape: list[int], values: Any) -> None:
    got = T.from_bytes(raw, dtype, shape)
    assert got.dtype == T.DTYPES[dtype].numpy and got.dtype.byteorder in ("=", "|", "<")
    assert list(got.shape) == shape and got.tolist() == values
    if dtype == "float16":
        assert np.signbit(got[1])   # -0.0 keeps its sign


def test_from_bytes_wrong_length() -> None:
    with pytest.raises(T.TensorError) as info:
        T.from_bytes(b"\0" * 3, "float32", [1])
    assert str(info.value) == "data holds 3 bytes but shape [1] of float32 needs 4"
    with pytest.raises(T.TensorError) as info:
        T.from_bytes(b"\0" * 9, "float64", [])
    assert str(info.value) == "data holds 9 bytes but shape [] of float64 needs 8"


def test_bfloat16_round_trip_of_every_bit_pattern() -> None:
    patterns = np.arange(2 ** 16, dtype=np.uint16)
    raw = patterns.astype("<u2").tobytes()
    got = T.from_bytes(raw, "bfloat16", [2 ** 16])
    assert got.dtype == np.dtype(ml_dtypes.bfloat16)
    assert T.to_bytes(got) == raw
    # 0x3F80 is 1.0 (0x3F800000 as float32), 0xC000 is -2.0, 0x7F80 inf, 0x0001 the smallest subnormal 2**-133
    assert float(got[0x3F80]) == 1.0 and float(got[0xC000]) == -2.0 and float(got[0x7F80]) == np.inf
    assert float(got[1]) == 2.0 ** -133


def test_float16_round_trip_of_every_bit_pattern() -> None:
    raw = np.arange(2 ** 16, dtype="<u2").tobytes()
    got = T.from_bytes(raw, "float16", [2 ** 16])
    assert T.to_bytes(got) == raw
    assert float(got[0x3C00]) == 1.0 and float(got[0x0001]) == 2.0 ** -24 and float(got[0x7BFF]) == 65504.0


# ---- wire tensors ----------------------------------------------------------------------------------------------------

# The example exchange in src/TfOracle/python/README.md: y_true [[0, 1], [1, 1]] and the keras3 answer -0.49999997
README_Y_TRUE = {"dtype": "float32", "shape": [2, 2], "data": "AAAAAAAAgD8AAIA/AACAPw=="}
README_VALUE = {"dtype": "float32", "shape": [], "data": "////vg=="}
README_EXACT = {"dtype": "float64", "shape": [], "data": "AAAAAAAA4L8="}


def test_wire_form_of_the_readme_example() -> None:
    y_true = T.from_wire(README_Y_TRUE)
    assert y_true.dtype == np.float32 and y_true.tolist() == [[0.0, 1.0], [1.0, 1.0]]
    assert T.to_wire(np.array([[0, 1], [1, 1]], np.float32)) == README_Y_TRUE
    # -0.49999997 is 0xBEFFFFFF (the float32 just above -0.5); exact -0.5 is 0xBFE0000000000000
    assert T.to_wire(np.array(np.float32(struct.unpack("<f", bytes.fromhex("ffffffbe"))[0]))) == README_VALUE
    assert T.to_wire(np.array(-0.5)) == README_EXACT
    assert T.from_wire(README_EXACT).shape == () and float(T.from_wire(README_EXACT)) == -0.5


@pytest.mark.parametrize("array, wire", [
    (np.array([1.0, -2.0], np.float32), {"dtype": "float32", "shape": [2], "data": "AACAPwAAAMA="}),
    (np.array([True]), {"dtype": "bool", "shape": [1], "data": "AQ=="}),
    (np.array([True, True, True]), {"dtype": "bool", "shape": [3], "data": "AQEB"}),
    (np.array([True] * 4), {"dtype": "bool", "shape": [4], "data": "AQEBAQ=="}),
    (np.zeros((0, 2), np.float16), {"dtype": "float16", "shape": [0, 2], "data": ""}),
    (np.array([1.0], ml_dtypes.bfloat16), {"dtype": "bfloat16", "shape": [1], "data": "gD8="}),
    (np.array([-2], np.int64), {"dtype": "int64", "shape": [1], "data": "/v////////8="}),
])
def test_wire_round_trip(array: np.ndarray, wire: dict[str, Any]) -> None:
    assert T.to_wire(array) == wire
    back = T.from_wire(wire)
    assert back.dtype == array.dtype and back.shape == array.shape and bits(back) == bits(array)


@pytest.mark.parametrize("obj, message", [
    ([1, 2], 'an inline tensor is an object with exactly "dtype", "shape" and "data"'),
    ({"dtype": "float32", "shape": [1]}, 'an inline tensor is an object with exactly "dtype", "shape" and "data"'),
    ({"dtype": "float32", "shape": [1], "data": "AAAAAA==", "x": 1},
     'an inline tensor is an object with exactly "dtype", "shape" and "data"'),
    ({"scalar": 2.0}, 'an inline tensor is an object with exactly "dtype", "shape" and "data"'),
    ({"dtype": "int8", "shape": [], "data": "AA=="}, f"unknown dtype 'int8'; expected one of {DTYPE_LIST}"),
    ({"dtype": "float32", "shape": [-1], "data": ""}, "shape must be a list of non-negative integers, got [-1]"),
    ({"dtype": "bool", "shape": [4097, 4096], "data": ""},
     f"tensor has {4097 * 4096} elements; at most {ELEMENTS_LIMIT} are accepted"),
    ({"dtype": "float32", "shape": [1], "data": None}, "tensor data must be a base64 string"),
    ({"dtype": "float32", "shape": [1], "data": [0, 0, 0, 0]}, "tensor data must be a base64 string"),
    # 4 bytes take 4 * ceil(4 / 3) = 8 base64 characters
    ({"dtype": "float32", "shape": [1], "data": "AAAA"},
     "base64 data of 4 characters cannot hold the 4 bytes that shape [1] of float32 needs"),
    ({"dtype": "float32", "shape": [1], "data": "AAAAAAAAAAAA"},
     "base64 data of 12 characters cannot hold the 4 bytes that shape [1] of float32 needs"),
    ({"dtype": "float32", "shape": [2, 2], "data": "AACAPwAAAAA="},   # README doc-2: 12 characters for 16 bytes
     "base64 data of 12 characters cannot hold the 16 bytes that shape [2, 2] of float32 needs"),
    ({"dtype": "float32", "shape": [0], "data": "AA=="},
     "base64 data of 4 characters cannot hold the 0 bytes that shape [0] of float32 needs"),
    # right length, wrong alphabet: not silently dropped (b64decode(validate=False) would drop "!" and go on)
    ({"dtype": "float32", "shape": [1], "data": "AAAA!!!!"}, "tensor data is not valid base64: "),
    ({"dtype": "float32", "shape": [1], "data": "AAAA\nAA="}, "tensor data is not valid base64: "),
    ({"dtype": "float32", "shape": [1], "data": "A=AAAAAA"}, "tensor data is not valid base64: "),
    # right length, but the padding makes it decode to 5 or 6 bytes, not 4: the element count check
    ({"dtype": "float32", "shape": [1], "data": "AAAAAAA="}, "data holds 5 bytes but shape [1] of float32 needs 4"),
    ({"dtype": "float32", "shape": [1], "data": "AAAAAAAA"}, "data holds 6 bytes but shape [1] of float32 needs 4"),
    ({"dtype": "bool", "shape": [2], "data": "AQ=="}, "data holds 1 bytes but shape [2] of bool needs 2"),
])
def test_from_wire_rejects(obj: Any, message: str) -> None:
    with pytest.raises(T.TensorError) as info:
        T.from_wire(obj)
    if message.endswith(": "):
        assert str(info.value).startswith(message) and len(str(info.value)) > len(message)
    else:
        assert str(info.value) == message


def test_from_wire_checks_length_before_decoding() -> None:
    """A string far longer than the shape needs is refused by its length, not decoded."""
    huge = "A" * (4 * 10 ** 6)
    with pytest.raises(T.TensorError, match=r"^base64 data of 4000000 characters cannot hold the 4 bytes"):
        T.from_wire({"dtype": "float32", "shape": [1], "data": huge})


# ---- safetensors bytes ----------------------------------------------------------------------------------------------

def test_write_safetensors_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "a.safetensors"
    write_safetensors(path, {"a": np.array([1.0], np.float32), "b": np.array(True)})
    # the header: compact JSON, tensors in the order given, offsets into the data area; it is 107 bytes long and
    # 5 spaces pad it to 112, the next multiple of 8; then 4 bytes of 1.0f (0x3F800000 LE) and one byte 0x01
    header = (b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
              b'"b":{"dtype":"BOOL","shape":[],"data_offsets":[4,5]}}')
    assert len(header) == 107
    assert path.read_bytes() == struct.pack("<Q", 112) + header + b" " * 5 + bytes.fromhex("0000803f") + b"\x01"


def test_write_safetensors_pads_only_to_the_next_multiple_of_8(tmp_path: Path) -> None:
    path = tmp_path / "a.safetensors"
    # {"x123":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}: 56 bytes, already a multiple of 8: no padding
    header = b'{"x123":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}'
    assert len(header) == 56
    write_safetensors(path, {"x123": np.array(-2, np.int64)})
    assert path.read_bytes() == struct.pack("<Q", 56) + header + bytes.fromhex("feffffffffffffff")
    write_safetensors(path, {})
    assert path.read_bytes() == struct.pack("<Q", 8) + b"{}" + b" " * 6


def test_write_safetensors_every_dtype_in_order(tmp_path: Path) -> None:
    """Offsets accumulate in insertion order; zero-size tensors take no bytes; BF16 is the upper half."""
    path = tmp_path / "a.safetensors"
    arrays = {"h": np.array([1.0], np.float16), "e": np.zeros((2, 0), np.float64),
              "b": np.array([[-2.0]], ml_dtypes.bfloat16), "d": np.array(0.5, np.float64)}
    write_safetensors(path, arrays)
    raw = path.read_bytes()
    (n,) = struct.unpack_from("<Q", raw)
    assert n % 8 == 0 and raw[8 + n - 1:8 + n] in (b" ", b"}")
    header = json.loads(raw[8:8 + n])
    assert header == {"h": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]},
                      "e": {"dtype": "F64", "shape": [2, 0], "data_offsets": [2, 2]},
                      "b": {"dtype": "BF16", "shape": [1, 1], "data_offsets": [2, 4]},
                      "d": {"dtype": "F64", "shape": [], "data_offsets": [4, 12]}}
    assert raw[8 + n:] == bytes.fromhex("003c" "00c0" "000000000000e03f")


def test_read_safetensors_of_hand_made_bytes(tmp_path: Path) -> None:
    header = (b'{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]},'
              b'"m":{"dtype":"BOOL","shape":[2],"data_offsets":[8,10]},"z":{"dtype":"BF16","shape":[],'
              b'"data_offsets":[10,12]}}')
    path = tmp_path / "h.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes.fromhex("0000803f000000c0" "0100" "c03f"))
    got = read_safetensors(path)
    assert list(got) == ["w", "m", "z"]
    assert got["w"].dtype == np.float32 and got["w"].tolist() == [[1.0], [-2.0]]
    assert got["m"].dtype == np.bool_ and got["m"].tolist() == [True, False]
    assert got["z"].dtype == np.dtype(ml_dtypes.bfloat16) and got["z"].shape == () and float(got["z"]) == 1.5


def test_sha256_of(tmp_path: Path) -> None:
    (tmp_path / "abc").write_bytes(b"abc")   # FIPS 180-2's first example
    assert sha256_of(tmp_path / "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# ---- FixtureWriter and Fixtures ------------------------------------------------------------------------------------

PROVENANCE = {"tensorflow": "2.21.0", "seed": 1}


def split(raw: bytes) -> tuple[dict[str, Any], bytes]:
    (n,) = struct.unpack_from("<Q", raw)
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def tensor_bytes(directory: Path, file: str, name: str) -> tuple[str, list[int], bytes]:
    header, data = split((directory / file).read_bytes())
    start, end = header[name]["data_offsets"]
    return header[name]["dtype"], header[name]["shape"], data[start:end]


def test_writer_lays_out_a_case(tmp_path: Path) -> None:
    case = Case("keras2/w/f", "special", "function", "float32", {"axis": -1},
                {"y_true": np.array([[1.0, 0.0]], np.float32), "y_pred": np.array([[0.0, -2.0]], np.float32)},
                tags=["zero-rows"])
    outcome = Outcome(value=np.array([-0.0], np.float32), reference=Reference(np.array([0.0]), np.array([0.25])),
                      gradients={"y_pred": np.array([[0.5, -0.0]], np.float32),
                                 "y_true": np.array([[-1.5, 2.0]], np.float32)},
                      gradient_references={"y_pred": Reference(np.array([[0.5, 0.0]]), np.zeros((1, 2))),
                                           "y_true": Reference(np.array([[-1.5, 2.0]]), np.ones((1, 2)))})
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    writer.add(case, outcome)
    path = writer.close()
    assert path == tmp_path / "manifest.json"
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith('{\n "format": "cosine-parity/1",\n "profile": "keras2",')
    manifest = json.loads(text)
    raw = (tmp_path / "cases-000.safetensors").read_bytes()
    assert manifest["format"] == FORMAT == "cosine-parity/1"
    assert manifest["provenance"] == PROVENANCE
    assert manifest["files"] == {"cases-000.safetensors": hashlib.sha256(raw).hexdigest()}
    [obj] = manifest["cases"]
    p = "keras2/w/f"
    assert list(obj)[:6] == ["id", "group", "api", "dtype", "args", "file"]   # fixtures/README.md's order
    # and the rest in the order the recorded manifests have them
    assert list(obj) == ["id", "group", "api", "dtype", "args", "file", "inputs", "tags", "expected", "gradients"]
    assert obj == {"id": p, "group": "special", "api": "function", "dtype": "float32", "args": {"axis": -1},
                   "file": "cases-000.safetensors", "tags": ["zero-rows"],
                   "inputs": {"y_true": f"{p}/inputs/y_true", "y_pred": f"{p}/inputs/y_pred"},
                   "expected": {"value": f"{p}/expected/value", "exact": f"{p}/expected/exact",
                                "bound": f"{p}/expected/bound",
                                "gradients": {k: {"exact": f"{p}/expected/gradients/{k}/exact",
                                                  "bound": f"{p}/expected/gradients/{k}/bound"}
                                              for k in ("y_pred", "y_true")}},
                   "gradients": {"y_pred": f"{p}/gradients/y_pred", "y_true": f"{p}/gradients/y_true"}}
    d = tmp_path
    assert tensor_bytes(d, obj["file"], f"{p}/inputs/y_true") == ("F32", [1, 2], bytes.fromhex("0000803f 00000000"))
    assert tensor_bytes(d, obj["file"], f"{p}/inputs/y_pred") == ("F32", [1, 2], bytes.fromhex("00000000 000000c0"))
    assert tensor_bytes(d, obj["file"], f"{p}/expected/value") == ("F32", [1], bytes.fromhex("00000080"))
    assert tensor_bytes(d, obj["file"], f"{p}/expected/exact") == ("F64", [1], bytes(8))
    assert tensor_bytes(d, obj["file"], f"{p}/expected/bound") == ("F64", [1], bytes.fromhex("000000000000d03f"))
    assert tensor_bytes(d, obj["file"], f"{p}/expected/gradients/y_true/exact") == (
        "F64", [1, 2], bytes.fromhex("000000000000f8bf 0000000000000040"))   # -1.5, 2.0
    # gradients keep their input's dtype and every bit (signed zero included)
    assert tensor_bytes(d, obj["file"], f"{p}/gradients/y_pred") == ("F32", [1, 2], bytes.fromhex("0000003f 00000080"))
    assert tensor_bytes(d, obj["file"], f"{p}/gradients/y_true") == ("F32", [1, 2], bytes.fromhex("0000c0bf 00000040"))
    # every tensor of the case, nothing else, tiling the data
    header, data = split(raw)
    assert len(header) == 11 and sum(e - s for s, e in (v["data_offsets"] for v in header.values())) == len(data)


def test_writer_keeps_0d_and_float16_gradients(tmp_path: Path) -> None:
    case = Case("keras2/w/h", "special", "loss", "float16", {},
                {"y_true": np.array(1.0, np.float16), "y_pred": np.array(-1.0, np.float16),
                 "sample_weight": Scalar(2)})
    outcome = Outcome(value=np.array(1.0, np.float16), reference=Reference(np.array(1.0), np.array(0.0)),
                      gradients={"y_pred": np.array(-0.0, np.float16)})
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    writer.add(case, outcome)
    writer.close()
    obj = json.loads((tmp_path / "manifest.json").read_text())["cases"][0]
    assert obj["inputs"]["sample_weight"] == {"scalar": 2}
    assert tensor_bytes(tmp_path, "cases-000.safetensors", "keras2/w/h/inputs/y_true") == ("F16", [], b"\x00\x3c")
    assert tensor_bytes(tmp_path, "cases-000.safetensors", "keras2/w/h/gradients/y_pred") == ("F16", [], b"\x00\x80")


def metric_case() -> tuple[Case, Outcome]:
    f = np.float32
    case = Case("keras2/w/m", "metric", "metric", "float32", {},
                steps=[Step({"y_true": np.array([[1.0]], f), "y_pred": np.array([[2.0]], f)}), Step(reset=True),
                       Step({"y_true": np.array([[3.0]], f), "y_pred": np.array([[4.0]], f),
                             "sample_weight": Scalar(0.5)})])
    return case, Outcome(value=np.array(0.25, f), reference=Reference(np.array(0.25), np.array(0.0)),
                         step_values=[np.array(1.0, f), None, np.array(0.25, f)],
                         step_references=[Reference(np.array(1.0), np.array(0.0)), None,
                                          Reference(np.array(0.25), np.array(2.0 ** -60))])


def test_writer_lays_out_metric_steps(tmp_path: Path) -> None:
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    writer.add(*metric_case())
    writer.close()
    obj = json.loads((tmp_path / "manifest.json").read_text())["cases"][0]
    p = "keras2/w/m"
    assert list(obj) == ["id", "group", "api", "dtype", "args", "file", "inputs", "steps", "expected"]
    assert obj["steps"] == [
        {"inputs": {"y_true": f"{p}/steps/0/inputs/y_true", "y_pred": f"{p}/steps/0/inputs/y_pred"},
         "value": f"{p}/steps/0/value", "exact": f"{p}/steps/0/exact", "bound": f"{p}/steps/0/bound"},
        {"reset": True},
        {"inputs": {"y_true": f"{p}/steps/2/inputs/y_true", "y_pred": f"{p}/steps/2/inputs/y_pred",
                    "sample_weight": {"scalar": 0.5}}, "value": f"{p}/steps/2/value", "exact": f"{p}/steps/2/exact",
         "bound": f"{p}/steps/2/bound"}]
    assert obj["inputs"] == {} and obj["expected"] == {"value": f"{p}/expected/value", "exact": f"{p}/expected/exact",
                                                       "bound": f"{p}/expected/bound"}
    assert tensor_bytes(tmp_path, obj["file"], f"{p}/steps/2/bound") == ("F64", [], bytes.fromhex("000000000000303c"))
    # 2**-60: biased exponent 1023 - 60 = 963 = 0x3C3, zero fraction: 0x3C30000000000000, little-endian
    assert tensor_bytes(tmp_path, obj["file"], f"{p}/steps/2/inputs/y_pred") == (
        "F32", [1, 1], bytes.fromhex("00008040"))   # 4.0f = 0x40800000


def test_writer_outcomes_without_values(tmp_path: Path) -> None:
    writer = FixtureWriter(tmp_path, "keras3", PROVENANCE)
    writer.add(Case("keras3/w/c", "config", "config", "", {"target": "loss"}), Outcome(config={"axis": -1}))
    writer.add(Case("keras3/w/e", "errors", "loss", "float32", {},
                    {"y_true": np.ones((1, 2), np.float32), "y_pred": np.ones((1, 3), np.float32)}),
               Outcome(error={"type": "ValueError", "message": "shapes"}))
    writer.close()
    config, error = json.loads((tmp_path / "manifest.json").read_text())["cases"]
    assert config["expected"] == {"config": {"axis": -1}} and "gradients" not in config and config["inputs"] == {}
    assert error["expected"] == {"error": {"type": "ValueError", "message": "shapes"}} and "gradients" not in error
    header, _ = split((tmp_path / "cases-000.safetensors").read_bytes())
    assert sorted(header) == ["keras3/w/e/inputs/y_pred", "keras3/w/e/inputs/y_true"]


def test_writer_with_only_tensorless_cases_still_writes_their_file(tmp_path: Path) -> None:
    """A case always names a file; if none of its tensors exist, the file is the empty safetensors file."""
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    writer.add(Case("keras2/w/c", "config", "config", "", {}), Outcome(config={}))
    writer.close()
    empty = struct.pack("<Q", 8) + b"{}" + b" " * 6
    assert (tmp_path / "cases-000.safetensors").read_bytes() == empty
    assert json.loads((tmp_path / "manifest.json").read_text())["files"] == {
        "cases-000.safetensors": hashlib.sha256(empty).hexdigest()}


def test_writer_with_no_cases_writes_no_array_file(tmp_path: Path) -> None:
    FixtureWriter(tmp_path, "keras2", PROVENANCE).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest == {"format": "cosine-parity/1", "profile": "keras2", "provenance": PROVENANCE, "files": {},
                        "cases": []}


def test_writer_refuses_nan_in_the_manifest(tmp_path: Path) -> None:
    """fixtures/README.md: "The manifest is plain JSON: no NaN or Infinity literals"."""
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    writer.add(Case("keras2/w/c", "config", "config", "", {}), Outcome(config={"epsilon": float("nan")}))
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        writer.close()


def big_case(index: int, mib: float, prefix: str = "keras2/w/big") -> tuple[Case, Outcome]:
    """A function case whose y_true and y_pred are `mib` MiB each (bool, so 1 byte per element)."""
    n = int(mib * 1024 * 1024)
    ones = np.ones(n, np.bool_)
    return (Case(f"{prefix}/{index}", "special", "function", "bool", {}, {"y_true": ones, "y_pred": ones}),
            Outcome(value=np.array(True)))


def test_writer_splits_files_at_8_mib(tmp_path: Path) -> None:
    """Three cases of 3 MiB: two fit in one file of at most 8 MiB, the third starts the next file."""
    assert MAX_FILE_BYTES == 8 * 1024 * 1024
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    for i in range(3):
        writer.add(*big_case(i, 1.5))
    writer.close()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [c["file"] for c in manifest["cases"]] == ["cases-000.safetensors"] * 2 + ["cases-001.safetensors"]
    assert sorted(manifest["files"]) == ["cases-000.safetensors", "cases-001.safetensors"]
    for name, digest in manifest["files"].items():
        raw = (tmp_path / name).read_bytes()
        assert len(raw) <= 8 * 1024 * 1024 and hashlib.sha256(raw).hexdigest() == digest
        header, _ = split(raw)
        assert {k.split("/")[3] for k in header} == {c["id"].split("/")[3] for c in manifest["cases"]
                                                     if c["file"] == name}


def test_writer_fills_a_file_close_to_8_mib(tmp_path: Path) -> None:
    """Two cases of 3.99 MiB share one file (7.98 MiB of data): no new file before it is needed."""
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    for i in range(2):
        writer.add(*big_case(i, 1.995))
    writer.close()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert list(manifest["files"]) == ["cases-000.safetensors"]
    assert (tmp_path / "cases-000.safetensors").stat().st_size > 7.9 * 1024 * 1024


def test_writer_refuses_a_case_larger_than_a_file(tmp_path: Path) -> None:
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    with pytest.raises(ValueError, match=r"^case keras2/w/big/0 alone needs \d+ bytes, more than one array file may "
                                         r"hold$"):
        writer.add(*big_case(0, 4.0))


def test_writer_refuses_a_file_that_comes_out_too_large(tmp_path: Path) -> None:
    """Tensor names far longer than usual make the header outgrow the writer's estimate: the written file is
    measured, and one over 8 MiB is an error, not a silent contract violation."""
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    writer.add(*big_case(0, 3.999, prefix="keras2/" + "x" * 3000))
    with pytest.raises(ValueError, match=r"^cases-000\.safetensors came out at \d+ bytes, over 8388608$"):
        writer.close()


def test_fixtures_read_back_what_was_written(tmp_path: Path) -> None:
    f = np.float32
    loss = Case("keras2/w/l", "special", "loss", "float32", {"reduction": "sum"},
                {"y_true": np.array([[1.0, 2.0]], f), "y_pred": np.array([[-3.0, 4.0]], f),
                 "sample_weight": np.array([True])}, tags=["t"])
    loss_out = Outcome(value=np.array(-0.5, f), reference=Reference(np.array(-0.5), np.array(1e-9)),
                       gradients={"y_pred": np.array([[0.25, 0]], f)},
                       gradient_references={"y_pred": Reference(np.array([[0.25, 0]]), np.array([[1e-9, np.inf]]))})
    metric, metric_out = metric_case()
    average = Case("keras2/w/a", "average-loss", "compute_average_loss", "float32", {"global_batch_size": 2},
                   {"per_example_loss": np.array([1.0, 3.0], f)})
    average_out = Outcome(value=np.array(2.0, f))    # no exact: read back as None
    error = Case("keras2/w/e", "errors", "loss", "float32", {}, {"y_true": np.ones(2, f), "y_pred": np.ones(3, f)})
    error_out = Outcome(error={"type": "ValueError", "message": "m"})
    config = Case("keras2/w/c", "config", "config", "", {"target": "loss"})
    config_out = Outcome(config={"axis": -1})
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    written = [(loss, loss_out), (metric, metric_out), (average, average_out), (error, error_out),
               (config, config_out)]
    for c, o in written:
        writer.add(c, o)
    writer.close()
    fixtures = Fixtures(tmp_path)
    assert fixtures.manifest["profile"] == "keras2"
    read = list(fixtures)
    assert len(read) == 5
    for (c, o), (rc, ro) in zip(written, read):
        assert (rc.id, rc.group, rc.api, rc.dtype, rc.args, rc.tags) == (c.id, c.group, c.api, c.dtype, c.args, c.tags)
        assert set(rc.inputs) == set(c.inputs)
        for name, value in c.inputs.items():
            if isinstance(value, Scalar):
                assert rc.inputs[name] == value
            else:
                got = rc.inputs[name]
                assert isinstance(got, np.ndarray) and got.dtype == value.dtype and bits(got) == bits(value)
                assert got.shape == value.shape
        assert ro.error == o.error and ro.config == o.config
        for a, b in ((o.value, ro.value), (o.exact, ro.exact), (o.bound, ro.bound)):
            assert (a is None) == (b is None) and (a is None or (bits(a) == bits(b) and a.dtype == b.dtype
                                                                and a.shape == b.shape))
        assert (o.gradients is None) == (ro.gradients is None)
        for name, g in (o.gradients or {}).items():
            assert ro.gradients is not None and ro.gradients[name].dtype == g.dtype and bits(ro.gradients[name]) == \
                bits(g)
    refs = read[0][1].gradient_references
    assert refs is not None and list(refs) == ["y_pred"] and refs["y_pred"].bound.tolist() == [[1e-9, np.inf]]
    assert refs["y_pred"].exact.tolist() == [[0.25, 0.0]] and read[1][1].gradient_references is None
    _, metric_read = read[1]
    step_refs = metric_read.step_references
    assert step_refs is not None and step_refs[1] is None and step_refs[0] is not None and step_refs[2] is not None
    assert float(step_refs[0].exact) == 1.0 and float(step_refs[2].bound) == 2.0 ** -60
    assert metric_read.step_values is not None and metric_read.step_values[1] is None
    assert [None if v is None else float(v) for v in metric_read.step_values] == [1.0, None, 0.25]
    steps = read[1][0].steps
    assert steps is not None and [s.reset for s in steps] == [False, True, False]
    assert steps[2].inputs is not None and steps[2].inputs["sample_weight"] == Scalar(0.5)
    assert read[0][1].step_values is None and read[2][1].exact is None
    assert fixtures.tensors("cases-000.safetensors") is fixtures.tensors("cases-000.safetensors")   # read once


# ---- how the writer packs cases into files ---------------------------------------------------------------------------
# FixtureWriter packs greedily: a case joins the current file unless the file's estimated size would pass 8 MiB,
# the estimate being the data plus 200 bytes of header per tensor (store.py); the file is measured once written.

def sized_case(index: int, data_bytes: int, prefix: str = "keras2/w/s") -> tuple[Case, Outcome]:
    """A function case of 3 bool tensors holding `data_bytes` bytes in all: estimated at data_bytes + 600."""
    n, extra = divmod(data_bytes - 1, 2)
    value = np.ones(1 + extra, np.bool_) if extra else np.array(True)
    ones = np.ones(n, np.bool_)
    return Case(f"{prefix}/{index}", "special", "function", "bool", {}, {"y_true": ones, "y_pred": ones}), \
        Outcome(value=value)


def files_of(directory: Path) -> list[str]:
    return [c["file"] for c in json.loads((directory / "manifest.json").read_text())["cases"]]


def test_writer_packing_at_the_exact_limit(tmp_path: Path) -> None:
    """Cases 0 and 1 are estimated at exactly 8 MiB together: they share a file; case 2 does not fit beside them
    and starts the next file, which case 3 fills to exactly 8 MiB again."""
    half = MAX_FILE_BYTES // 2 - 600          # data of a case estimated at half of 8 MiB
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    for i in range(4):
        writer.add(*sized_case(i, half))
    writer.close()
    assert files_of(tmp_path) == ["cases-000.safetensors"] * 2 + ["cases-001.safetensors"] * 2
    assert all((tmp_path / f).stat().st_size <= MAX_FILE_BYTES for f in set(files_of(tmp_path)))


def test_writer_packing_one_byte_over(tmp_path: Path) -> None:
    half = MAX_FILE_BYTES // 2 - 600
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    writer.add(*sized_case(0, half))
    writer.add(*sized_case(1, half + 1))
    writer.close()
    assert files_of(tmp_path) == ["cases-000.safetensors", "cases-001.safetensors"]


def test_writer_takes_a_case_estimated_at_exactly_8_mib(tmp_path: Path) -> None:
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    writer.add(*sized_case(0, MAX_FILE_BYTES - 600))
    writer.close()
    assert files_of(tmp_path) == ["cases-000.safetensors"]
    with pytest.raises(ValueError, match=r"^case keras2/w/s/1 alone needs 8388609 bytes"):
        FixtureWriter(tmp_path, "keras2", PROVENANCE).add(*sized_case(1, MAX_FILE_BYTES - 599))


def test_writer_accepts_a_file_of_exactly_8_mib(tmp_path: Path) -> None:
    """Long tensor names make the header larger than estimated; the data is chosen so the written file is exactly
    8 MiB, which the contract allows ("at most 8 MiB")."""
    prefix = "keras2/" + "x" * 300

    def header_bytes(n: int) -> int:
        # the layout pinned by test_write_safetensors_byte_for_byte: compact JSON, padded with spaces to 8
        names = [f"{prefix}/0/inputs/y_true", f"{prefix}/0/inputs/y_pred", f"{prefix}/0/expected/value"]
        header = {names[0]: {"dtype": "BOOL", "shape": [n], "data_offsets": [0, n]},
                  names[1]: {"dtype": "BOOL", "shape": [n], "data_offsets": [n, 2 * n]},
                  names[2]: {"dtype": "BOOL", "shape": [2], "data_offsets": [2 * n, 2 * n + 2]}}
        size = len(json.dumps(header, separators=(",", ":")))
        return size + (-size % 8)

    # y_true and y_pred of n bools and a value of 2: 2n + 2 bytes of data after 8 + header bytes
    n = (MAX_FILE_BYTES - 8 - 2 - header_bytes(4_000_000)) // 2
    assert 8 + header_bytes(n) + 2 * n + 2 == MAX_FILE_BYTES      # the digits of n do not change the padded size
    writer = FixtureWriter(tmp_path, "keras2", PROVENANCE)
    writer.add(*sized_case(0, 2 * n + 2, prefix))
    writer.close()
    assert (tmp_path / "cases-000.safetensors").stat().st_size == MAX_FILE_BYTES

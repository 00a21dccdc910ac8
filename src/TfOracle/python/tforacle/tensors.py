"""Array dtypes and the two ways a tensor leaves Python: safetensors bytes and inline wire JSON."""
from __future__ import annotations

import base64
from dataclasses import dataclass

import ml_dtypes
import numpy as np

# Largest tensor any request or fixture may carry (2**24 elements, as the wire contract allows).
MAX_ELEMENTS = 1 << 24


@dataclass(frozen=True)
class DType:
    name: str          # the name used in cases and on the wire ("float32")
    code: str          # the safetensors code ("F32")
    numpy: np.dtype

    @property
    def is_float(self) -> bool:
        return self.code in ("F16", "BF16", "F32", "F64")


DTYPES: dict[str, DType] = {
    d.name: d
    for d in (
        DType("float16", "F16", np.dtype(np.float16)),
        DType("bfloat16", "BF16", np.dtype(ml_dtypes.bfloat16)),
        DType("float32", "F32", np.dtype(np.float32)),
        DType("float64", "F64", np.dtype(np.float64)),
        DType("int64", "I64", np.dtype(np.int64)),
        DType("bool", "BOOL", np.dtype(np.bool_)),
    )
}
BY_CODE: dict[str, DType] = {d.code: d for d in DTYPES.values()}
FLOAT_NAMES = tuple(n for n, d in DTYPES.items() if d.is_float)


class TensorError(ValueError):
    """A tensor description that cannot be turned into an array."""


def dtype_of(array: np.ndarray) -> DType:
    for d in DTYPES.values():
        if array.dtype == d.numpy:
            return d
    raise TensorError(f"unsupported array dtype {array.dtype}")


def to_bytes(array: np.ndarray) -> bytes:
    """Raw little-endian, C-order bytes."""
    arr = np.ascontiguousarray(array)
    if arr.dtype.byteorder == ">":
        arr = arr.byteswap().view(arr.dtype.newbyteorder("<"))
    return arr.tobytes()


def element_count(shape: list[int] | tuple[int, ...]) -> int:
    count = 1
    for dim in shape:
        count *= dim
    return count


def check_layout(dtype_name: object, shape: object) -> int:
    """Validates a dtype name and shape; returns the byte count the data must have."""
    if not isinstance(dtype_name, str) or dtype_name not in DTYPES:
        raise TensorError(f"unknown dtype {dtype_name!r}; expected one of {sorted(DTYPES)}")
    if not isinstance(shape, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise TensorError(f"shape must be a list of non-negative integers, got {shape!r}")
    count = element_count(shape)
    if count > MAX_ELEMENTS:
        raise TensorError(f"tensor has {count} elements; at most {MAX_ELEMENTS} are accepted")
    return count * DTYPES[dtype_name].numpy.itemsize


def from_bytes(data: bytes, dtype_name: str, shape: list[int]) -> np.ndarray:
    size = check_layout(dtype_name, shape)
    if len(data) != size:
        raise TensorError(f"data holds {len(data)} bytes but shape {shape} of {dtype_name} needs {size}")
    dtype = DTYPES[dtype_name].numpy
    return np.frombuffer(data, dtype=dtype.newbyteorder("<")).astype(dtype).reshape(shape)


def to_wire(array: np.ndarray) -> dict:
    return {"dtype": dtype_of(array).name, "shape": list(array.shape),
            "data": base64.b64encode(to_bytes(array)).decode("ascii")}


def from_wire(obj: object) -> np.ndarray:
    if not isinstance(obj, dict) or set(obj) != {"dtype", "shape", "data"}:
        raise TensorError('an inline tensor is an object with exactly "dtype", "shape" and "data"')
    size = check_layout(obj["dtype"], obj["shape"])
    text = obj["data"]
    if not isinstance(text, str):
        raise TensorError("tensor data must be a base64 string")
    if len(text) != 4 * ((size + 2) // 3):   # checked before decoding, so a huge string costs nothing
        raise TensorError(f"base64 data of {len(text)} characters cannot hold the {size} bytes that "
                          f"shape {obj['shape']} of {obj['dtype']} needs")
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise TensorError(f"tensor data is not valid base64: {exc}") from None
    return from_bytes(data, obj["dtype"], obj["shape"])

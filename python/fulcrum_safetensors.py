"""Reading and writing safetensors files with numpy alone, for Python users of
fulcrum's checkpoints where the `safetensors` package is not installed (Debian
does not package it).

    tensors, metadata = load_file("runs/quickstart/best.safetensors")
    model.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()})

The format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
header length, a JSON header mapping each tensor name to its dtype, shape and
[begin, end) byte range in the data that follows, and an optional
"__metadata__" object of strings.
"""

import json
import struct

import numpy as np

_DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16,
           "I64": np.int64, "I32": np.int32, "U8": np.uint8}
_NAMES = {np.dtype(v): k for k, v in _DTYPES.items()}


def load_file(path):
    """Returns ({name: numpy array}, {metadata key: value}) of the file at `path`."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    buffer = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = np.dtype(_DTYPES[entry["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(buffer[begin:end], dtype=dtype).reshape(entry["shape"]).copy()
    return tensors, metadata


def save_file(tensors, path, metadata=None):
    """Writes {name: numpy array} (and string metadata) to `path`."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        raw = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _NAMES[array.dtype.newbyteorder("=")],
                        "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))

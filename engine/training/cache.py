"""The model cache: one .npz per trained model, keyed by data, configuration and code version.

Each file is written to a temporary name in the same directory and renamed into place, so a
process killed during a save leaves the previous file intact. Files are read with
`np.load(allow_pickle=False)` only; a corrupt or truncated file raises CacheError (callers
report it in one line and rebuild)."""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

import engine
from engine.data.dataset import Dataset
from engine.errors import CacheError
from engine.files import atomic_write_bytes
from engine.paths import cache_dir

_META = "__meta__"
#: the engine source that decides what a trained model is: the data it reads and the model code
_CODE = ("data/dataset.py", "data/readers.py", "data/features.py", "data/split.py", "ops.py", "models/**/*.py")


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the engine source that decides what a trained model is."""
    root = Path(engine.__file__).parent
    files = sorted({path for pattern in _CODE for path in root.glob(pattern)})
    digest = hashlib.sha256(engine.__version__.encode())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_key(name: str, params: dict[str, Any], dataset: Dataset) -> str:
    blob = json.dumps({"model": name, "params": params, "data": dataset.fingerprint,
                       "code": code_version()}, sort_keys=True, default=list)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


class ModelCache:
    """Save and load exported model arrays plus metadata under one directory."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else cache_dir()

    def path(self, name: str, params: dict[str, Any], dataset: Dataset) -> Path:
        return self.root / "models" / f"{name}-{cache_key(name, params, dataset)}.npz"

    def save(self, path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        meta = {**meta, "arrays": {k: [str(v.dtype), list(v.shape)] for k, v in arrays.items()}}
        payload = {**arrays, _META: np.array(json.dumps(meta))}
        atomic_write_bytes(path, lambda handle: np.savez(handle, **payload))

    def load(self, path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
        """(arrays, meta), or None when there is no file. CacheError when it is damaged."""
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in archive.files}
            meta = json.loads(str(arrays.pop(_META)))
            for key, (dtype, shape) in meta["arrays"].items():
                if key not in arrays or str(arrays[key].dtype) != dtype or list(arrays[key].shape) != shape:
                    raise ValueError(f"array {key} missing or reshaped")
            if set(arrays) != set(meta["arrays"]):
                raise ValueError("unexpected arrays")
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
            raise CacheError(f"cache file {path} is corrupt ({type(exc).__name__}: {exc}); rebuilding") from None
        return arrays, meta

    def save_json(self, name: str, payload: Any) -> Path:
        path = self.root / name
        atomic_write_bytes(path, lambda h: h.write(json.dumps(payload, indent=2).encode()))
        return path

    def load_json(self, name: str) -> Any | None:
        path = self.root / name
        try:
            return json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None

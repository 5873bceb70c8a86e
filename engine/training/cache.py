"""The model cache: one .npz per trained model, keyed by data, configuration and code version.

Each file is written to a temporary name in the same directory and renamed into place, so a
process killed during a save leaves the previous file intact. Files are read with
`np.load(allow_pickle=False)` only, and trusted only after checking what they say they are: a
corrupt, truncated, foreign or non-finite file raises CacheError (callers report it in one line and
rebuild). An unusable cache location raises CacheLocationError before any training."""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

import cratedig.engine as engine
from cratedig.engine.data.types import Dataset
from cratedig.engine.errors import CacheError, CacheLocationError
from cratedig.engine.files import atomic_write_bytes, remove_stale_temporaries
from cratedig.engine.paths import cache_dir

_META = "__meta__"
#: the engine source that decides what a trained model is: the data it reads and the model code
_CODE = ("data/types.py", "data/hetrec.py", "data/readers.py", "data/features.py", "data/split.py", "ops.py", "models/**/*.py")


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


def _problem(path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any], expect: dict[str, Any]) -> str | None:
    """What is wrong with a loaded cache file, or None."""
    for field, wanted in expect.items():
        if meta.get(field) != wanted:
            return f"for {field} {meta.get(field)!r}, not {wanted!r}"
    declared = meta["arrays"]
    if set(arrays) != set(declared):
        return "corrupt (its arrays are not the ones it lists)"
    for key, (dtype, shape) in declared.items():
        if str(arrays[key].dtype) != dtype or list(arrays[key].shape) != shape:
            return f"corrupt (array {key} is not {dtype} {shape})"
    if content_hash(arrays) != meta["sha256"]:
        return "corrupt (its content hash does not match)"
    for key, value in arrays.items():
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            return f"unusable (array {key} holds NaN or infinite values)"
    return None


def cache_key(name: str, params: dict[str, Any], dataset: Dataset) -> str:
    blob = json.dumps({"model": name, "params": params, "data": dataset.fingerprint,
                       "code": code_version()}, sort_keys=True, default=list)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def content_hash(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over every array's name, dtype, shape and bytes, in name order."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        value = np.ascontiguousarray(arrays[key])
        digest.update(f"{key}:{value.dtype.str}:{value.shape}".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()


class ModelCache:
    """Save and load exported model arrays plus metadata under one directory. Each file says what
    it is (model, key, data fingerprint, arrays, content hash); loading checks all of it."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else cache_dir()

    def path(self, name: str, params: dict[str, Any], dataset: Dataset) -> Path:
        return self.root / "models" / f"{name}-{cache_key(name, params, dataset)}.npz"

    def check_writable(self) -> None:
        """Raise CacheLocationError now, before any training, if trained models could not be saved."""
        where = f"{self.root}" + (" (from CRATEDIG_CACHE)" if os.environ.get("CRATEDIG_CACHE") else "")
        models = self.root / "models"
        try:
            for folder in (self.root, models):
                if folder.exists() and not folder.is_dir():
                    raise CacheLocationError(f"cache directory {where}: {folder} is not a directory; "
                                             "set CRATEDIG_CACHE to a writable directory")
            models.mkdir(parents=True, exist_ok=True)
            probe = models / f".write-test.pid{os.getpid()}.tmp"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise CacheLocationError(f"cache directory {where} is not writable ({exc.strerror or exc}); "
                                     "set CRATEDIG_CACHE to a writable directory") from None

    def save(self, path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        meta = {**meta, "key": path.stem, "arrays": {k: [str(v.dtype), list(v.shape)] for k, v in arrays.items()},
                "sha256": content_hash(arrays)}
        payload = {**arrays, _META: np.array(json.dumps(meta))}
        remove_stale_temporaries(path.parent)
        atomic_write_bytes(path, lambda handle: np.savez(handle, **payload))

    def load(self, path: Path, expect: dict[str, Any] | None = None
             ) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
        """(arrays, meta), or None when there is no file. CacheError (one line; callers rebuild)
        when it is damaged, is not what `expect` says it should be (model, data...), or holds
        anything but finite numbers."""
        if not path.exists():
            return None
        if not path.is_file():
            raise CacheLocationError(f"cache file {path} is not a regular file; remove it or set CRATEDIG_CACHE")
        try:
            with np.load(path, allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in archive.files}
            meta = json.loads(str(arrays.pop(_META)))
            problem = _problem(path, arrays, meta, {"key": path.stem, **(expect or {})})
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
            problem = f"corrupt ({type(exc).__name__}: {exc})"
        if problem:
            raise CacheError(f"cache file {path} is {problem}; rebuilding")
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

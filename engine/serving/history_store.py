"""Saved listening histories: one file a history in the user state dir (histories/NAME.npz), written
whole or not at all, read back only as a regular file of bounded size. A history keeps the names as
written in the exports; the matches made on one dataset are kept with that dataset's fingerprint
and made again on other data."""
from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cratedig.engine.data.listens import ListeningHistory
from cratedig.engine.errors import NotFoundError, UsageError
from cratedig.engine.files import atomic_write_bytes, read_regular_file, remove_stale_temporaries
from cratedig.engine.paths import state_dir

FOLDER = "histories"
FORMAT = "cratedig-history/1"
MAX_FILE_BYTES = 512 << 20
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_SEPARATOR = "\x00"


@dataclass(frozen=True)
class StoredMatches:
    """The matches made for a history's names on the data with `fingerprint`."""

    fingerprint: str
    artist_id: np.ndarray  # int64 per name: the catalogue's artist id, -1 unmatched
    how: list[str]
    score: np.ndarray  # float32 per name


def valid_name(name: str) -> bool:
    return isinstance(name, str) and bool(_NAME.match(name)) and not name.endswith(".")


def check_name(name: str) -> str:
    if not valid_name(name):
        raise UsageError(f"history name {str(name)[:70]!r}: use letters, digits, '.', '_' or '-' "
                         "(at most 64, starting with a letter or digit)")
    return name


def folder() -> Path:
    return state_dir() / FOLDER


def history_path(name: str) -> Path:
    return folder() / f"{check_name(name)}.npz"


def saved_names() -> list[str]:
    try:
        return sorted(p.stem for p in folder().glob("*.npz") if _NAME.match(p.stem) and p.is_file())
    except OSError:
        return []


def exists(name: str) -> bool:
    return valid_name(name) and history_path(name).is_file()


def _blob(values: list[str]) -> np.ndarray:
    return np.frombuffer(_SEPARATOR.join(values).encode("utf-8", "surrogatepass"), dtype=np.uint8)


def _unblob(blob: np.ndarray, n: int) -> list[str]:
    values = blob.tobytes().decode("utf-8", "surrogatepass").split(_SEPARATOR) if n else []
    if len(values) != n:
        raise ValueError("name count does not match")
    return values


def save(name: str, history: ListeningHistory, matches: StoredMatches) -> Path:
    """Write the history and its matches whole (replacing a saved one of that name)."""
    path = history_path(name)
    names = [n.replace(_SEPARATOR, " ") for n in history.names]
    meta = {"format": FORMAT, "name": name, "files": history.files, "formats": history.formats,
            "listens": history.listens, "skipped": history.skipped, "examples": history.examples,
            "fingerprint": matches.fingerprint, "how": matches.how}
    arrays = {"meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8", "surrogatepass"), np.uint8),
              "names": _blob(names), "mbids": _blob(history.mbids),
              "urls": _blob([history.url(i).replace(_SEPARATOR, " ") for i in range(history.n_names)]),
              "pair_name": history.pair_name,
              "pair_day": history.pair_day, "pair_plays": history.pair_plays, "last_played": history.last_played,
              "artist_id": matches.artist_id.astype(np.int64), "score": matches.score.astype(np.float32)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path.parent)
        atomic_write_bytes(path, lambda handle: np.savez(handle, **arrays))
    except OSError as exc:
        raise UsageError(f"cannot save history {name!r} in {path.parent}: {exc.strerror or exc}") from None
    return path


def load(name: str) -> tuple[ListeningHistory, StoredMatches]:
    """A saved history and its matches; UsageError when there is none or it cannot be read."""
    path = history_path(name)
    try:
        with np.load(io.BytesIO(read_regular_file(path, MAX_FILE_BYTES)), allow_pickle=False) as stored:
            a = {key: stored[key] for key in stored.files}
        meta = json.loads(a["meta"].tobytes().decode("utf-8", "surrogatepass"))
        if meta.get("format") != FORMAT:
            raise ValueError("not a cratedig history")
        n = len(a["last_played"])
        history = ListeningHistory(
            names=_unblob(a["names"], n), mbids=_unblob(a["mbids"], n), pair_name=a["pair_name"],
            pair_day=a["pair_day"], pair_plays=a["pair_plays"], last_played=a["last_played"],
            files=[str(f) for f in meta["files"]], formats=dict(meta["formats"]), listens=int(meta["listens"]),
            skipped=dict(meta["skipped"]), examples=[str(e) for e in meta["examples"]],
            urls=_unblob(a["urls"], n) if "urls" in a else [])
        if len(a["artist_id"]) != n or len(meta["how"]) != n or (len(history.pair_name) and
                                                                  history.pair_name.max() >= n):
            raise ValueError("arrays do not agree")
        return history, StoredMatches(str(meta["fingerprint"]), a["artist_id"], list(meta["how"]), a["score"])
    except FileNotFoundError:
        known = ", ".join(saved_names()) or "none yet"
        raise NotFoundError(f"no saved history {name!r} (saved: {known}); import one first") from None
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile, io.UnsupportedOperation) as exc:
        raise UsageError(f"saved history {name!r} ({path}) cannot be read ({exc}); import it again") from None


def remove(name: str) -> Path:
    path = history_path(name)
    try:
        path.unlink()
    except FileNotFoundError:
        raise NotFoundError(f"no saved history {name!r}") from None
    except OSError as exc:
        raise UsageError(f"cannot remove history {name!r}: {exc.strerror or exc}") from None
    return path

"""A parsed copy of a large dataset in the cache, so that the next command reads arrays (seconds)
instead of parsing 1.6 GB of text again (two minutes for Last.fm-360K here).

The copy is keyed by the dataset files' resolved paths, sizes and modification times (and this
module's FORMAT), so an edited or replaced file is parsed again; it is written whole or not at all
(engine.files), and a copy that cannot be read — damaged, or from another version — is ignored and
rewritten. Failing to write it is never an error: the parsed dataset is still returned. Copies of
other versions of the files are removed when a new one is written (one copy per directory)."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from cratedig.engine.data.types import Dataset, Plays, Profiles, TagAssignments, frozen
from cratedig.engine.files import atomic_write_bytes, remove_stale_temporaries
from cratedig.engine.paths import cache_dir

FORMAT = 2  # 2: artist MBIDs kept
_SEPARATOR = "\x00"


def parsed_copy_path(directory: Path, files: Sequence[str], root: Path | None = None) -> Path | None:
    """Where the parsed copy of these files lives, or None when a file cannot be examined."""
    digest = hashlib.sha256(f"{FORMAT}".encode())
    try:
        base = directory.resolve()
        for name in files:
            path = base / name
            status = path.stat() if path.exists() else None
            digest.update(f"\n{path}\t{status.st_size if status else -1}\t{status.st_mtime_ns if status else -1}".encode(
                "utf-8", "surrogateescape"))
    except OSError:
        return None
    folder = hashlib.sha256(str(base).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return (root or cache_dir()) / "parsed" / folder / f"{digest.hexdigest()[:16]}.npz"


def load_with_parsed_copy(directory: Path, files: Sequence[str], parse: Callable[[Path], Dataset],
                          root: Path | None = None) -> Dataset:
    """The dataset in `directory`: from its parsed copy when one matches the files, else parsed
    (`parse`) and the copy written for next time."""
    path = parsed_copy_path(directory, files, root)
    if path is not None:
        data = read_parsed(path, directory)
        if data is not None:
            return data
    data = parse(directory)
    if path is not None:
        write_parsed(path, data)
    return data


def _strings(values: np.ndarray) -> np.ndarray:
    text = _SEPARATOR.join(str(v) for v in values.tolist())
    return np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)


def _unstrings(blob: np.ndarray, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype=object)
    values = np.asarray(blob.tobytes().decode("utf-8", "surrogatepass").split(_SEPARATOR), dtype=object)
    if len(values) != n:
        raise ValueError("string count does not match")
    return values


def _arrays(data: Dataset) -> dict[str, np.ndarray] | None:
    """The dataset as plain arrays (None when a name holds the separator: not cached)."""
    names = (data.artist_names, data.tag_names) + ((data.profiles.countries,) if data.profiles else ())
    if any(_SEPARATOR in str(v) for column in names for v in column.tolist()):
        return None
    arrays = {
        "listener_ids": data.listener_ids, "artist_ids": data.artist_ids, "tag_ids": data.tag_ids,
        "artist_names": _strings(data.artist_names), "tag_names": _strings(data.tag_names),
        "plays_listener": data.plays.listener, "plays_artist": data.plays.artist, "plays_weight": data.plays.weight,
        "taggings_listener": data.taggings.listener, "taggings_artist": data.taggings.artist,
        "taggings_tag": data.taggings.tag, "taggings_time": data.taggings.time, "friends": data.friends,
        "meta": np.frombuffer(json.dumps({"format": FORMAT, "kind": data.kind, "quirks": data.quirks,
                                          "profiles": data.profiles is not None,
                                          "countries": len(data.profiles.countries) if data.profiles else 0,
                                          }).encode(), dtype=np.uint8),
    }
    if data.artist_mbids is not None:
        arrays["artist_mbids"] = _strings(data.artist_mbids)
    if data.profiles is not None:
        arrays.update(profile_gender=data.profiles.gender, profile_age=data.profiles.age,
                      profile_country=data.profiles.country, profile_signup=data.profiles.signup,
                      profile_countries=_strings(data.profiles.countries))
    return arrays


def write_parsed(path: Path, data: Dataset) -> bool:
    """Write the parsed copy (whole or not at all) and drop older copies of the same directory;
    False when it could not be written (no space, read-only cache): never an error."""
    arrays = _arrays(data)
    if arrays is None:
        return False
    try:
        remove_stale_temporaries(path.parent)
        atomic_write_bytes(path, lambda handle: np.savez(handle, **arrays))
        for other in path.parent.glob("*.npz"):
            if other != path:
                other.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def read_parsed(path: Path, directory: Path) -> Dataset | None:
    """The dataset from its parsed copy, or None when there is none or it cannot be read."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            a = {key: stored[key] for key in stored.files}
        meta = json.loads(a["meta"].tobytes().decode())
        if meta.get("format") != FORMAT:
            return None
        profiles = None
        if meta["profiles"]:
            profiles = Profiles(*(frozen(a[f"profile_{k}"]) for k in ("gender", "age", "country", "signup")),
                                _unstrings(a["profile_countries"], meta["countries"]))
        return Dataset(
            listener_ids=frozen(a["listener_ids"]), artist_ids=frozen(a["artist_ids"]),
            artist_names=frozen(_unstrings(a["artist_names"], len(a["artist_ids"]))),
            tag_ids=frozen(a["tag_ids"]), tag_names=frozen(_unstrings(a["tag_names"], len(a["tag_ids"]))),
            plays=Plays(*(frozen(a[f"plays_{k}"]) for k in ("listener", "artist", "weight"))),
            taggings=TagAssignments(*(frozen(a[f"taggings_{k}"]) for k in ("listener", "artist", "tag", "time"))),
            friends=frozen(a["friends"]),
            quirks=tuple(tuple(row) for row in meta["quirks"]),
            source=str(directory.resolve()),
            kind=meta["kind"],
            profiles=profiles,
            artist_mbids=frozen(_unstrings(a["artist_mbids"], len(a["artist_ids"]))) if "artist_mbids" in a else None,
        )
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile, io.UnsupportedOperation):
        return None

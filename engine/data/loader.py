"""The loader that picks a reader: which dataset a directory holds, and the Dataset read from it
(HetRec's files directly; Last.fm-360K's through its parsed copy in the cache)."""
from __future__ import annotations

from pathlib import Path

from cratedig.engine.data import readers
from cratedig.engine.data.hetrec import load_hetrec
from cratedig.engine.data.lastfm360k import FILES, PLAYS_FILE, load_lastfm360k
from cratedig.engine.data.parsed import load_with_parsed_copy
from cratedig.engine.data.types import HETREC_2K, KINDS, LASTFM_360K, Dataset
from cratedig.engine.errors import DataError


def dataset_kind(directory: Path) -> str:
    """Which dataset a directory holds, from the files present (HetRec when neither is there, so
    that the error names HetRec's files)."""
    try:
        if (directory / PLAYS_FILE).is_file() and not (directory / readers.PLAYS.name).is_file():
            return LASTFM_360K
    except OSError:
        pass
    return HETREC_2K


def load_dataset(directory: str | Path, kind: str | None = None) -> Dataset:
    """Load and validate a dataset directory of `kind` (default: told from its files). Raises
    DataError on a fatal problem."""
    directory = Path(directory)
    try:
        found = directory.is_dir()
    except OSError as exc:
        raise DataError(directory, f"cannot open the dataset directory: {exc.strerror or exc}") from None
    if not found:
        raise DataError(directory, "dataset directory not found (download it with `cratedig fetch` or from the app)")
    kind = kind or dataset_kind(directory)
    if kind == LASTFM_360K:  # minutes to parse at full size: read from its parsed copy when it has one
        return load_with_parsed_copy(directory, FILES, load_lastfm360k)
    if kind != HETREC_2K:
        raise DataError(directory, f"unknown dataset kind {kind!r}: expected one of {', '.join(KINDS)}")
    return load_hetrec(directory)

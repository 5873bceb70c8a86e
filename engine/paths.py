"""Where things live: the dataset (the data folder given, then CRATEDIG_DATA, then the user data dir), the model
cache (CRATEDIG_CACHE) and the app's state (CRATEDIG_STATE), else the platformdirs defaults."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from cratedig.engine.errors import SettingError, UsageError

APP_NAME = "cratedig"
DATASET_DIRNAME = "hetrec2011-lastfm-2k"
#: the folder each dataset kind is fetched into under the user data dir
DATASET_DIRNAMES = {"hetrec-2k": DATASET_DIRNAME, "lastfm-360k": "lastfm-dataset-360K"}


def _first_given(*choices: tuple[str | os.PathLike | None, str]) -> Path | None:
    """The first (path, where it came from: a setting or an environment variable) given, with ~
    expanded; None when none is."""
    for given, source in choices:
        if given:
            try:
                return Path(given).expanduser()
            except RuntimeError:  # "~nosuchuser/..."
                if source.isupper():  # an environment variable is named as it is
                    raise UsageError(f"{source} {given}: no such user's home directory") from None
                raise SettingError(source, "{setting} {path}: no such user's home directory", path=given) from None
    return None


def user_data_root() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_data_dir(kind: str | None = None) -> Path:
    """Where `cratedig fetch` puts the dataset of `kind` (default HetRec) when nothing else is said."""
    return user_data_root() / DATASET_DIRNAMES.get(kind or "hetrec-2k", DATASET_DIRNAME)


def resolve_data_dir(explicit: str | os.PathLike | None = None, kind: str | None = None) -> Path:
    """The dataset directory: the explicit one, else $CRATEDIG_DATA, else the user data dir of
    `kind`; with no kind, the HetRec one, or the Last.fm-360K one when only that was fetched."""
    given = _first_given((explicit, "data"), (os.environ.get("CRATEDIG_DATA"), "CRATEDIG_DATA"))
    if given is not None:
        return given
    if kind is None and not default_data_dir().exists() and default_data_dir("lastfm-360k").exists():
        return default_data_dir("lastfm-360k")
    return default_data_dir(kind)


def demo_data_dir() -> Path:
    """Where the synthetic demo dataset is written (made on first use, no download)."""
    return user_data_root() / "demo"


def cache_dir() -> Path:
    """Root of the model cache: $CRATEDIG_CACHE, else the platformdirs user cache dir."""
    return _first_given((os.environ.get("CRATEDIG_CACHE"), "CRATEDIG_CACHE")) \
        or Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Where the app keeps the last session and settings: $CRATEDIG_STATE, else the user state dir."""
    return _first_given((os.environ.get("CRATEDIG_STATE"), "CRATEDIG_STATE")) \
        or Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def own_folders() -> tuple[Path, Path]:
    """The folders only cratedig writes (its state, saved histories included, and its model cache):
    no output or save may land inside them."""
    return state_dir(), cache_dir()

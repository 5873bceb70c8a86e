"""Where things live: the dataset (--data, then CRATEDIG_DATA, then the user data dir), the model
cache (CRATEDIG_CACHE) and the app's state (CRATEDIG_STATE), else the platformdirs defaults."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from engine.errors import UsageError

APP_NAME = "cratedig"
DATASET_DIRNAME = "hetrec2011-lastfm-2k"


def _first_given(*choices: tuple[str | os.PathLike | None, str]) -> Path | None:
    """The first (path, where it came from) given, with ~ expanded; None when none is."""
    for given, source in choices:
        if given:
            try:
                return Path(given).expanduser()
            except RuntimeError:  # "~nosuchuser/..."
                raise UsageError(f"{source} {given}: no such user's home directory") from None
    return None


def user_data_root() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    """Where `cratedig fetch` puts the dataset when nothing else is said."""
    return user_data_root() / DATASET_DIRNAME


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The dataset directory: the explicit one, else $CRATEDIG_DATA, else the user data dir."""
    return _first_given((explicit, "--data"), (os.environ.get("CRATEDIG_DATA"), "CRATEDIG_DATA")) \
        or default_data_dir()


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

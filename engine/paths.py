"""Where the dataset and the cache live: --data, then CRATEDIG_DATA, then the user data dir."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from engine.errors import UsageError

APP_NAME = "cratedig"
DATASET_DIRNAME = "hetrec2011-lastfm-2k"


def user_data_root() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    """Where `cratedig fetch` puts the dataset when nothing else is said."""
    return user_data_root() / DATASET_DIRNAME


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The dataset directory: the explicit one, else $CRATEDIG_DATA, else the user data dir."""
    for given, source in ((explicit, "--data"), (os.environ.get("CRATEDIG_DATA"), "CRATEDIG_DATA")):
        if given:
            try:
                return Path(given).expanduser()
            except RuntimeError:  # "~nosuchuser/..."
                raise UsageError(f"{source} {given}: no such user's home directory") from None
    return default_data_dir()


def demo_data_dir() -> Path:
    """Where the synthetic demo dataset is written (made on first use, no download)."""
    return user_data_root() / "demo"


def cache_dir() -> Path:
    """Root of the model cache: $CRATEDIG_CACHE, else the platformdirs user cache dir."""
    env = os.environ.get("CRATEDIG_CACHE")
    if env:
        try:
            return Path(env).expanduser()
        except RuntimeError:
            raise UsageError(f"CRATEDIG_CACHE {env}: no such user's home directory") from None
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))

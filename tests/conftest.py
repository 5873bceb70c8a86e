"""Shared fixtures: an isolated cache, synthetic data, and the real dataset when available.

With CI=true, tests that need the real dataset fail (never skip) if CRATEDIG_DATA does not point
at it."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cratedig.engine.data.synthetic import SyntheticSpec, generate

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data" / "hetrec2011-lastfm-2k"
SMALL = SyntheticSpec(listeners=120, artists=400, genres=8, mean_artists_per_listener=20, seed=3)


#: fixtures that read the real dataset: a test using one (directly or through another) is `realdata`
REAL_DATA_FIXTURES = {"real_data_dir", "real_dataset", "real_engine"}


def pytest_collection_modifyitems(config, items):
    """Markers from where a test is and what it needs: tests/reliability/ is the `reliability`
    battery; a test that needs the real dataset is `realdata`. `slow` is marked by hand."""
    for item in items:
        if "reliability" in item.path.relative_to(REPO).parts:
            item.add_marker(pytest.mark.reliability)
        if REAL_DATA_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.realdata)


@pytest.fixture(autouse=True, scope="session")
def isolated_cache(tmp_path_factory):
    """Tests never read or write the user's cache."""
    path = tmp_path_factory.mktemp("cache")
    old = os.environ.get("CRATEDIG_CACHE")
    os.environ["CRATEDIG_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("CRATEDIG_CACHE", None)
    else:
        os.environ["CRATEDIG_CACHE"] = old


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """Each test has its own app state (saved sessions, settings) and exports folder."""
    monkeypatch.setenv("CRATEDIG_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("CRATEDIG_EXPORTS", str(tmp_path / "exports"))


@pytest.fixture(scope="session")
def small_data_dir(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("small") / "data", SMALL)


@pytest.fixture
def small_copy(small_data_dir, tmp_path) -> Path:
    """A writable copy of the small dataset, for tests that damage files."""
    dest = tmp_path / "data"
    shutil.copytree(small_data_dir, dest)
    return dest


def _real_data_dir() -> Path | None:
    env = os.environ.get("CRATEDIG_DATA")
    candidate = Path(env) if env else SHARED_DATA
    return candidate if (candidate / "user_artists.dat").is_file() else None


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    path = _real_data_dir()
    if path is None:
        message = ("real dataset not found: set CRATEDIG_DATA to the hetrec2011-lastfm-2k directory "
                   f"(looked in {os.environ.get('CRATEDIG_DATA') or SHARED_DATA})")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def real_dataset(real_data_dir):
    from cratedig.engine.data.loader import load_dataset

    return load_dataset(real_data_dir)


@pytest.fixture(scope="session")
def small_engine(small_data_dir, isolated_cache):
    """An Engine over the small synthetic data with all four models trained (seconds)."""
    from cratedig.engine.api import Engine

    engine = Engine(small_data_dir)
    engine.load_models()
    return engine


@pytest.fixture(scope="session")
def real_engine(real_data_dir, isolated_cache):
    """An Engine over the real dataset with all four models trained once per session."""
    from cratedig.engine.api import Engine

    engine = Engine(real_data_dir)
    engine.load_models()
    return engine

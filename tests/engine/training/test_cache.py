"""The model cache: reuse, invalidation, atomic saves, corrupt files, no pickle."""
from __future__ import annotations

import numpy as np
import pytest

from cratedig.engine.files import atomic_write_bytes
from cratedig.engine.training.cache import ModelCache
from cratedig.engine.data.loader import load_dataset
from cratedig.engine.models.registry import MODELS
from cratedig.engine.training.store import ModelStore, TrainConfig, get_models

FAST = TrainConfig(overrides={"mf": {"epochs": 2}, "ranking": {"epochs": 1, "probe_epochs": 2}})


@pytest.fixture
def cache(tmp_path):
    return ModelCache(tmp_path / "cache")


@pytest.fixture(scope="module")
def small(small_data_dir):
    return load_dataset(small_data_dir)


def test_second_request_loads_from_cache_without_training(small, cache, monkeypatch):
    first = get_models(small, ["mf"], FAST, cache)["mf"]

    def no_training(*args, **kwargs):
        raise AssertionError("trained again although the cache matched")

    monkeypatch.setattr(MODELS["mf"], "_fit", no_training)
    again = get_models(small, ["mf"], FAST, cache)["mf"]
    assert np.array_equal(first.artists, again.artists)
    assert again.losses == first.losses


def test_a_change_of_config_or_data_misses_the_cache(small, small_data_dir, cache, tmp_path):
    get_models(small, ["mf"], FAST, cache)
    assert ModelStore(small, FAST, cache).cached("mf") is not None
    assert ModelStore(small, TrainConfig(overrides={"mf": {"epochs": 3}}), cache).cached("mf") is None
    assert ModelStore(small, TrainConfig(seed=1, overrides=FAST.overrides), cache).cached("mf") is None
    fewer = small.with_plays(np.arange(len(small.plays)) % 10 != 0)
    assert ModelStore(fewer, FAST, cache).cached("mf") is None


def test_a_retrained_mf_invalidates_the_ranking_built_on_it(small, cache):
    get_models(small, ["ranking"], FAST, cache)
    other = TrainConfig(overrides={**FAST.overrides, "mf": {"epochs": 3}})
    assert ModelStore(small, FAST, cache).cached("ranking") is not None
    assert ModelStore(small, other, cache).cached("ranking") is None


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_corrupt_cache_file_is_reported_in_one_line_and_rebuilt(small, cache, damage):
    get_models(small, ["mf"], FAST, cache)
    path = next((cache.root / "models").glob("mf-*.npz"))
    data = path.read_bytes()
    path.write_bytes({"garbage": b"not a zip at all" * 10, "truncated": data[: len(data) // 2], "empty": b""}[damage])
    notices = []
    model = get_models(small, ["mf"], FAST, cache, notice=notices.append)["mf"]
    assert len(notices) == 1 and "corrupt" in notices[0] and "\n" not in notices[0]
    assert model.artists.shape[0] == small.n_artists
    assert cache.load(path) is not None  # rebuilt and saved again


def test_a_save_interrupted_midway_keeps_the_previous_file(tmp_path):
    target = tmp_path / "model.npz"
    target.write_bytes(b"previous good copy")

    def write_then_die(handle):
        handle.write(b"half of a new fi")
        raise KeyboardInterrupt  # the process being stopped during the save

    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, write_then_die)
    assert target.read_bytes() == b"previous good copy"
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


def test_pickled_objects_in_a_cache_file_are_refused(cache, tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([{"a": 1}], dtype=object), __meta__=np.array('{"arrays": {}}'))
    from cratedig.engine.errors import CacheError

    with pytest.raises(CacheError, match="corrupt"):
        cache.load(path)


def test_output_written_in_pieces_streams_into_the_file_and_is_whole_or_absent(tmp_path):
    """An export handed over in pieces is written as they come (only one piece in memory), into a
    temporary file renamed at the end; a failure midway leaves no file and no temporary."""
    from cratedig.engine.errors import UsageError
    from cratedig.engine.files import write_output

    target = tmp_path / "out.csv"
    seen_on_disk = []

    def pieces(fail: bool):
        for i in range(3):
            temporaries = list(tmp_path.glob(".out.csv.*.tmp"))
            seen_on_disk.append(sum(p.stat().st_size for p in temporaries))
            yield f"line {i}\n" * 20_000  # well beyond the file's write buffer
        if fail:
            raise UsageError("the data changed")

    write_output(target, pieces(False))
    assert target.read_text() == "".join(f"line {i}\n" * 20_000 for i in range(3))
    assert seen_on_disk[1] > 0  # the first piece reached the temporary file before the second was made
    target.unlink()
    with pytest.raises(UsageError):
        write_output(target, pieces(True))
    assert not target.exists() and not list(tmp_path.glob(".*.tmp"))

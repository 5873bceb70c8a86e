"""Cache files are trusted only after checking what they say they are; an unusable cache location
is found before any training."""
from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.errors import CacheLocationError
from cratedig.engine.training.cache import ModelCache
from cratedig.engine.training.store import ModelStore, TrainConfig

FAST = TrainConfig(overrides={"mf": {"epochs": 2}, "retrieval": {"epochs": 1}, "context": {"epochs": 1},
                              "ranking": {"epochs": 1, "probe_epochs": 2}})


@pytest.fixture(scope="module")
def small(small_data_dir):
    return load_dataset(small_data_dir)


@pytest.fixture(scope="module")
def trained_cache(small, tmp_path_factory):
    """A cache holding all four models for the small data."""
    root = tmp_path_factory.mktemp("trained-cache")
    ModelStore(small, FAST, ModelCache(root)).get(["mf", "retrieval", "ranking", "context"])
    return root


@pytest.fixture
def store(small, trained_cache, tmp_path):
    root = tmp_path / "cache"
    shutil.copytree(trained_cache, root)
    return ModelStore(small, FAST, ModelCache(root))


def _rewrite(path, change) -> None:
    """Load a cache file's arrays and metadata, let `change` edit them, save with a consistent hash."""
    from cratedig.engine.training.cache import content_hash

    with np.load(path, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    meta = json.loads(str(arrays.pop("__meta__")))
    change(arrays, meta)
    meta["arrays"] = {k: [str(v.dtype), list(v.shape)] for k, v in arrays.items()}
    meta["sha256"] = content_hash(arrays)
    np.savez(path, **arrays, __meta__=np.array(json.dumps(meta)))
    # np.savez appends .npz only when missing: the path keeps its name


def _nan(arrays, meta):
    arrays["artists"] = np.full_like(arrays["artists"], np.nan)


def _inf(arrays, meta):
    arrays["users"][0, 0] = np.inf


def _other_model(arrays, meta):
    meta["model"] = "retrieval"


def _other_data(arrays, meta):
    meta["data"] = "0" * 16


@pytest.mark.parametrize("damage, needle", [
    (_nan, "NaN or infinite"), (_inf, "NaN or infinite"), (_other_model, "for model 'retrieval'"),
    (_other_data, "for data"),
])
def test_a_consistent_but_wrong_cache_file_is_reported_and_retrained(store, damage, needle):
    path = store.path("mf")
    _rewrite(path, damage)
    notices = []
    model = store.get(["mf"], notice=notices.append)["mf"]
    assert len(notices) == 1 and needle in notices[0] and "\n" not in notices[0]
    assert np.isfinite(model.artists).all()
    assert store.cache.load(path, {"model": "mf", "data": store.dataset.fingerprint}) is not None


def test_another_models_file_under_this_models_name_is_refused(store):
    shutil.copy(store.path("retrieval"), store.path("mf"))
    notices = []
    model = store.get(["mf"], notice=notices.append)["mf"]
    assert len(notices) == 1 and "for key 'retrieval-" in notices[0]
    assert model.name == "mf"


@pytest.mark.parametrize("damage", ["flip", "truncate", "random", "empty", "zeros"])
def test_damaged_bytes_are_reported_and_rebuilt(store, damage):
    path = store.path("context")
    raw = bytearray(path.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0xFF
    data = {"flip": bytes(raw), "truncate": bytes(raw[: len(raw) // 3]), "random": os.urandom(len(raw)),
            "empty": b"", "zeros": bytes(len(raw))}[damage]
    path.write_bytes(data)
    notices = []
    store.get(["context"], notice=notices.append)
    assert len(notices) == 1 and "rebuilding" in notices[0]


def test_a_cache_file_that_is_a_folder_is_named_before_training(store):
    path = store.path("mf")
    path.unlink()
    path.mkdir()
    with pytest.raises(CacheLocationError, match="not a regular file"):
        store.get(["mf"])


def test_a_cache_root_that_is_a_file_is_named_before_training(small, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("CRATEDIG_CACHE", str(blocker))
    trained = []
    monkeypatch.setattr("cratedig.engine.models.mf.MatrixFactorizationModel._fit", lambda *a: trained.append(1))
    with pytest.raises(CacheLocationError, match="CRATEDIG_CACHE"):
        ModelStore(small, FAST, ModelCache()).get(["mf"])
    assert not trained


def test_a_models_folder_that_is_a_file_is_named_before_training(small, tmp_path):
    (tmp_path / "models").write_text("x")
    with pytest.raises(CacheLocationError, match="not a directory"):
        ModelStore(small, FAST, ModelCache(tmp_path)).get(["mf"])


def test_a_read_only_cold_cache_is_named_before_training(small, tmp_path, monkeypatch):
    import cratedig.engine.training.cache as cache_module

    def refuse(self, data=b""):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache_module.Path, "write_bytes", refuse)  # root writes anywhere: simulated
    with pytest.raises(CacheLocationError, match="not writable"):
        ModelStore(small, FAST, ModelCache(tmp_path)).get(["mf"])


def test_a_read_only_warm_cache_still_serves(store, monkeypatch):
    import cratedig.engine.training.cache as cache_module

    monkeypatch.setattr(cache_module.Path, "write_bytes", lambda self, data=b"": (_ for _ in ()).throw(
        PermissionError(13, "Permission denied")))
    assert set(store.get(["mf", "ranking"])) == {"mf", "ranking"}


def test_temporary_files_of_killed_writers_are_swept_and_live_ones_kept(store):
    folder = store.path("mf").parent
    dead = folder / ".mf-x.npz.pid999999.abc123.tmp"
    live = folder / f".mf-x.npz.pid{os.getppid()}.abc123.tmp"
    dead.write_bytes(b"half")
    live.write_bytes(b"busy")
    store.get(["mf"], retrain=True)
    assert not dead.exists() and live.exists()


def test_cli_reports_an_unusable_cache_in_one_line(cli, small_data_dir, tmp_path, monkeypatch):
    from tests.reliability.conftest import assert_one_line_error

    blocker = tmp_path / "cache-file"
    blocker.write_text("x")
    monkeypatch.setenv("CRATEDIG_CACHE", str(blocker))
    code, _, err = cli("train", "--data", small_data_dir, "--models", "mf")
    assert_one_line_error(code, err, "CRATEDIG_CACHE")

"""The parsed copy of a Last.fm-360K directory: read back identical, never trusted when the files
changed or the copy is damaged, and never an error when it cannot be written."""
from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.data.lastfm360k import FILES, PLAYS_FILE, load_lastfm360k
from cratedig.engine.data.parsed import load_with_parsed_copy, parsed_copy_path
from tests.handmade import write_lastfm360k


@pytest.fixture
def directory(tmp_path):
    return write_lastfm360k(tmp_path / "data")


def counting_parser():
    calls = []

    def parse(directory):
        calls.append(directory)
        return load_lastfm360k(directory)

    return parse, calls


def assert_same(a, b):
    for name in ("listener_ids", "artist_ids", "artist_names", "tag_ids", "tag_names", "friends"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert getattr(a, name).dtype == getattr(b, name).dtype, name
    for part in ("plays", "taggings", "profiles"):
        for field in fields(getattr(a, part)):
            x, y = getattr(getattr(a, part), field.name), getattr(getattr(b, part), field.name)
            assert np.array_equal(x, y) and x.dtype == y.dtype, (part, field.name)
    assert (a.quirks, a.kind, a.source, a.fingerprint) == (b.quirks, b.kind, b.source, b.fingerprint)


def test_the_second_load_reads_the_copy_and_gets_the_same_dataset(directory, tmp_path):
    parse, calls = counting_parser()
    first = load_with_parsed_copy(directory, FILES, parse, root=tmp_path / "cache")
    second = load_with_parsed_copy(directory, FILES, parse, root=tmp_path / "cache")
    assert len(calls) == 1
    assert_same(first, second)
    assert not second.listener_ids.flags.writeable and not second.plays.weight.flags.writeable


def test_load_dataset_uses_the_copy_in_the_cache(directory, tmp_path, monkeypatch):
    monkeypatch.setenv("CRATEDIG_CACHE", str(tmp_path / "cache"))
    first = load_dataset(directory)
    assert parsed_copy_path(directory, FILES).is_file()
    assert_same(first, load_dataset(directory))


def test_a_changed_file_is_parsed_again_and_the_old_copy_dropped(directory, tmp_path):
    parse, calls = counting_parser()
    root = tmp_path / "cache"
    load_with_parsed_copy(directory, FILES, parse, root=root)
    old = parsed_copy_path(directory, FILES, root)
    with open(directory / PLAYS_FILE, "ab") as plays:
        plays.write(b"\n" + b"e" * 40 + b"\t\tNew Artist\t12\n")
    changed = load_with_parsed_copy(directory, FILES, parse, root=root)
    assert len(calls) == 2 and "New Artist" in changed.artist_names.tolist()
    assert not old.exists() and parsed_copy_path(directory, FILES, root).is_file()


def test_a_damaged_copy_is_ignored_and_rewritten(directory, tmp_path):
    parse, calls = counting_parser()
    root = tmp_path / "cache"
    first = load_with_parsed_copy(directory, FILES, parse, root=root)
    copy = parsed_copy_path(directory, FILES, root)
    copy.write_bytes(copy.read_bytes()[:200])
    assert_same(first, load_with_parsed_copy(directory, FILES, parse, root=root))
    assert len(calls) == 2
    assert_same(first, load_with_parsed_copy(directory, FILES, parse, root=root))
    assert len(calls) == 2  # rewritten whole by the second parse


def test_a_cache_that_cannot_be_written_is_not_an_error(directory, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache folder would go")
    parse, calls = counting_parser()
    data = load_with_parsed_copy(directory, FILES, parse, root=blocker)
    assert data.n_listeners > 0 and len(calls) == 1
    assert blocker.read_text() == "a file where the cache folder would go"

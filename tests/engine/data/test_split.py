"""The hold-out split: seeded, per listener, and leak-free through tags."""
from __future__ import annotations

import numpy as np

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.data.split import holdout_split


def test_split_is_seeded_per_listener_and_small_listeners_stay_whole(small_data_dir):
    data = load_dataset(small_data_dir)
    a, b = holdout_split(data, seed=1), holdout_split(data, seed=1)
    c = holdout_split(data, seed=2)
    assert np.array_equal(a.test_artist, b.test_artist)
    assert not np.array_equal(a.test_artist, c.test_artist)
    counts = np.bincount(data.plays.listener, minlength=data.n_listeners)
    held = np.bincount(a.test_listener, minlength=data.n_listeners)
    assert np.all(held[counts < 5] == 0)
    big = counts >= 5
    assert np.all(held[big] == np.maximum(1, np.rint(counts[big] * 0.2)))
    assert len(a.train.plays) + len(a.test_listener) == len(data.plays)
    train_pairs = set(zip(a.train.plays.listener.tolist(), a.train.plays.artist.tolist()))
    assert not train_pairs & set(zip(a.test_listener.tolist(), a.test_artist.tolist()))


def test_held_out_pairs_do_not_leak_through_tag_assignments(small_data_dir):
    data = load_dataset(small_data_dir)
    split = holdout_split(data, seed=0)
    held = set(zip(split.test_listener.tolist(), split.test_artist.tolist()))
    all_tagged = set(zip(data.taggings.listener.tolist(), data.taggings.artist.tolist()))
    assert held & all_tagged, "the fixture must have tagged held-out pairs for this test to mean anything"
    train_tagged = set(zip(split.train.taggings.listener.tolist(), split.train.taggings.artist.tolist()))
    assert not held & train_tagged

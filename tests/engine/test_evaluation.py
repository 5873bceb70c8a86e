"""The split and the metrics, pinned by hand-computed values."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from engine.dataset import load_dataset
from engine.evaluation import holdout_split, ranking_metrics, top_k


def test_recall_ndcg_hit_rate_coverage_by_hand():
    # Row 0: relevant {1, 5}; recommended [1, 2, 5] -> hits at ranks 1 and 3.
    # Row 1: relevant {0, 3, 4, 6}; recommended [2, 3, 0] -> hits at ranks 2 and 3.
    relevant = sp.csr_matrix(np.array([[0, 1, 0, 0, 0, 1, 0, 0], [1, 0, 0, 1, 1, 0, 1, 0]], dtype=float))
    recommended = np.array([[1, 2, 5], [2, 3, 0]])
    m = ranking_metrics(recommended, relevant, n_items=8)
    d = 1 / np.log2([2, 3, 4])
    recall = ((2 / 2) + (2 / 3)) / 2  # hits / min(K, |relevant|)
    ndcg0 = (d[0] + d[2]) / (d[0] + d[1])
    ndcg1 = (d[1] + d[2]) / (d[0] + d[1] + d[2])
    assert m.recall == pytest.approx(recall)
    assert m.ndcg == pytest.approx((ndcg0 + ndcg1) / 2)
    assert m.hit_rate == 1.0
    assert m.coverage == pytest.approx(5 / 8)  # {0, 1, 2, 3, 5}


def test_rows_without_relevant_items_are_left_out():
    relevant = sp.csr_matrix(np.array([[0, 1, 0], [0, 0, 0]], dtype=float))
    m = ranking_metrics(np.array([[0, 2], [1, 2]]), relevant, n_items=3)
    assert m.recall == 0.0 and m.hit_rate == 0.0
    assert m.coverage == pytest.approx(2 / 3)


def test_top_k_orders_best_first_and_breaks_ties_by_index():
    scores = np.array([[0.1, 0.9, 0.5, 0.9, -np.inf]])
    assert top_k(scores, 3).tolist() == [[1, 3, 2]]


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

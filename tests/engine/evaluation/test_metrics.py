"""The ranking metrics, pinned by hand-computed values."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from cratedig.engine.evaluation.metrics import ranking_metrics


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


def test_the_paired_bootstrap_interval_holds_the_mean_and_shrinks_with_more_pairs():
    from cratedig.engine.evaluation.metrics import paired_bootstrap

    rng = np.random.default_rng(1)
    small = rng.normal(0.02, 0.1, 100)
    large = rng.normal(0.02, 0.1, 10_000)
    mean, low, high = paired_bootstrap(small)
    assert low < mean < high and mean == pytest.approx(small.mean())
    mean_l, low_l, high_l = paired_bootstrap(large)
    assert (high_l - low_l) < (high - low) / 5 and low_l > 0
    half = 1.96 * large.std() / np.sqrt(len(large))  # many pairs: the normal interval
    assert low_l == pytest.approx(mean_l - half, abs=0.0005) and high_l == pytest.approx(mean_l + half, abs=0.0005)


def test_long_tail_recall_counts_only_artists_outside_the_most_played(small_data_dir, monkeypatch):
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.data.features import artist_popularity
    from cratedig.engine.data.split import holdout_split
    from cratedig.engine.evaluation import metrics
    from cratedig.engine.evaluation.metrics import evaluated_relevance, long_tail_relevance, measure

    split = holdout_split(load_dataset(small_data_dir), seed=3)
    popularity = artist_popularity(split.train)
    head = np.argsort(-popularity, kind="stable")[:20]
    tail = long_tail_relevance(split, head=20)
    everything = evaluated_relevance(split)
    assert tail[:, head].nnz == 0 and tail.nnz > 0
    assert (everything - tail).nnz == everything[:, head].nnz  # nothing else was removed
    # Recommending exactly each listener's held-out tail artists gives long-tail recall 1; the
    # head artists alone give 0 whatever overall recall they get.
    width = max(np.diff(tail.indptr).max(), 1)
    perfect = np.full((everything.shape[0], width), -1)
    for row in range(tail.shape[0]):
        found = tail[row].indices
        perfect[row, :len(found)] = found
    monkeypatch.setattr(metrics, "HEAD_ARTISTS", 20)
    assert measure(perfect, split, (width,))[f"tail_recall@{width}"] == pytest.approx(1.0)
    heads_only = np.broadcast_to(head[:width], (everything.shape[0], width))
    assert measure(heads_only, split, (width,))[f"tail_recall@{width}"] == 0.0
    monkeypatch.setattr(metrics, "HEAD_ARTISTS", split.train.n_artists)  # no tail: nothing to measure
    assert measure(perfect, split, (width,))[f"tail_recall@{width}"] is None

"""bench/recbole_protocol.py splits and measures as RecBole does: 8:1:1 per listener in a random
order with RecBole's rounding, Recall@10 = hits / |held out| (not min(|held out|, 10))."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from bench.recbole_protocol import part_sizes, recbole_metrics, recbole_split


def test_part_sizes_follow_recboles_rounding():
    # RecBole's _calcu_split_ids: floor(10 %) each for validation and test; a listener with few
    # artists still gets one of each while train keeps at least one; train takes the rest
    assert part_sizes(1) == (1, 0, 0)
    assert part_sizes(2) == (1, 0, 1)
    assert part_sizes(3) == (1, 1, 1)
    assert part_sizes(9) == (7, 1, 1)
    assert part_sizes(25) == (21, 2, 2)
    assert part_sizes(50) == (40, 5, 5)
    assert all(sum(part_sizes(n)) == n for n in range(1, 200))


def test_the_split_gives_each_listener_its_sizes_in_a_seeded_random_order():
    listener = np.repeat(np.arange(4), [50, 25, 3, 1])
    parts = recbole_split(listener, seed=1)
    for who, n in enumerate([50, 25, 3, 1]):
        assert tuple(np.bincount(parts[listener == who], minlength=3)) == part_sizes(n)
    assert np.array_equal(parts, recbole_split(listener, seed=1))
    assert not np.array_equal(parts, recbole_split(listener, seed=2))


def test_recall_divides_by_every_held_out_artist():
    relevant = sp.csr_matrix(np.array([[1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                                       [0] * 12,
                                       [1] * 12], dtype=np.float32))
    recommended = np.tile(np.arange(10), (3, 1))
    recommended[0, :2] = [5, 0]  # one hit of two, at the second place
    recall, ndcg = recbole_metrics(recommended, relevant)
    assert np.allclose(recall, [0.5, 10 / 12])  # the listener with nothing held out is not a row
    assert np.isclose(ndcg[0], (1 / np.log2(3)) / (1 + 1 / np.log2(3)))
    assert np.isclose(ndcg[1], 1.0)

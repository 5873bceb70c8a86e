"""The ranker's listener pooling (engine.models.keras.layers): each listener as the weighted sum
of their artists' vectors, from a padded table that XLA can compile when the histories fill it
well, else from a ragged table and a sparse product."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp


def _history(rows: int, artists: int, density: float, seed: int) -> sp.csr_matrix:
    history = sp.random(rows, artists, density=density, format="csr", random_state=seed, dtype=np.float32)
    history = (sp.diags((np.arange(rows) != 4).astype(np.float32)) @ history).tocsr()  # listener 4: no history
    history.eliminate_zeros()
    return history


@pytest.mark.parametrize("layer", ["HistoryPooling", "PaddedHistoryPooling"])
def test_pooling_is_the_weighted_sum_of_each_listeners_history(layer):
    from cratedig.engine.models.keras import layers
    from cratedig.engine.models.keras.runtime import tf

    history = _history(9, 30, 0.2, 1)
    table = np.random.default_rng(0).normal(size=(30, 5)).astype(np.float32)
    listener = np.array([3, 0, 4, 8, 3, 1], np.int32)  # unordered, one twice
    pooling = (layers.PaddedHistoryPooling(history) if layer == "PaddedHistoryPooling"
               else layers.HistoryPooling(history.indices, history.data, np.diff(history.indptr)))

    pooled = pooling(tf.constant(listener), tf.constant(table)).numpy()

    assert np.allclose(pooled, (history @ table)[listener], atol=1e-5)
    assert not pooled[2].any()


def test_the_padded_table_is_used_only_when_the_histories_fill_it():
    from cratedig.engine.models.keras.layers import HistoryPooling, PaddedHistoryPooling, history_pooling, pads_well

    even = sp.csr_matrix(np.ones((6, 8), np.float32))  # every row as long as the longest
    rows = np.eye(6, 8, dtype=np.float32)
    rows[0, :] = 1.0  # one row of 8, five of 1: 13 of 48 cells
    long_tail = sp.csr_matrix(rows)
    assert pads_well(even) and isinstance(history_pooling(even), PaddedHistoryPooling)
    assert not pads_well(long_tail) and isinstance(history_pooling(long_tail), HistoryPooling)


def test_used_history_keeps_each_example_on_its_own_history_row():
    from cratedig.engine.models.ranking.examples import RankingExamples, used_history

    history = sp.random(12, 20, density=0.3, format="csr", random_state=2, dtype=np.float32)
    listener = np.array([9, 2, 9, 5, 11, 2], np.int32)
    examples = RankingExamples({"listener": listener, "artist": np.arange(6, dtype=np.int32)}, history)

    kept = used_history(examples)

    assert kept.history.shape == (4, 20)  # rows 2, 5, 9 and 11 only
    assert (kept.history[kept.columns["listener"]] != history[listener]).nnz == 0
    assert (kept.columns["artist"] == examples.columns["artist"]).all()

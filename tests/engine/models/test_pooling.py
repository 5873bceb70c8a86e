"""The ranker's listener pooling (engine.models.keras.layers.PaddedHistoryPooling): a padded
table that XLA can compile, giving each listener the weighted sum of their artists' vectors."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def test_padded_pooling_is_the_weighted_sum_of_each_listeners_history():
    from engine.models.keras.layers import PaddedHistoryPooling
    from engine.models.keras.runtime import tf

    rng = np.random.default_rng(0)
    history = sp.random(9, 30, density=0.2, format="csr", random_state=1, dtype=np.float32)
    history = (sp.diags((np.arange(9) != 4).astype(np.float32)) @ history).tocsr()  # listener 4: no history
    history.eliminate_zeros()
    table = rng.normal(size=(30, 5)).astype(np.float32)
    listener = np.array([3, 0, 4, 8, 3, 1], np.int32)  # unordered, one twice

    pooled = PaddedHistoryPooling(history)(tf.constant(listener), tf.constant(table)).numpy()

    assert np.allclose(pooled, (history @ table)[listener], atol=1e-5)
    assert not pooled[2].any()


def test_used_history_keeps_each_example_on_its_own_history_row():
    from engine.models.ranking.examples import RankingExamples, used_history

    history = sp.random(12, 20, density=0.3, format="csr", random_state=2, dtype=np.float32)
    listener = np.array([9, 2, 9, 5, 11, 2], np.int32)
    examples = RankingExamples({"listener": listener, "artist": np.arange(6, dtype=np.int32)}, history)

    kept = used_history(examples)

    assert kept.history.shape == (4, 20)  # rows 2, 5, 9 and 11 only
    assert (kept.history[kept.columns["listener"]] != history[listener]).nnz == 0
    assert (kept.columns["artist"] == examples.columns["artist"]).all()

"""The two-tower model's sparse step (what keeps a step the batch's size at Last.fm-360K size):
LazyAdam touches only the rows a batch used, and L2 on the batch's rows keeps the gradient sparse."""
from __future__ import annotations

import numpy as np
import pytest

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.models.registry import MODELS
from cratedig.engine.models.retrieval import SPARSE_STEP_ABOVE_ROWS


def _one_step(optimizer_name: str, rows: list[int]):
    from cratedig.engine.models.keras.optimizers import optimizer
    from cratedig.engine.models.keras.runtime import tf

    table = tf.Variable(np.arange(20, dtype=np.float32).reshape(10, 2) / 10)
    dense = tf.Variable(np.ones(3, np.float32))
    opt = optimizer(optimizer_name, 0.1)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.gather(table, rows) ** 2) + tf.reduce_sum(dense ** 2)
    grads = tape.gradient(loss, [table, dense])
    assert isinstance(grads[0], tf.IndexedSlices)
    opt.apply_gradients(zip(grads, [table, dense]))
    return table.numpy(), dense.numpy()


def test_lazy_adam_moves_only_the_batch_rows_and_moves_them_as_adam_does():
    before = np.arange(20, dtype=np.float32).reshape(10, 2) / 10
    rows = [1, 4, 4, 7]  # a row used twice: its gradients are summed once
    lazy, lazy_dense = _one_step("lazy_adam", rows)
    adam, adam_dense = _one_step("adam", rows)
    untouched = [r for r in range(10) if r not in rows]
    assert np.array_equal(lazy[untouched], before[untouched])
    assert not np.allclose(lazy[[1, 4, 7]], before[[1, 4, 7]])
    # at the first step the slots are zero, so Adam's decay of the other rows changes nothing
    assert np.allclose(lazy, adam, atol=1e-6) and np.allclose(lazy_dense, adam_dense)


def test_an_unknown_optimizer_is_refused_by_name():
    from cratedig.engine.models.keras.optimizers import optimizer

    with pytest.raises(ValueError, match="optimizer must be one of adam, lazy_adam, adagrad, got 'sgd'"):
        optimizer("sgd", 0.1)


def test_the_step_is_sparse_only_above_the_row_threshold(small_data_dir):
    small = load_dataset(small_data_dir)
    model = MODELS["retrieval"]()
    assert small.n_listeners + small.n_artists <= SPARSE_STEP_ABOVE_ROWS and model.step_kind(small) == "tables"
    assert MODELS["retrieval"](regularise="batch").step_kind(small) == "batch"
    with pytest.raises(ValueError, match="regularise must be"):
        MODELS["retrieval"](regularise="rows").step_kind(small)


def test_one_sparse_step_changes_only_the_rows_of_its_batch(small_data_dir):
    small = load_dataset(small_data_dir)

    def tables(regularise: str, learning_rate: float):
        model = MODELS["retrieval"](regularise=regularise, epochs=1, batch_size=8, max_steps_per_epoch=1,
                                    learning_rate=learning_rate, seed=3).fit(small)
        return model.users, model.artists

    initial = tables("batch", 0.0)  # same seed, no movement: the initial tables
    users, artists = tables("batch", 0.01)
    changed = (np.any(users != initial[0], axis=1).sum(), np.any(artists != initial[1], axis=1).sum())
    assert 1 <= changed[0] <= 8 and 1 <= changed[1] <= 8
    users, artists = tables("tables", 0.01)  # L2 over the whole tables: every row moves
    assert np.all(np.any(users != initial[0], axis=1)) and np.all(np.any(artists != initial[1], axis=1))


def test_a_sparse_step_model_trains(small_data_dir):
    small = load_dataset(small_data_dir)
    model = MODELS["retrieval"](regularise="batch", epochs=3, batch_size=256).fit(small)
    assert model.keras_model.optimizer.__class__.__name__ == "LazyAdam"
    assert np.isfinite(model.losses).all() and model.losses[-1] < model.losses[0]

"""The factor models' observed-error term (engine.models.keras.mf.observed_error): its hand-written
gradient, two sparse-dense products, is the gradient TensorFlow derives for the gathers."""
from __future__ import annotations

import numpy as np


def _loss_and_gradients(use_sparse_products: bool, seed: int):
    from cratedig.engine.models.keras.mf import observed_error
    from cratedig.engine.models.keras.runtime import tf

    rng = np.random.default_rng(seed)
    U = tf.Variable(rng.normal(size=(7, 4)).astype(np.float32))
    V = tf.Variable(rng.normal(size=(11, 4)).astype(np.float32))
    # unordered pairs, some listeners and artists many times, one pair twice
    listener = tf.constant(np.r_[rng.integers(0, 7, 40), 3].astype(np.int32))
    artist = tf.constant(np.r_[rng.integers(0, 11, 40), 5].astype(np.int32))
    listener = tf.concat([listener, listener[-1:]], 0)
    artist = tf.concat([artist, artist[-1:]], 0)
    target = tf.constant(rng.random(42).astype(np.float32))
    row_weight = tf.constant(rng.random(42).astype(np.float32))

    @tf.function
    def run():
        with tf.GradientTape() as tape:
            if use_sparse_products:
                loss = observed_error(U, V, listener, artist, target, row_weight)
            else:
                u, v = tf.gather(U, listener), tf.gather(V, artist)
                loss = tf.reduce_sum(row_weight * tf.square(target - tf.reduce_sum(u * v, axis=1)))
            loss = 3.0 * loss  # an upstream factor, as the strategies' loss scaling gives
        return loss, [tf.convert_to_tensor(g) for g in tape.gradient(loss, [U, V])]

    loss, grads = run()
    return loss.numpy(), [g.numpy() for g in grads]


def test_the_sparse_products_give_the_gathers_loss_and_gradient():
    for seed in range(3):
        loss, (dU, dV) = _loss_and_gradients(True, seed)
        want_loss, (want_dU, want_dV) = _loss_and_gradients(False, seed)
        assert loss == want_loss
        assert np.abs(want_dU).max() > 0 and np.abs(want_dV).max() > 0
        # the same sums in the same order: equal to the last bit, so training is unchanged
        assert np.array_equal(dU, want_dU) and np.array_equal(dV, want_dV)

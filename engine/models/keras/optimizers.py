"""The optimizers a Keras model can train with, by name; and LazyAdam, whose sparse update touches
only the rows a batch used.

Keras' Adam decays both of its slots over the whole embedding table at every step, even when the
gradient is a few rows (tf.IndexedSlices): at Last.fm-360K size (33 M parameters) that is the
whole cost of a step. LazyAdam (as TensorFlow Addons' did) updates the moments and the weights of
the batch's rows only; the other rows keep theirs until they are next seen."""
from __future__ import annotations

from cratedig.engine.models.keras.runtime import tf


class LazyAdam(tf.keras.optimizers.Adam):
    def update_step(self, gradient, variable):
        if not isinstance(gradient, tf.IndexedSlices):
            return super().update_step(gradient, variable)
        # apply_gradients has summed duplicate indices: each row appears once
        dtype = variable.dtype
        step = tf.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        alpha = (tf.cast(self.learning_rate, dtype) * tf.sqrt(1 - tf.pow(beta_2, step))
                 / (1 - tf.pow(beta_1, step)))
        key = self._var_key(variable)
        m = self._momentums[self._index_dict[key]]
        v = self._velocities[self._index_dict[key]]
        rows = gradient.indices
        m_rows = beta_1 * tf.gather(m, rows) + (1 - beta_1) * gradient.values
        v_rows = beta_2 * tf.gather(v, rows) + (1 - beta_2) * tf.square(gradient.values)
        m.scatter_update(tf.IndexedSlices(m_rows, rows))
        v.scatter_update(tf.IndexedSlices(v_rows, rows))
        variable.scatter_sub(tf.IndexedSlices(alpha * m_rows / (tf.sqrt(v_rows) + self.epsilon), rows))


OPTIMIZERS = {"adam": tf.keras.optimizers.Adam, "lazy_adam": LazyAdam, "adagrad": tf.keras.optimizers.Adagrad}


def optimizer(name: str, learning_rate: float) -> tf.keras.optimizers.Optimizer:
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {name!r}")
    return OPTIMIZERS[name](learning_rate)

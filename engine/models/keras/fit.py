"""The one training loop every Keras model goes through, inside a tf.distribute strategy."""
from __future__ import annotations

from typing import Callable

import numpy as np

from engine.models.keras.runtime import seed_everything, tf
from engine.progress import ProgressFn, TrainProgress


class _ReportEpochs(tf.keras.callbacks.Callback):
    def __init__(self, name: str, epochs: int, progress: ProgressFn | None, losses: list[float]):
        super().__init__()
        self.name, self.epochs, self.progress, self.losses = name, epochs, progress, losses

    def on_epoch_end(self, epoch, logs=None):
        loss = float((logs or {}).get("loss", float("nan")))
        self.losses.append(loss)
        if self.progress is not None:
            self.progress(TrainProgress(self.name, epoch + 1, self.epochs, loss))


def default_strategy() -> tf.distribute.Strategy:
    return tf.distribute.get_strategy()


def _epochs_of_batches(features: dict[str, np.ndarray], batch_size: int, epochs: int,
                       seed: int) -> tuple[tf.data.Dataset, int]:
    """A fresh seeded permutation per epoch, cut into batches of rows gathered in one op each
    (an element-wise `shuffle` of ~10^5 rows costs more than the training step itself)."""
    n = len(next(iter(features.values())))
    steps = -(-n // batch_size)
    columns = {key: tf.constant(value) for key, value in features.items()}

    def epoch_batches(epoch):
        order = tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
        return tf.data.Dataset.range(steps).map(
            lambda b: order[b * batch_size:tf.minimum((b + 1) * batch_size, n)])

    data = (tf.data.Dataset.range(epochs).flat_map(epoch_batches)
            .map(lambda rows: {key: tf.gather(col, rows) for key, col in columns.items()})
            .prefetch(2))
    return data, steps


def fit(name: str, build: Callable[[], tf.keras.Model], features: dict[str, np.ndarray], *,
        epochs: int, batch_size: int, learning_rate: float, seed: int,
        progress: ProgressFn | None = None, strategy: tf.distribute.Strategy | None = None,
        optimizer: str = "adam") -> tuple[tf.keras.Model, list[float]]:
    """Build the model inside `strategy.scope()` and train it on `features` (column arrays).

    The same code runs under the default strategy, MirroredStrategy or MultiWorkerMirroredStrategy:
    the batch given here is the global batch and tf.data shards it across replicas."""
    seed_everything(seed)
    strategy = strategy or default_strategy()
    data, steps = _epochs_of_batches(features, batch_size, epochs, seed)
    with strategy.scope():
        model = build()
        opt = (tf.keras.optimizers.Adam(learning_rate) if optimizer == "adam"
               else tf.keras.optimizers.Adagrad(learning_rate))
        model.compile(optimizer=opt)
    losses: list[float] = []
    model.fit(data, epochs=epochs, steps_per_epoch=steps, verbose=0, callbacks=[_ReportEpochs(name, epochs, progress, losses)])
    return model, losses

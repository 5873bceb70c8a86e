"""The one training loop every Keras model goes through, inside a tf.distribute strategy."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Callable

import numpy as np

from cratedig.engine.models.keras import optimizers
from cratedig.engine.models.keras.runtime import seed_everything, tf
from cratedig.engine.progress import ProgressFn, TrainProgress


class _ReportEpochs(tf.keras.callbacks.Callback):
    def __init__(self, name: str, epochs: int, progress: ProgressFn | None, losses: list[float]):
        super().__init__()
        self.name, self.epochs, self.progress, self.losses = name, epochs, progress, losses

    def on_epoch_end(self, epoch, logs=None):
        loss = float((logs or {}).get("loss", float("nan")))
        self.losses.append(loss)
        if self.progress is not None:
            self.progress(TrainProgress(self.name, epoch + 1, self.epochs, loss))


#: training steps run per call into the compiled graph: Keras's Python loop around each step costs
#: about 0.5 ms, a tenth of the ranker's step. The batches and their order are the same; the
#: ranker's dense layers are built inside the looped graph, so its initial weights differ from a
#: one-step graph's (README, Performance: its hold-out figures were measured again).
STEPS_PER_EXECUTION = 16


def default_strategy() -> tf.distribute.Strategy:
    return tf.distribute.get_strategy()


def _steps(n: int, batch_size: int, max_steps: int | None) -> int:
    """Batches per epoch: every row once, or the first `max_steps` batches of the epoch's permutation."""
    steps = -(-n // batch_size)
    return steps if max_steps is None else max(1, min(steps, int(max_steps)))


def _epochs_of_batches(features: dict[str, np.ndarray], batch_size: int, epochs: int, seed: int,
                       context: tf.distribute.InputContext, max_steps: int | None = None) -> tf.data.Dataset:
    """This input pipeline's share of every global batch: a fresh seeded permutation per epoch
    (the same on every worker), cut into global batches of rows gathered in one op each (an
    element-wise `shuffle` of ~10^5 rows costs more than the training step itself), each batch
    cut again into one slice per replica, of which this pipeline yields its own replicas'.

    Every row also carries `row_weight`, 1 / the rows in its global batch: a loss summed with it
    on each replica adds up, across replicas, to the mean over the global batch."""
    n = len(next(iter(features.values())))
    steps = _steps(n, batch_size, max_steps)
    replicas = context.num_replicas_in_sync
    local = replicas // context.num_input_pipelines  # the replicas this pipeline feeds
    first = context.input_pipeline_id * local
    columns = {key: tf.constant(value) for key, value in features.items()}

    def epoch_slices(epoch):
        order = tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=tf.stack([tf.constant(seed, tf.int64), epoch]))

        def replica_slices(step):
            start = step * batch_size
            size = tf.minimum(start + batch_size, n) - start
            bounds = start + tf.range(first, first + local + 1, dtype=tf.int64) * size // replicas
            return tf.data.Dataset.range(local).map(
                lambda r: (order[bounds[r]:bounds[r + 1]], tf.cast(size, tf.float32)))

        return tf.data.Dataset.range(steps).flat_map(replica_slices)

    def gather(rows, size):
        batch = {key: tf.gather(col, rows) for key, col in columns.items()}
        batch["row_weight"] = tf.fill(tf.shape(rows), 1.0 / size)
        return batch

    # No autotuning (nothing here is tuned: the map is serial, the prefetch fixed): its background
    # thread otherwise holds up the iterator's teardown at the end of `fit` for 3-5 s.
    options = tf.data.Options()
    options.autotune.enabled = False
    return tf.data.Dataset.range(epochs).flat_map(epoch_slices).map(gather).prefetch(2).with_options(options)


def replica_share(loss: tf.Tensor) -> tf.Tensor:
    """A loss term computed in full on every replica (a regulariser over whole tables), divided so
    that the replicas' gradients, summed by the strategy, add up to it once."""
    return loss / tf.distribute.get_strategy().num_replicas_in_sync


def fit(name: str, build: Callable[[], tf.keras.Model], features: dict[str, np.ndarray], *,
        epochs: int, batch_size: int, learning_rate: float, seed: int,
        progress: ProgressFn | None = None, strategy: tf.distribute.Strategy | None = None,
        optimizer: str = "adam", max_steps_per_epoch: int | None = None,
        jit_compile: bool = False) -> tuple[tf.keras.Model, list[float]]:
    """Build the model inside `strategy.scope()` and train it on `features` (column arrays).

    The same code runs under the default strategy, MirroredStrategy or MultiWorkerMirroredStrategy:
    the batch given here is the global batch, split across the replicas (and so the workers) of
    `strategy`; every worker reads the same `features` and takes its own part of each batch.
    `max_steps_per_epoch` caps an epoch at that many batches of its fresh permutation (a seeded
    sample of the rows: what keeps an epoch of 17 million pairs affordable). `jit_compile` compiles
    the step with XLA when there is one replica (a model whose step has fixed shapes: the ranker's);
    under a strategy with several replicas the step runs as a plain graph."""
    seed_everything(seed)
    strategy = strategy or default_strategy()
    steps = _steps(len(next(iter(features.values()))), batch_size, max_steps_per_epoch)
    data = strategy.distribute_datasets_from_function(
        lambda context: _epochs_of_batches(features, batch_size, epochs, seed, context, max_steps_per_epoch))
    with strategy.scope():
        model = build()
        model.compile(optimizer=optimizers.optimizer(optimizer, learning_rate), steps_per_execution=STEPS_PER_EXECUTION,
                      jit_compile=jit_compile and strategy.num_replicas_in_sync == 1)
    losses: list[float] = []
    with _old_objects_frozen():
        model.fit(data, epochs=epochs, steps_per_epoch=steps, verbose=0,
                  callbacks=[_ReportEpochs(name, epochs, progress, losses)])
    return model, losses


@contextmanager
def _old_objects_frozen():
    """Python's cycle collector told to leave the objects that exist now alone (TensorFlow's and
    Keras's millions) while the loop runs, so a full collection does not walk them all (in one pair
    of runs the ranker's fit took 22.5 s with the collector and 17.4 s without). Objects made in
    the loop are still collected."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()

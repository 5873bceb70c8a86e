"""Importing TensorFlow the one way cratedig does it: legacy Keras for TFRS, quiet, deterministic."""
from __future__ import annotations

import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402
import tensorflow_recommenders as tfrs  # noqa: E402

tf.get_logger().setLevel("ERROR")
_determinism_enabled = False


def seed_everything(seed: int) -> None:
    """Same seed, same weights: seeds Python, NumPy and TF and makes TF ops deterministic."""
    global _determinism_enabled
    tf.keras.utils.set_random_seed(seed)
    if not _determinism_enabled:
        tf.config.experimental.enable_op_determinism()
        _determinism_enabled = True


__all__ = ["tf", "tfrs", "seed_everything"]

"""Importing TensorFlow the one way cratedig does it: legacy Keras for TFRS, quiet, deterministic."""
from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def _route_native_logs_to_file() -> None:
    """TensorFlow's C++ logging writes straight to file descriptor 2, which would scribble over
    progress bars and the app's screen. Send fd 2 to a log file in the cache dir and keep Python's
    sys.stderr on the terminal. Only when stderr is the process's own (not under a test capture)."""
    if sys.stderr is not sys.__stderr__ or not hasattr(sys.stderr, "fileno"):
        return
    try:
        from cratedig.engine.paths import cache_dir

        log_dir = cache_dir()
        log_dir.mkdir(parents=True, exist_ok=True)
        terminal = os.dup(2)
        log = os.open(log_dir / "tensorflow.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        sys.stderr.flush()
        os.dup2(log, 2)
        os.close(log)
        sys.stderr = sys.__stderr__ = os.fdopen(terminal, "w", buffering=1)
    except (OSError, ValueError):
        pass


_route_native_logs_to_file()

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

"""cratedig's engine, in layers that import only downward: data, models, training, evaluation and
serving, the facade (`engine.api`), the chat. Never imports a UI."""
import os

# TensorFlow Recommenders needs Keras 2 (tf-keras); this must be set before TensorFlow is imported,
# so it is set here, the first thing any user of the engine imports.
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

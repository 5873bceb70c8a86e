"""The models: one interface (`base`), the roles `Retriever` and `Ranker`, the four models and the
baselines, the registry that names them, and the one batch recommend path (`pipeline`).
Training code (TensorFlow) lives in `keras/` and is imported only when a model is fitted."""

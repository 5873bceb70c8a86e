"""Trained models on demand: the .npz model cache (`cache`) and cache-or-train (`store`).
Imports data and models; the evaluation and serving layers both build on it."""

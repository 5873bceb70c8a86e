"""`cratedig eval`: every model and baseline trained on the hold-out split, one table."""
from __future__ import annotations

import time
from typing import Any

import numpy as np

from engine.cache import ModelCache
from engine.dataset import Dataset
from engine.evaluation import Split, evaluate_recommendations, holdout_split, rmse
from engine.features import normalised_weights
from engine.models.base import listeners_query
from engine.models.registry import BASELINES, DEFAULT_RETRIEVER, MODELS
from engine.pipeline import recommend_artists
from engine.progress import ProgressFn
from engine.training import NoticeFn, TrainConfig, get_models

KS = (10, 20)
EVAL_FILE = "evaluation-{fingerprint}.json"


def ranking_rmse(ranker, split: Split) -> tuple[float, float]:
    """(ranking model RMSE, per-listener-mean RMSE) on the held-out pairs' normalised weights."""
    train = split.train
    actual = split.test_target
    counts = np.bincount(train.plays.listener, minlength=train.n_listeners)
    means = np.bincount(train.plays.listener, weights=normalised_weights(train),
                        minlength=train.n_listeners) / np.maximum(counts, 1)
    # One call for all listeners: each row holds that listener's held-out artists, padded.
    listeners, candidates, row, column = split.held_out_rows()
    weights = ranker.predict(listeners_query(train, listeners), candidates)[1]
    predicted = weights[row, column]
    return rmse(predicted, actual), rmse(means[split.test_listener], actual)


def evaluate(dataset: Dataset, config: TrainConfig | None = None, cache: ModelCache | None = None,
             progress: ProgressFn | None = None, notice: NoticeFn | None = None,
             retriever: str = DEFAULT_RETRIEVER, seed: int = 42) -> dict[str, Any]:
    """Train (or load) every model on the seeded split and measure it with full ranking."""
    split = holdout_split(dataset, seed=seed)
    train = split.train
    names = list(MODELS) + list(BASELINES)
    models = get_models(train, names, config, cache, progress, notice)
    rows = []
    for name, model in models.items():
        if model.stage == "ranking":
            continue
        start = time.perf_counter()

        def recommend(listeners, k, model=model):
            return recommend_artists(model, None, listeners_query(train, listeners), k)[0]

        metrics = evaluate_recommendations(recommend, split, KS)
        rows.append({"model": name, **metrics, "train_seconds": round(model.train_seconds, 1),
                     "eval_seconds": round(time.perf_counter() - start, 1)})
    ranker = models["ranking"]
    start = time.perf_counter()
    metrics = evaluate_recommendations(
        lambda listeners, k: recommend_artists(models[retriever], ranker, listeners_query(train, listeners), k)[0],
        split, KS)
    model_rmse, baseline_rmse = ranking_rmse(ranker, split)
    rows.insert(2, {"model": f"ranking ({retriever} then ranked)", **metrics,
                    "train_seconds": round(ranker.train_seconds, 1),
                    "eval_seconds": round(time.perf_counter() - start, 1)})
    return {
        "data": dataset.fingerprint, "split_seed": seed, "holdout_listeners": int(len(np.unique(split.test_listener))),
        "rows": rows,
        "ranking_rmse": {"ranking": model_rmse, "per_listener_mean": baseline_rmse},
        "losses": {name: m.losses for name, m in models.items() if m.losses},
    }

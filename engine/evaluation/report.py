"""`cratedig eval`: every model and baseline trained on the hold-out split, one table."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from cratedig.engine.data.types import Dataset
from cratedig.engine.data.split import MIN_ARTISTS_TO_SPLIT, Split, holdout_split
from cratedig.engine.errors import UsageError
from cratedig.engine.evaluation.metrics import evaluated_listeners, measure, rmse
from cratedig.engine.models.base import Ranker, Recommender, Retriever
from cratedig.engine.models.pipeline import recommend
from cratedig.engine.models.query import listeners_query
from cratedig.engine.models.ranking.examples import listener_mean_weights
from cratedig.engine.models.registry import BASELINES, DEFAULT_RETRIEVER, MODELS, RANKERS, RETRIEVERS
from cratedig.engine.progress import ProgressFn
from cratedig.engine.training.cache import ModelCache
from cratedig.engine.training.store import ModelStore, NoticeFn, TrainConfig

KS = (10, 20)
REPORT_FILE = "evaluation-{fingerprint}.json"
COLUMNS = ("recall@10", "recall@20", "ndcg@10", "ndcg@20", "tail_recall@10", "coverage@10", "train_seconds")


@dataclass(frozen=True)
class EvaluationReport:
    """The hold-out table: one row per model, pipeline and baseline, plus the ranker's RMSE.
    `as_dict()` is the JSON `cratedig eval --format json` prints and the cache keeps."""

    data: str
    split_seed: int
    holdout_listeners: int
    rows: list[dict]
    ranking_rmse: dict[str, float]
    losses: dict[str, list[float]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, payload: dict) -> "EvaluationReport":
        return cls(**{key: payload[key] for key in ("data", "split_seed", "holdout_listeners", "rows",
                                                    "ranking_rmse")}, losses=payload.get("losses", {}))


def ranking_rmse(ranker: Ranker, split: Split) -> tuple[float, float]:
    """(ranking model RMSE, per-listener-mean RMSE) on the held-out pairs' normalised weights."""
    train = split.train
    actual = split.test_target
    means = listener_mean_weights(train.history)
    # One call for all listeners: each row holds that listener's held-out artists, padded.
    listeners, candidates, row, column = split.held_out_rows()
    predicted = ranker.predict_weight(listeners_query(train, listeners), candidates)[row, column]
    return rmse(predicted, actual), rmse(means[split.test_listener], actual)


def _row(label: str, retriever: Retriever, ranker: Ranker | None, split: Split, trained: Recommender
         ) -> tuple[dict, np.ndarray]:
    """The model's table row, and its top max(KS) per evaluated listener."""
    start = time.perf_counter()
    query = listeners_query(split.train, evaluated_listeners(split))
    recommended = recommend(retriever, query, max(KS), ranker=ranker).artists
    return {"model": label, **measure(recommended, split, KS), "train_seconds": round(trained.train_seconds, 1),
            "eval_seconds": round(time.perf_counter() - start, 1)}, recommended


def evaluate(dataset: Dataset, config: TrainConfig | None = None, cache: ModelCache | None = None,
             progress: ProgressFn | None = None, notice: NoticeFn | None = None,
             retriever: str = DEFAULT_RETRIEVER, seed: int = 42) -> EvaluationReport:
    """Train (or load) every model on the seeded split and measure it with full ranking: each
    retriever alone, each ranker on `retriever`'s candidates, then the baselines."""
    return evaluate_with_lists(dataset, config, cache, progress, notice, retriever, seed)[0]


def evaluate_with_lists(dataset: Dataset, config: TrainConfig | None = None, cache: ModelCache | None = None,
                        progress: ProgressFn | None = None, notice: NoticeFn | None = None,
                        retriever: str = DEFAULT_RETRIEVER, seed: int = 42
                        ) -> tuple[EvaluationReport, dict[str, np.ndarray], Split]:
    """`evaluate`, plus each row's recommendation lists (by row label) and the split they are on,
    for per-listener comparisons between rows."""
    split = holdout_split(dataset, seed=seed)
    if len(split.test_listener) == 0:
        raise UsageError(f"too few plays to evaluate: a listener needs at least {MIN_ARTISTS_TO_SPLIT} artists "
                         "to have some held out, and none has")
    models = ModelStore(split.train, config, cache).get(list(MODELS) + list(BASELINES), progress, notice)
    measured = []
    for name in MODELS:
        if name in RETRIEVERS:
            measured.append(_row(name, models[name], None, split, models[name]))
        if name in RANKERS:
            measured.append(_row(f"{name} ({retriever} then ranked)", models[retriever], models[name], split,
                                 models[name]))
    measured += [_row(name, models[name], None, split, models[name]) for name in BASELINES]
    model_rmse, baseline_rmse = ranking_rmse(models[RANKERS[0]], split)
    report = EvaluationReport(
        data=dataset.fingerprint, split_seed=seed, holdout_listeners=int(len(np.unique(split.test_listener))),
        rows=[row for row, _ in measured], ranking_rmse={"ranking": model_rmse, "per_listener_mean": baseline_rmse},
        losses={name: m.losses for name, m in models.items() if m.losses})
    return report, {row["model"]: lists for row, lists in measured}, split


def save_report(report: EvaluationReport, cache: ModelCache) -> None:
    cache.save_json(REPORT_FILE.format(fingerprint=report.data), report.as_dict())


def load_report(dataset: Dataset, cache: ModelCache) -> EvaluationReport | None:
    """The last saved report for this data, if any (an unreadable one counts as none)."""
    payload = cache.load_json(REPORT_FILE.format(fingerprint=dataset.fingerprint))
    try:
        return None if payload is None else EvaluationReport.from_dict(payload)
    except (KeyError, TypeError):
        return None

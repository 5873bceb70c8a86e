"""`cratedig eval --seeds N`: the evaluation repeated over N seeds (each its own split and its own
model initialisation), reported as mean ± std per metric, with a paired per-listener bootstrap 95 %
interval for the difference between the best pipeline and the strongest baseline."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cratedig.engine.data.types import Dataset
from cratedig.engine.evaluation.metrics import evaluated_relevance, paired_bootstrap, per_row
from cratedig.engine.evaluation.report import COLUMNS, EvaluationReport, evaluate_with_lists
from cratedig.engine.models.registry import BASELINES, RANKERS
from cratedig.engine.progress import ProgressFn
from cratedig.engine.training.cache import ModelCache
from cratedig.engine.training.store import NoticeFn, TrainConfig

FIRST_SEED = 42
METRICS = tuple(c for c in COLUMNS if c != "train_seconds")


@dataclass(frozen=True)
class SeedsReport:
    """Per row label: {metric: [mean, std]} over the seeds; the bootstrap comparison; every report."""

    seeds: list[int]
    rows: list[dict]
    comparison: dict
    reports: list[EvaluationReport]

    def as_dict(self) -> dict:
        return {"seeds": self.seeds, "rows": self.rows, "comparison": self.comparison,
                "reports": [r.as_dict() for r in self.reports]}


def evaluate_seeds(dataset: Dataset, n_seeds: int, config: TrainConfig | None = None,
                   cache: ModelCache | None = None, progress: ProgressFn | None = None,
                   notice: NoticeFn | None = None) -> SeedsReport:
    """Seeds FIRST_SEED, FIRST_SEED + 1, ...: seed s splits with s and trains with s."""
    config = config or TrainConfig()
    seeds = [FIRST_SEED + i for i in range(n_seeds)]
    runs = [evaluate_with_lists(dataset, TrainConfig(seed=seed, overrides=config.overrides), cache, progress,
                                notice, seed=seed) for seed in seeds]
    reports = [report for report, _, _ in runs]
    rows = []
    for label in [r["model"] for r in reports[0].rows]:
        row = {"model": label}
        for metric in METRICS:
            values = [_value(report, label, metric) for report in reports]
            # None: nothing to measure on some seed (no long-tail artist held out)
            row[metric] = None if None in values else [float(np.mean(values)), float(np.std(values))]
        rows.append(row)
    recall = {row["model"]: row["recall@10"][0] for row in rows}
    pipeline = next(label for label in recall if label.split()[0] in RANKERS)
    baseline = max((label for label in recall if label in BASELINES), key=recall.get)
    pooled = {"recall@10": [], "ndcg@10": []}
    for _, lists, split in runs:
        relevant = evaluated_relevance(split)
        _, recall_a, ndcg_a, _ = per_row(lists[pipeline][:, :10], relevant)
        _, recall_b, ndcg_b, _ = per_row(lists[baseline][:, :10], relevant)
        pooled["recall@10"].append(recall_a - recall_b)
        pooled["ndcg@10"].append(ndcg_a - ndcg_b)
    comparison = {"pipeline": pipeline, "baseline": baseline,
                  "pairs": int(sum(len(d) for d in pooled["recall@10"]))}
    for metric, differences in pooled.items():
        comparison[metric] = dict(zip(("difference", "low", "high"), paired_bootstrap(np.concatenate(differences))))
    return SeedsReport(seeds, rows, comparison, reports)


def _value(report: EvaluationReport, label: str, metric: str) -> float | None:
    value = next(r.get(metric) for r in report.rows if r["model"] == label)
    return None if value is None else float(value)


SEEDS_FILE = "evaluation-seeds-{fingerprint}.json"


def save_seeds_report(report: SeedsReport, cache: ModelCache) -> None:
    cache.save_json(SEEDS_FILE.format(fingerprint=report.reports[0].data), report.as_dict())


def load_seeds_rows(dataset: Dataset, cache: ModelCache) -> tuple[list[int], list[dict]] | None:
    """(seeds, rows of [mean, std] per metric) of the last saved seeds report for this data."""
    payload = cache.load_json(SEEDS_FILE.format(fingerprint=dataset.fingerprint))
    try:
        return None if payload is None else (list(payload["seeds"]), list(payload["rows"]))
    except (KeyError, TypeError):
        return None

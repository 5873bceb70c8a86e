"""`eval --seeds N` on the small synthetic data: mean ± std over seeds and the bootstrap comparison."""
from __future__ import annotations

import json

import numpy as np
import pytest

from cratedig.cli.main import main
from cratedig.engine.data.loader import load_dataset
from cratedig.engine.evaluation.seeds import evaluate_seeds
from cratedig.engine.training.store import TrainConfig

pytestmark = pytest.mark.slow  # trains TensorFlow models over several seeds

FAST = TrainConfig(overrides={"mf": {"epochs": 5}, "retrieval": {"epochs": 1}, "context": {"epochs": 1},
                              "ranking": {"epochs": 1, "probe_epochs": 5}})


def test_seeds_give_mean_and_std_of_each_seeds_report_and_a_paired_interval(small_data_dir, tmp_path):
    from cratedig.engine.training.cache import ModelCache

    report = evaluate_seeds(load_dataset(small_data_dir), 2, FAST, ModelCache(tmp_path))
    assert report.seeds == [42, 43] and [r.split_seed for r in report.reports] == [42, 43]
    for row in report.rows:
        values = [next(r["recall@10"] for r in seed.rows if r["model"] == row["model"]) for seed in report.reports]
        assert row["recall@10"] == [np.mean(values), np.std(values)]
    assert report.reports[0].rows != report.reports[1].rows  # different splits, different figures
    c = report.comparison
    from cratedig.engine.models.registry import BASELINES

    means = {row["model"]: row["recall@10"][0] for row in report.rows}
    assert c["pipeline"].startswith("ranking") and c["baseline"] == max(BASELINES, key=means.get)
    assert c["recall@10"]["low"] <= c["recall@10"]["difference"] <= c["recall@10"]["high"]
    assert c["pairs"] == sum(r.holdout_listeners for r in report.reports)


def test_cli_seeds_bounds_and_json(small_data_dir, capsys):
    assert main(["eval", "--data", str(small_data_dir), "--seeds", "0"]) == 2
    assert "--seeds must be between 1 and 20" in capsys.readouterr().err
    assert main(["eval", "--data", str(small_data_dir), "--seeds", "2", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["seeds"] == [42, 43] and len(payload["reports"]) == 2 and payload["comparison"]["pairs"] > 0

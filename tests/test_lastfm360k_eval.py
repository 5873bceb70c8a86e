"""`cratedig eval` on synthetic data in Last.fm-360K's format at 1/20 of its size (18,000
listeners, 8,000 artists, ~510,000 plays, its quirks at a rate of 0.001): every model trains on
it, and each earns its place against MostPop. Minutes, not seconds: the one test of this size."""
from __future__ import annotations

import json

import pytest

from cratedig.cli.main import main

pytestmark = pytest.mark.slow


def test_eval_at_a_twentieth_of_lastfm_360k(tmp_path, capsys):
    data = tmp_path / "lastfm-360k-twentieth"
    assert main(["synth", str(data), "--format", "lastfm-360k", "--listeners", "18000", "--artists", "8000",
                 "--seed", "3"]) == 0
    capsys.readouterr()
    assert main(["eval", "--data", str(data), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dataset"] == "lastfm-360k"
    assert report["context_used"] == "artist name words; listener country, age band, gender"
    recall = {row["model"].split(" ")[0]: row["recall@10"] for row in report["rows"]}
    assert set(recall) == {"mf", "retrieval", "ranking", "context", "mostpop", "itemknn", "ease", "rp3beta", "gfcf"}
    for model in ("mf", "retrieval", "ranking", "context"):
        assert recall[model] > 1.5 * recall["mostpop"], (model, recall)
    assert recall["ranking"] > recall["mf"]  # the ranker earns its place on this data too
    assert report["holdout_listeners"] > 17_000

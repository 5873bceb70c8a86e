"""Hyperparameters chosen on the validation split (bench/tune.py --write) are what models and the
cache key use by default."""
from __future__ import annotations

import json

from cratedig.engine.models import tuned
from cratedig.engine.models.registry import BASELINES, MODELS, model_class
from cratedig.engine.training.store import TrainConfig, model_key_params


def test_the_tuned_file_names_known_models_and_params_from_its_own_grids():
    payload = json.loads(tuned.tuned_path().read_text(encoding="utf-8"))
    assert payload["validation_split_seed"] != payload["test_split_seed"]
    for name, values in payload["chosen"].items():
        cls = model_class(name)  # KeyError for an unknown model
        assert set(values) <= set(cls.defaults), (name, values)
        inherited = set(payload["inherits"].get(name, [None, []])[1])
        for key, value in values.items():
            if key not in inherited:
                assert value in payload["grids"][name][key], (name, key, value)
    assert set(payload["chosen"]) == set(MODELS) | (set(BASELINES) - {"mostpop", "itemknn"})


def test_models_and_the_cache_key_read_the_tuned_values():
    chosen = tuned.tuned_values()
    for name, values in chosen.items():
        model = model_class(name)()
        assert {key: model.params[key] for key in values} == values
        assert {key: TrainConfig().params(name)[key] for key in values} == values
    overridden = TrainConfig(overrides={"mf": {"l2": 123.0}})
    assert overridden.params("mf")["l2"] == 123.0  # an explicit override still wins
    assert model_key_params("ranking", TrainConfig())["upstream:mf"]["l2"] == chosen["mf"]["l2"]


def test_without_the_file_the_class_defaults_hold(monkeypatch, tmp_path):
    monkeypatch.setattr(tuned, "tuned_path", lambda: tmp_path / "missing.json")
    tuned.tuned_values.cache_clear()
    try:
        assert MODELS["mf"]().params["l2"] == MODELS["mf"].defaults["l2"]
    finally:
        tuned.tuned_values.cache_clear()

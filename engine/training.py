"""Getting trained models: from the cache when it matches, else by training (and caching)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from engine.cache import ModelCache
from engine.dataset import Dataset
from engine.errors import CacheError
from engine.models.base import Recommender
from engine.models.registry import BASELINES, MODELS
from engine.progress import ProgressFn

NoticeFn = Callable[[str], None]


@dataclass(frozen=True)
class TrainConfig:
    """Seed plus per-model overrides of each model's `defaults`."""

    seed: int = 0
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def params(self, name: str) -> dict[str, Any]:
        cls = {**MODELS, **BASELINES}[name]
        return {**getattr(cls, "defaults", {}), **self.overrides.get(name, {}), "seed": self.seed}


def _restore(name: str, params: dict, upstream: dict, arrays: dict, meta: dict,
             dataset: Dataset) -> Recommender:
    model = MODELS[name](**params)
    model.load_arrays(arrays, dataset, upstream)
    model.losses = list(meta.get("losses", []))
    model.train_seconds = float(meta.get("train_seconds", 0.0))
    return model


def model_key_params(name: str, config: TrainConfig) -> dict[str, Any]:
    """What identifies a trained model: its params and, recursively, those of the models it is
    built on (a retrained `mf` must retrain the `ranking` that reads its vectors)."""
    params = config.params(name)
    for upstream in MODELS[name].requires:
        params = {**params, f"upstream:{upstream}": model_key_params(upstream, config)}
    return params


def cached_model(name: str, dataset: Dataset, config: TrainConfig, cache: ModelCache,
                 notice: NoticeFn | None = None, upstream: dict | None = None) -> Recommender | None:
    """The cached model for exactly this data, config and code, or None. A damaged file is
    reported through `notice` and treated as missing."""
    path = cache.path(name, model_key_params(name, config), dataset)
    try:
        loaded = cache.load(path)
    except CacheError as exc:
        if notice:
            notice(str(exc))
        return None
    if loaded is None:
        return None
    if upstream is None:
        upstream = {req: cached_model(req, dataset, config, cache, notice) for req in MODELS[name].requires}
        if any(m is None for m in upstream.values()):
            return None
    return _restore(name, config.params(name), upstream, *loaded, dataset)


def get_models(dataset: Dataset, names: list[str], config: TrainConfig | None = None,
               cache: ModelCache | None = None, progress: ProgressFn | None = None,
               notice: NoticeFn | None = None, retrain: bool = False,
               strategy: Any = None) -> dict[str, Recommender]:
    """Models by name (and the models they require): cached ones are loaded, the rest trained (in
    the given tf.distribute strategy) and saved. Baselines are always fitted: they take
    milliseconds."""
    config = config or TrainConfig()
    cache = cache or ModelCache()
    models: dict[str, Recommender] = {}

    def obtain(name: str) -> Recommender:
        if name in models:
            return models[name]
        if name in BASELINES:
            models[name] = BASELINES[name]().fit(dataset)
            return models[name]
        upstream = {req: obtain(req) for req in MODELS[name].requires}
        model = None if retrain else cached_model(name, dataset, config, cache, notice, upstream)
        if model is None:
            params = config.params(name)
            model = MODELS[name](**params).fit(dataset, progress, strategy, upstream)
            cache.save(cache.path(name, model_key_params(name, config), dataset), model.to_arrays(),
                       {"model": name, "params": params, "data": dataset.fingerprint,
                        "losses": model.losses, "train_seconds": model.train_seconds})
        models[name] = model
        return model

    for name in names:
        obtain(name)
    return {name: models[name] for name in dict.fromkeys(list(names) + list(models))}


def all_cached(dataset: Dataset, names: list[str], config: TrainConfig | None = None,
               cache: ModelCache | None = None) -> bool:
    """Whether every named model has a cache file for this data and config (no loading)."""
    config = config or TrainConfig()
    cache = cache or ModelCache()
    return all(name in BASELINES or cache.path(name, model_key_params(name, config), dataset).exists()
               for name in names)

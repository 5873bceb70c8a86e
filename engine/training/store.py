"""Getting trained models: from the cache when it matches, else by training (and caching)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from cratedig.engine.data.types import Dataset
from cratedig.engine.errors import CacheError, CacheLocationError
from cratedig.engine.files import remove_stale_temporaries
from cratedig.engine.models.base import Recommender
from cratedig.engine.models.registry import BASELINES, MODELS, model_class
from cratedig.engine.progress import ProgressFn
from cratedig.engine.training.cache import ModelCache
from cratedig.engine.training.cluster import Cluster, cluster_strategy, train_in_cluster

NoticeFn = Callable[[str], None]


@dataclass(frozen=True)
class TrainConfig:
    """Seed plus per-model overrides of each model's default params."""

    seed: int = 0
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def params(self, name: str) -> dict[str, Any]:
        return {**model_class(name).default_params(), **self.overrides.get(name, {}), "seed": self.seed}


def model_key_params(name: str, config: TrainConfig) -> dict[str, Any]:
    """What identifies a trained model: its params and, recursively, those of the models it is
    built on (a retrained `mf` must retrain the `ranking` that reads its vectors)."""
    params = config.params(name)
    for upstream in MODELS[name].requires:
        params = {**params, f"upstream:{upstream}": model_key_params(upstream, config)}
    return params


class ModelStore:
    """Trained models for one dataset and configuration, cached under one ModelCache."""

    def __init__(self, dataset: Dataset, config: TrainConfig | None = None, cache: ModelCache | None = None):
        self.dataset = dataset
        self.config = config or TrainConfig()
        self.cache = cache or ModelCache()

    def path(self, name: str):
        return self.cache.path(name, model_key_params(name, self.config), self.dataset)

    def all_cached(self, names: list[str]) -> bool:
        """Whether every named model, and every model it is built on, has a cache file (no loading)."""
        needed = set(names)
        while True:
            more = {req for name in needed if name in MODELS for req in MODELS[name].requires} - needed
            if not more:
                break
            needed |= more
        return all(name in BASELINES or self.path(name).is_file() for name in needed)

    def cached(self, name: str, notice: NoticeFn | None = None,
               upstream: dict[str, Recommender] | None = None) -> Recommender | None:
        """The cached model for exactly this data, config and code, or None. A damaged file is
        reported through `notice` and treated as missing."""
        try:
            loaded = self.cache.load(self.path(name), {"model": name, "data": self.dataset.fingerprint})
        except CacheError as exc:
            if notice:
                notice(str(exc))
            return None
        if loaded is None:
            return None
        if upstream is None:
            upstream = {req: self.cached(req, notice) for req in MODELS[name].requires}
            if any(m is None for m in upstream.values()):
                return None
        arrays, meta = loaded
        model = MODELS[name](**self.config.params(name))
        model.load_arrays(arrays, self.dataset, upstream)
        model.losses = list(meta.get("losses", []))
        model.train_seconds = float(meta.get("train_seconds", 0.0))
        return model

    def get(self, names: list[str], progress: ProgressFn | None = None, notice: NoticeFn | None = None,
            retrain: bool = False, strategy: Any = None, cluster: Cluster | None = None) -> dict[str, Recommender]:
        """Models by name (and the models they require): cached ones are loaded, the rest trained
        (in the given tf.distribute strategy) and saved. Baselines are always fitted: they take
        milliseconds.

        With `cluster` (engine.training.cluster), every model is trained, by every worker in step,
        under MultiWorkerMirroredStrategy; the chief alone saves them, after the last one trained."""
        models: dict[str, Recommender] = {}
        remove_stale_temporaries(self.cache.root / "models")  # what killed runs left half-written
        retrain = retrain or cluster is not None  # workers must run the same steps: none reads a cache
        if retrain or not self.all_cached(names):
            if cluster is None or cluster.is_chief:
                self.cache.check_writable()  # fail now, not after minutes of training
            for name in names:
                model_class(name).check_trainable(self.dataset)
        if cluster is not None:
            strategy = cluster_strategy(cluster)
            if notice:
                notice(f"all {cluster.size} tasks of the cluster joined: training")
        trained: list[tuple[str, Recommender, dict[str, Any]]] = []  # under a cluster, saved at the end

        def obtain(name: str) -> Recommender:
            if name in models:
                return models[name]
            if name in BASELINES:
                models[name] = BASELINES[name]().fit(self.dataset)
                return models[name]
            upstream = {req: obtain(req) for req in MODELS[name].requires}
            model = None if retrain else self.cached(name, notice, upstream)
            if model is None:
                params = self.config.params(name)
                model = MODELS[name](**params).fit(self.dataset, progress, strategy, upstream)
                if cluster is None:
                    self._save(name, model, params)
                else:  # saved by the chief once every model has trained
                    trained.append((name, model, params))
            models[name] = model
            return model

        if cluster is None:
            for name in names:
                obtain(name)
        else:
            train_in_cluster(cluster, lambda: [obtain(name) for name in names])
            if cluster.is_chief:
                for name, model, params in trained:
                    self._save(name, model, params)
        return {name: models[name] for name in dict.fromkeys(list(names) + list(models))}

    def _save(self, name: str, model: Recommender, params: dict[str, Any]) -> None:
        try:
            self.cache.save(self.path(name), model.to_arrays(),
                            {"model": name, "params": params, "data": self.dataset.fingerprint,
                             "losses": model.losses, "train_seconds": model.train_seconds})
        except OSError as exc:
            raise CacheLocationError(f"cannot save {name} in the cache {self.cache.root}: "
                                     f"{exc.strerror or exc}; set CRATEDIG_CACHE to a writable "
                                     "directory") from None


def get_models(dataset: Dataset, names: list[str], config: TrainConfig | None = None,
               cache: ModelCache | None = None, progress: ProgressFn | None = None,
               notice: NoticeFn | None = None, retrain: bool = False,
               strategy: Any = None) -> dict[str, Recommender]:
    """`ModelStore(dataset, config, cache).get(...)` in one call (scripts and benchmarks)."""
    return ModelStore(dataset, config, cache).get(names, progress, notice, retrain, strategy)

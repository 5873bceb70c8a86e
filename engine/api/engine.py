"""The Engine: one dataset, its models, and every request the front ends make of them, answered
with typed results (engine.serving.results). Serving is NumPy over cached arrays; TensorFlow is
imported only if a model must be trained."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from cratedig.engine.api.history import HistoryRequests
from cratedig.engine.api.requests import MAX_LIKED, MODEL_NAMES, Stages, check_seeds
from cratedig.engine.data.loader import load_dataset
from cratedig.engine.data.types import Dataset
from cratedig.engine.errors import NotFoundError, UsageError
from cratedig.engine.evaluation.report import EvaluationReport, evaluate, load_report, save_report
from cratedig.engine.evaluation.seeds import SeedsReport, evaluate_seeds, load_seeds_rows, save_seeds_report
from cratedig.engine.models.base import Recommender
from cratedig.engine.models.context import content_used
from cratedig.engine.models.pipeline import MAX_K, Recommended, check_k, recommend
from cratedig.engine.models.query import Query, liked_query, listeners_query
from cratedig.engine.models.registry import DEFAULT_RANKER, DEFAULT_RETRIEVER, MODELS, RETRIEVERS, check_model
from cratedig.engine.progress import ProgressFn
from cratedig.engine.serving.catalog import Catalog
from cratedig.engine.serving.neighbours import ModelSpace
from cratedig.engine.serving.ordered import ordered_map
from cratedig.engine.serving.results import (ArtistHit, ArtistSummary, DatasetSummary, ListenerBatch, ListenerSummary,
                                             Neighbours, Recommendations, Steering, TrainedModel)
from cratedig.engine.serving.suggestions import by_popularity, describe
from cratedig.engine.training.cache import ModelCache
from cratedig.engine.training.cluster import Cluster
from cratedig.engine.training.store import ModelStore, NoticeFn, TrainConfig


class Engine(HistoryRequests):
    """One dataset, its models and everything the front ends ask of them."""

    def __init__(self, data_dir: Path | str, cache: ModelCache | None = None,
                 config: TrainConfig | None = None, dataset: Dataset | None = None, kind: str | None = None):
        self.data_dir = Path(data_dir)
        self.dataset = dataset if dataset is not None else load_dataset(self.data_dir, kind)
        self.cache = cache or ModelCache()
        self.store = ModelStore(self.dataset, config, self.cache)
        self.catalog = Catalog(self.dataset)
        self.models: dict[str, Recommender] = {}
        self._spaces: dict[str, ModelSpace] = {}

    model_names = MODEL_NAMES
    retrievers = RETRIEVERS
    default_retriever = DEFAULT_RETRIEVER

    @property
    def fingerprint(self) -> str:
        """What identifies the loaded data (saved sessions are only restored onto the same data)."""
        return self.dataset.fingerprint

    def summary(self) -> DatasetSummary:
        data = self.dataset
        return DatasetSummary(str(self.data_dir), data.n_listeners, data.n_artists, len(data.plays), data.n_tags,
                              len(data.taggings), len(data.friends), data.quirks, data.kind,
                              0 if data.profiles is None else int((data.profiles.country >= 0).sum()))

    # -- models -----------------------------------------------------------------------------
    def models_cached(self) -> bool:
        return self.store.all_cached(list(MODELS))

    def load_models(self, progress: ProgressFn | None = None, notice: NoticeFn | None = None,
                    retrain: bool = False, names: Sequence[str] | None = None,
                    cluster: Cluster | None = None) -> list[TrainedModel]:
        """Load the cached models, training whichever is missing or stale; with `cluster` (see
        `cluster_from_environment`), train them all as one worker of it."""
        names = list(names or MODELS)
        self.models.update(self.store.get(names, progress, notice, retrain=retrain, cluster=cluster))
        return [TrainedModel(n, list(self.models[n].losses), self.models[n].train_seconds) for n in names]

    def _model(self, name: str) -> Recommender:
        check_model(name)
        if name not in self.models:
            self.load_models(names=[name])
        return self.models[name]

    def _space(self, name: str) -> ModelSpace:
        model = self._model(name)
        if name not in self._spaces or self._spaces[name].model is not model:
            self._spaces[name] = ModelSpace(model, self.catalog)
        return self._spaces[name]

    def evaluate(self, progress: ProgressFn | None = None, notice: NoticeFn | None = None) -> EvaluationReport:
        """Train every model on the hold-out split, measure it, and save the report for later."""
        report = evaluate(self.dataset, self.store.config, self.cache, progress, notice)
        save_report(report, self.cache)
        return report

    def evaluate_seeds(self, seeds: int, progress: ProgressFn | None = None,
                       notice: NoticeFn | None = None) -> SeedsReport:
        """The evaluation over `seeds` seeds: mean ± std per metric and a bootstrap interval for
        the best pipeline against the strongest baseline (see engine.evaluation.seeds)."""
        report = evaluate_seeds(self.dataset, check_seeds(seeds), self.store.config, self.cache, progress, notice)
        save_seeds_report(report, self.cache)
        return report

    def seeds_table(self) -> tuple[list[int], list[dict]] | None:
        """The last `eval --seeds` of this data: (seeds, rows with [mean, std] per metric), if any."""
        return load_seeds_rows(self.dataset, self.cache)

    def evaluation_report(self) -> EvaluationReport | None:
        """The last saved evaluation of this data, if any."""
        return load_report(self.dataset, self.cache)

    def training_losses(self) -> dict[str, list[float]]:
        return {name: list(m.losses) for name, m in self.models.items() if m.losses}

    # -- search -----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 5) -> list[ArtistHit]:
        return [self.catalog.hit(h) for h in self.catalog.search(query, limit)]

    def resolve_artist(self, ref: str | int) -> ArtistHit | None:
        """An artist by Last.FM id (int) or by name (best search match), or None."""
        found = self.catalog.resolve(ref)
        return None if found is None else self.catalog.hit(found)

    def example_prompts(self) -> list[str]:
        """Prompts that work on this data (for the welcome and hints): the two most played artists
        and the first listener."""
        top = np.argsort(-self.catalog.popularity, kind="stable")[:2]
        names = [str(self.dataset.artist_names[i]) for i in top]
        listener = self.dataset.listener_ids[0]
        return [f"I like {' and '.join(names)}", f"be listener {str(listener)[:8] if isinstance(listener, str) else listener}"]

    def did_you_mean(self, phrase: str, limit: int = 3) -> list[ArtistHit]:
        """Artists a phrase that matched none may have meant: for the user to choose, never taken."""
        return [self.catalog.hit(h) for h in self.catalog.did_you_mean(phrase, limit)]

    def is_genre(self, phrase: str) -> bool:
        """Whether `phrase` names a genre ("rock", "hip hop") rather than an artist."""
        return self.catalog.is_genre(phrase)

    def resolve_phrases(self, phrases: Sequence[str | int]) -> tuple[list[ArtistHit], list[str]]:
        """Artists named in phrases ('Björk and Muse' is two), and the phrases that matched none."""
        hits, unknown = self.catalog.resolve_phrases(phrases)
        return [self.catalog.hit(h) for h in hits], unknown

    # -- recommendations --------------------------------------------------------------------
    def recommend_listener(self, listener_id: int | str, k: int = 10, retriever: str = DEFAULT_RETRIEVER,
                           rank: bool = True, steering: Steering | None = None) -> Recommendations:
        index = self._listener_index(listener_id)
        query = listeners_query(self.dataset, [index])
        return Recommendations(retriever, rank, self._suggest(query, k, retriever, rank, steering)[0],
                               has_mbids=self.has_mbids)

    def recommend_liked(self, liked: Sequence[str | int], k: int = 10, retriever: str = DEFAULT_RETRIEVER,
                        rank: bool = True, steering: Steering | None = None) -> Recommendations:
        result = self.recommend_liked_many([liked], k, retriever, rank, steering)[0]
        if isinstance(result, UsageError):
            raise result
        return result

    def recommend_liked_many(self, liked_sets: Sequence[Sequence[str | int]], k: int = 10,
                             retriever: str = DEFAULT_RETRIEVER, rank: bool = True,
                             steering: Steering | None = None) -> list[Recommendations | UsageError]:
        """Cold start for many simulated listeners in one batch. One entry per set: its
        Recommendations, or the UsageError that set alone got (nothing found, too many)."""
        resolved: list[tuple[list, list[str]] | UsageError] = []
        for liked in liked_sets:
            try:
                resolved.append(self._resolve_liked(liked))
            except UsageError as exc:
                resolved.append(exc)
        good = [r for r in resolved if not isinstance(r, UsageError)]
        query = liked_query(self.dataset.n_artists, [[h.artist for h in hits] for hits, _ in good])
        rows = iter(self._suggest(query, k, retriever, rank, steering) if good else [])
        return [r if isinstance(r, UsageError) else
                Recommendations(retriever, rank, next(rows), [self.catalog.hit(h) for h in r[0]], r[1],
                                has_mbids=self.has_mbids)
                for r in resolved]

    def recommend_all_listeners(self, k: int = 10, retriever: str = DEFAULT_RETRIEVER,
                                rank: bool = True, batch: int = 1024) -> Iterator[ListenerBatch]:
        """Every listener's top k (final-stage scores only), a batch of listeners at a time, in
        order; after the first batch (which loads the models and builds any index), two batches are
        computed at once (engine.serving.ordered)."""
        check_k(k)
        stages = self._stages(retriever, rank)

        def listeners_batch(start: int) -> ListenerBatch:
            listeners = np.arange(start, min(start + batch, self.dataset.n_listeners))
            found = self._pipeline(listeners_query(self.dataset, listeners), k, stages, None)
            given = found.artists >= 0  # -1: the listener has played everything else
            return ListenerBatch(self.dataset.listener_ids[listeners].tolist(),
                                 [self.dataset.artist_ids[a[g]].tolist() for a, g in zip(found.artists, given)],
                                 [self.dataset.artist_names[a[g]].tolist() for a, g in zip(found.artists, given)],
                                 [s[g].tolist() for s, g in zip(found.scores, given)])

        starts = range(0, self.dataset.n_listeners, batch)
        yield from map(listeners_batch, starts[:1])
        yield from ordered_map(listeners_batch, starts[1:])

    def _stages(self, retriever: str, rank: bool) -> Stages:
        return Stages(check_model(retriever, "retriever"), DEFAULT_RANKER if rank else None)

    def _pipeline(self, query: Query, k: int, stages: Stages, steering: Steering | None) -> Recommended:
        ranker = None if stages.ranker is None else self._model(stages.ranker)
        return recommend(self._model(stages.retriever), query, k, ranker=ranker, exclude=self._excluded(steering))

    def _suggest(self, query: Query, k: int, retriever: str, rank: bool, steering: Steering | None):
        check_k(k)
        stages = self._stages(retriever, rank)
        popularity = steering.popularity if steering else 0
        # Steering by popularity re-orders a longer ranked list, then keeps k.
        found = self._pipeline(query, min(MAX_K, max(3 * k, k + 30)) if popularity else k, stages, steering)
        if popularity:
            found = by_popularity(found, self.catalog.popularity, popularity, k)
        models = {name: self._model(name) for name in MODELS}
        return describe(query, found, models, stages.retriever, stages.ranker, self.catalog, self._space(retriever))

    def _excluded(self, steering: Steering | None) -> np.ndarray | None:
        """Artist indices `steering` leaves out: named ones, genre families, all but the kept families."""
        if steering is None:
            return None
        indices = [self.dataset.artist_index(a) for a in steering.artist_ids]
        mask = np.zeros(self.dataset.n_artists, dtype=bool)
        mask[[i for i in indices if i is not None]] = True
        for genre in steering.genres:
            mask |= self.catalog.genre_family(genre)
        if steering.only_genres:
            mask |= ~np.logical_or.reduce([self.catalog.genre_family(g) for g in steering.only_genres])
        return np.flatnonzero(mask)

    def _resolve_liked(self, liked: Sequence[str | int]) -> tuple[list, list[str]]:
        if not liked:
            raise UsageError("no liked artists given")
        if len(liked) > MAX_LIKED:
            raise UsageError(f"{len(liked)} liked artists given; at most {MAX_LIKED}")
        hits, unknown = self.catalog.resolve_phrases(liked)
        if not hits:
            raise NotFoundError(f"none of the liked artists were found: {', '.join(unknown)}")
        return hits, unknown

    def _listener_index(self, listener_id: int | str) -> int:
        """The listener's index; on Last.fm-360K a unique prefix of the SHA-1 id will do."""
        index = self.dataset.listener_index(listener_id)
        if index is not None:
            return index
        ids = self.dataset.listener_ids
        if ids.dtype.kind != "U":
            raise NotFoundError(f"unknown listener id {listener_id}: ids run from {ids[0]} to {ids[-1]} with gaps")
        found = self.dataset.listeners_with_prefix(str(listener_id), limit=3)
        if len(found) == 1:
            return int(found[0])
        if not len(found):
            raise NotFoundError(f"no listener id starts with {str(listener_id)[:40]!r}")
        shown = ", ".join(str(ids[i])[:12] + "…" for i in found[:2]) + (" and more" if len(found) > 2 else "")
        raise UsageError(f"listener id {str(listener_id)[:40]!r} is ambiguous ({shown}): type more of it")

    def find_listener(self, listener_id: int | str) -> int | str:
        """The full id of the listener `listener_id` names (a unique prefix on Last.fm-360K)."""
        return self.dataset.listener_id(self._listener_index(listener_id))

    # -- neighbours and checks ----------------------------------------------------------------
    def neighbours(self, artist: str | int, model: str | None = None, k: int = 10) -> Neighbours:
        """Nearest artists to `artist` in `model`'s space (default: the default retriever's)."""
        model = check_model(model or DEFAULT_RETRIEVER)
        check_k(k)
        found = self.catalog.resolve(artist)
        if found is None:
            raise NotFoundError(f"unknown artist id {artist}" if isinstance(artist, int) else
                                f"no artist matches {artist!r}")
        space, a = self._space(model), found.artist
        near = space.nearest(a, k)
        return Neighbours(self.catalog.artist_id(a), found.name, str(self.catalog.genres[a]), model,
                          near["cosine"], near["dot"], space.nearest_genres(a))

    def norm_vs_popularity(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        return self._space(model).norm_vs_popularity()

    def embedding_map(self, model: str) -> dict[str, list]:
        return self._space(model).genre_map()

    # -- listeners and artists ----------------------------------------------------------------
    def listener_summary(self, listener_id: int | str, top: int = 5) -> ListenerSummary:
        return self.catalog.listener_summary(self._listener_index(listener_id), top)

    def listener_table(self, prefix: str = "", limit: int | None = None) -> list[ListenerSummary]:
        """Listeners with artist count, top genres (or profile) and top artists, for the picker:
        every one, or the first `limit`; with `prefix`, those whose SHA-1 id starts with it."""
        if prefix:
            indices = self.dataset.listeners_with_prefix(prefix, limit or self.dataset.n_listeners)
        else:
            indices = range(min(limit or self.dataset.n_listeners, self.dataset.n_listeners))
        return [self.catalog.listener_summary(int(i), top=3) for i in indices]

    @property
    def has_genres(self) -> bool:
        """Whether artists have genres (tags); Last.fm-360K has none."""
        return self.dataset.has_tags

    @property
    def has_mbids(self) -> bool:
        """Whether artists have MusicBrainz ids (Last.fm-360K; not HetRec)."""
        return self.dataset.artist_mbids is not None

    @property
    def catalogue_ends(self) -> int:
        """The year this dataset's listening ends: artists who came later are not in it."""
        return self.catalog.catalogue_ends

    @property
    def dataset_kind(self) -> str:
        return self.dataset.kind

    def context_content(self) -> str:
        """What the context model reads besides ids on this dataset ("the artists' tags", ...)."""
        return content_used(self.dataset)

    def artist_summary(self, artist_id: int) -> ArtistSummary:
        index = self.dataset.artist_index(artist_id)
        if index is None:
            raise NotFoundError(f"unknown artist id {artist_id}")
        return self.catalog.artist_summary(index)

    def artist_tags(self, artist_id: int, top: int = 8) -> list[str]:
        index = self.dataset.artist_index(artist_id)
        return [] if index is None else self.catalog.artist_tags(index, top)

    def genre_names(self) -> list[str]:
        """Genres at least one artist has, most common first."""
        return self.catalog.genre_names()

    def genre_seed(self, genre: str, n: int = 8) -> tuple[str, list[int]]:
        """The genre best matching `genre` and the Last.FM ids of its n most played artists."""
        return self.catalog.genre_seed(genre, n)

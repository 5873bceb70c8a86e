"""The engine facade the CLI and the app both use: load data, get models, answer requests.

Serving is NumPy over cached arrays; TensorFlow is imported only if a model must be trained."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Sequence

import numpy as np

from engine.cache import ModelCache
from engine.dataset import Dataset, load_dataset
from engine.errors import UsageError
from engine.features import NO_TAGS, artist_genres, artist_popularity, artist_tags
from engine.models.base import Query, Recommender, liked_query, listeners_query
from engine.models.registry import DEFAULT_RETRIEVER, MODELS, RETRIEVERS
from engine.pipeline import DEFAULT_CANDIDATES, shortlist
from engine.progress import ProgressFn
from engine.search import ArtistSearch, SearchHit
from engine.training import NoticeFn, TrainConfig, all_cached, get_models

MAX_LIKED = 200


@dataclass(frozen=True)
class Suggestion:
    artist_id: int
    name: str
    genre: str
    retrieval_score: float
    ranking_score: float | None
    rank_before: int  # 1-based position in the retrieval order
    rank_after: int  # 1-based position after ranking
    model_scores: dict[str, float]
    reason: str
    because_artist_id: int | None

    @property
    def movement(self) -> int:
        """Places gained by ranking (positive: moved up)."""
        return self.rank_before - self.rank_after


@dataclass(frozen=True)
class Exclusions:
    """Artists (dataset indices) and genres the listener said no to."""

    artists: tuple[int, ...] = ()
    genres: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recommendations:
    retriever: str
    ranked: bool
    suggestions: list[Suggestion]
    liked: list[SearchHit] = field(default_factory=list)  # resolved liked artists (cold start)
    unknown: list[str] = field(default_factory=list)  # liked names/ids that matched nothing


@dataclass(frozen=True)
class Neighbour:
    artist_id: int
    name: str
    genre: str
    score: float
    same_genre: bool


@dataclass(frozen=True)
class Neighbours:
    artist_id: int
    name: str
    genre: str
    model: str
    cosine: list[Neighbour]
    dot: list[Neighbour]
    nearest_genres: list[tuple[str, float]]


class Engine:
    """One dataset, its models and everything the UI and CLI ask of them."""

    def __init__(self, data_dir: Path | str, cache: ModelCache | None = None,
                 config: TrainConfig | None = None, dataset: Dataset | None = None):
        self.data_dir = Path(data_dir)
        self.dataset = dataset if dataset is not None else load_dataset(self.data_dir)
        self.cache = cache or ModelCache()
        self.config = config or TrainConfig()
        self.models: dict[str, Recommender] = {}

    # -- data -------------------------------------------------------------------------------
    @cached_property
    def genres(self) -> np.ndarray:
        return artist_genres(self.dataset)

    @cached_property
    def popularity(self) -> np.ndarray:
        return artist_popularity(self.dataset)

    @cached_property
    def all_artist_tags(self):
        """Every artist's tags, most applied first (built once; the artist view asks often)."""
        return artist_tags(self.dataset, min_count=1)

    @cached_property
    def searcher(self) -> ArtistSearch:
        return ArtistSearch(self.dataset.artist_names, self.popularity)

    def artist_label(self, index: int) -> str:
        return str(self.dataset.artist_names[index])

    # -- models -----------------------------------------------------------------------------
    def models_cached(self) -> bool:
        return all_cached(self.dataset, list(MODELS), self.config, self.cache)

    def load_models(self, progress: ProgressFn | None = None, notice: NoticeFn | None = None,
                    retrain: bool = False, names: Sequence[str] | None = None) -> dict[str, Recommender]:
        """Load the cached models, training whichever is missing or stale."""
        names = list(names or MODELS)
        self.models.update(get_models(self.dataset, names, self.config, self.cache, progress, notice,
                                      retrain=retrain))
        return self.models

    def _model(self, name: str) -> Recommender:
        if name not in MODELS:
            raise UsageError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
        if name not in self.models:
            self.load_models(names=[name])
        return self.models[name]

    def evaluation_report(self) -> dict | None:
        """The last `cratedig eval` report for this data, if one was saved."""
        from engine.model_eval import EVAL_FILE

        return self.cache.load_json(EVAL_FILE.format(fingerprint=self.dataset.fingerprint))

    # -- search -----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 5) -> list[SearchHit]:
        # Control characters are dropped; an enormous query is cut (to 200 chars) by the index.
        cleaned = "".join(ch for ch in query[:10_000] if ch.isprintable())
        return self.searcher.search(cleaned, limit)

    def resolve_artist(self, ref: str | int) -> SearchHit | None:
        """An artist by Last.FM id (int) or by name (best search match), or None."""
        if isinstance(ref, (int, np.integer)) and not isinstance(ref, bool):
            index = self.dataset.artist_index(int(ref))
            return None if index is None else SearchHit(index, self.artist_label(index), 100.0)
        hits = self.search(str(ref), 1)
        return hits[0] if hits and hits[0].score >= 70 else None

    def resolve_phrases(self, phrases: Sequence[str | int]) -> tuple[list[SearchHit], list[str]]:
        """Resolve artist references; a phrase with 'and' that is not itself a good match
        ('Björk and Muse', unlike 'Simon and Garfunkel') is split and each part resolved."""
        from engine.intents import and_alternatives

        hits, unknown = [], []
        for phrase in phrases:
            hit = self.resolve_artist(phrase)
            parts = [] if isinstance(phrase, int) else and_alternatives(str(phrase))
            if parts and (hit is None or hit.score < 95):
                part_hits = [self.resolve_artist(p) for p in parts]
                if all(h is not None for h in part_hits):
                    hits.extend(part_hits)
                    continue
            (hits.append(hit) if hit is not None else unknown.append(str(phrase)))
        return hits, unknown

    # -- recommendations --------------------------------------------------------------------
    def listener_query(self, listener_id: int) -> Query:
        index = self.dataset.listener_index(listener_id)
        if index is None:
            raise UsageError(f"unknown listener id {listener_id}: ids run from "
                             f"{self.dataset.listener_ids[0]} to {self.dataset.listener_ids[-1]} with gaps")
        return listeners_query(self.dataset, [index])

    def liked_query(self, liked: Sequence[str | int]) -> tuple[Query, list[SearchHit], list[str]]:
        if not liked:
            raise UsageError("no liked artists given")
        if len(liked) > MAX_LIKED:
            raise UsageError(f"{len(liked)} liked artists given; at most {MAX_LIKED}")
        resolved, unknown = self.resolve_phrases(liked)
        if not resolved:
            raise UsageError(f"none of the liked artists were found: {', '.join(unknown)}")
        return liked_query(self.dataset.n_artists, [[h.artist for h in resolved]]), resolved, unknown

    def recommend_listener(self, listener_id: int, k: int = 10, retriever: str = DEFAULT_RETRIEVER,
                           rank: bool = True, n_candidates: int = DEFAULT_CANDIDATES,
                           exclude: Exclusions | None = None) -> Recommendations:
        return self._recommend(self.listener_query(listener_id), k, retriever, rank, n_candidates, exclude)

    def recommend_liked(self, liked: Sequence[str | int], k: int = 10, retriever: str = DEFAULT_RETRIEVER,
                        rank: bool = True, n_candidates: int = DEFAULT_CANDIDATES,
                        exclude: Exclusions | None = None) -> Recommendations:
        query, resolved, unknown = self.liked_query(liked)
        result = self._recommend(query, k, retriever, rank, n_candidates, exclude)
        return Recommendations(result.retriever, result.ranked, result.suggestions, resolved, unknown)

    def _allowed(self, artists: np.ndarray, exclude: Exclusions | None) -> np.ndarray:
        if exclude is None:
            return np.ones(len(artists), dtype=bool)
        ok = ~np.isin(artists, np.asarray(exclude.artists, dtype=np.int64))
        if exclude.genres:
            banned = {g.casefold() for g in exclude.genres}
            ok &= np.array([str(g).casefold() not in banned for g in self.genres[artists]], dtype=bool)
        return ok

    def _recommend(self, query: Query, k: int, retriever: str, rank: bool, n_candidates: int,
                   exclude: Exclusions | None = None) -> Recommendations:
        if retriever not in RETRIEVERS:
            raise UsageError(f"{retriever!r} cannot retrieve; choose from {', '.join(RETRIEVERS)}")
        if not 1 <= k <= 1000:
            raise UsageError(f"k must be between 1 and 1000, got {k}")
        ranker = self._model("ranking") if rank else None
        result = shortlist(self._model(retriever), ranker, query, max(n_candidates, k))
        order = result.order[0]
        order = order[self._allowed(result.candidates[0, order], exclude)][:k]
        final = result.candidates[0, order]
        scores = {name: self._model(name).score(query, final)[0] for name in MODELS}
        history = query.history[0].indices
        because = self._closest_in_history(history, final, retriever)
        suggestions = []
        for pos, (slot, artist) in enumerate(zip(order, final)):
            source = because[pos]
            suggestions.append(Suggestion(
                artist_id=int(self.dataset.artist_ids[artist]), name=self.artist_label(artist),
                genre=str(self.genres[artist]),
                retrieval_score=float(result.retrieval_scores[0, slot]),
                ranking_score=None if result.ranking_scores is None else float(result.ranking_scores[0, slot]),
                rank_before=int(slot) + 1, rank_after=pos + 1,
                model_scores={name: float(s[pos]) for name, s in scores.items()},
                reason=f"because you play {self.artist_label(source)}" if source >= 0 else "popular with similar listeners",
                because_artist_id=int(self.dataset.artist_ids[source]) if source >= 0 else None))
        return Recommendations(retriever, rank, suggestions)

    def _closest_in_history(self, history: np.ndarray, suggestions: np.ndarray, model: str) -> np.ndarray:
        """For each suggestion, the history artist nearest to it (cosine in `model`'s space)."""
        if len(history) == 0:
            return np.full(len(suggestions), -1)
        vectors = self._model(model).artist_vectors()
        h = _unit(vectors[history])
        s = _unit(vectors[suggestions])
        return history[np.argmax(s @ h.T, axis=1)]

    # -- neighbours -------------------------------------------------------------------------
    def neighbours(self, artist: str | int, model: str = DEFAULT_RETRIEVER, k: int = 10) -> Neighbours:
        hit = self.resolve_artist(artist)
        if hit is None:
            raise UsageError(f"no artist matches {artist!r}")
        vectors = self._model(model).artist_vectors()
        a = hit.artist
        unit = self.unit_vectors(model)
        lists = {}
        for measure, scores in (("cosine", unit @ unit[a]), ("dot", vectors @ vectors[a])):
            scores = scores.astype(np.float64)
            scores[a] = -np.inf
            top = np.argpartition(-scores, k)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            lists[measure] = [Neighbour(int(self.dataset.artist_ids[j]), self.artist_label(j), str(self.genres[j]),
                                        float(scores[j]), self.genres[j] == self.genres[a]) for j in top]
        return Neighbours(int(self.dataset.artist_ids[a]), hit.name, str(self.genres[a]), model,
                          lists["cosine"], lists["dot"], self.nearest_genres(model, a))

    def unit_vectors(self, model: str) -> np.ndarray:
        key = f"unit:{model}"
        if key not in self.dataset._cache:
            self.dataset._cache[key] = _unit(self._model(model).artist_vectors())
        return self.dataset._cache[key]

    def genre_centroids(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """(genre names, unit centroid per genre) over tagged artists in `model`'s space."""
        key = f"centroids:{model}"
        if key not in self.dataset._cache:
            unit = self.unit_vectors(model)
            names, inverse = np.unique(self.genres.astype(str), return_inverse=True)
            sums = np.zeros((len(names), unit.shape[1]))
            np.add.at(sums, inverse, unit)
            keep = names != NO_TAGS
            self.dataset._cache[key] = (names[keep], _unit(sums[keep]))
        return self.dataset._cache[key]

    def nearest_genres(self, model: str, artist: int, k: int = 5) -> list[tuple[str, float]]:
        names, centroids = self.genre_centroids(model)
        scores = centroids @ self.unit_vectors(model)[artist]
        top = np.argsort(-scores)[:k]
        return [(str(names[i]), float(scores[i])) for i in top]

    # -- sanity checks ------------------------------------------------------------------------
    def norm_vs_popularity(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """(listeners per artist, embedding norm) for every artist: the seed's norm plot."""
        vectors = self._model(model).artist_vectors()
        return self.popularity.astype(float), np.linalg.norm(vectors, axis=1)

    def embedding_map(self, model: str, n_artists: int = 1500, n_genres: int = 6) -> dict[str, list]:
        """A 2-D PCA map of the most popular artists' unit vectors, by genre (top genres only)."""
        popular = np.argsort(-self.popularity, kind="stable")[:n_artists]
        unit = self.unit_vectors(model)[popular]
        centred = unit - unit.mean(axis=0)
        _, _, components = np.linalg.svd(centred, full_matrices=False)
        xy = centred @ components[:2].T
        genres = self.genres[popular].astype(str)
        top = [g for g in self.genre_names()[:n_genres]]
        return {g: [xy[genres == g, 0].tolist(), xy[genres == g, 1].tolist()] for g in top}

    def training_losses(self) -> dict[str, list[float]]:
        return {name: list(m.losses) for name, m in self.models.items() if m.losses}

    # -- listeners --------------------------------------------------------------------------
    def listener_summary(self, listener_id: int, top: int = 5) -> dict:
        query = self.listener_query(listener_id)
        row = query.history[0]
        order = np.argsort(-row.data)
        artists = row.indices[order]
        genres = [g for g in self.genres[artists] if g != NO_TAGS]
        counts: dict[str, int] = {}
        for g in genres:
            counts[g] = counts.get(g, 0) + 1
        return {"listener_id": listener_id, "n_artists": len(artists),
                "top_artists": [self.artist_label(a) for a in artists[:top]],
                "top_genres": sorted(counts, key=lambda g: -counts[g])[:3]}

    def genre_names(self) -> list[str]:
        """Genres that at least one artist has, most common first."""
        names, counts = np.unique(self.genres.astype(str), return_counts=True)
        order = np.argsort(-counts, kind="stable")
        return [str(names[i]) for i in order if names[i] != NO_TAGS]

    def genre_seed(self, genre: str, n: int = 8) -> tuple[str, list[int]]:
        """The genre best matching `genre` and the Last.FM ids of its n most played artists."""
        from rapidfuzz import process

        known = self.genre_names()
        from engine.search import normalise

        match = process.extractOne(genre, known, processor=normalise, score_cutoff=70)
        if match is None:
            raise UsageError(f"no genre matches {genre!r}; try one of {', '.join(known[:8])}")
        name = match[0]
        members = np.flatnonzero(self.genres.astype(str) == name)
        top = members[np.argsort(-self.popularity[members], kind="stable")][:n]
        return name, [int(self.dataset.artist_ids[a]) for a in top]

    def artist_summary(self, artist_index: int, top_listeners: int = 5) -> dict:
        """Listeners, plays, tags and the listeners who play it most."""
        plays = self.dataset.plays
        mask = plays.artist == artist_index
        listeners, weights = plays.listener[mask], plays.weight[mask]
        order = np.argsort(-weights, kind="stable")[:top_listeners]
        return {"artist_id": int(self.dataset.artist_ids[artist_index]), "name": self.artist_label(artist_index),
                "genre": str(self.genres[artist_index]), "listeners": int(mask.sum()),
                "plays": int(weights.sum()), "tags": self.artist_tags(artist_index),
                "top_listeners": [(int(self.dataset.listener_ids[listeners[i]]), int(weights[i])) for i in order]}

    def listener_table(self) -> list[dict]:
        """Every listener with artist count, top genres and top artists (for the picker)."""
        return [self.listener_summary(int(lid), top=3) for lid in self.dataset.listener_ids]

    def artist_tags(self, artist_index: int, top: int = 8) -> list[str]:
        tags = self.all_artist_tags.of(artist_index)[:top]
        return [str(self.dataset.tag_names[t]) for t in tags]


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)

"""One model's artist space: nearest artists by cosine and dot product, genre centroids, and the
sanity-check views of it (norm against popularity, a 2-D map). A ModelSpace memoises what it
derives from its model's vectors, so it is built per trained model and dropped with it."""
from __future__ import annotations

from functools import cached_property

import numpy as np

from cratedig.engine.data.features import NO_TAGS
from cratedig.engine.models.base import Recommender
from cratedig.engine.ops import top_k, unit_rows
from cratedig.engine.serving.catalog import Catalog
from cratedig.engine.serving.results import Neighbour


class ModelSpace:
    def __init__(self, model: Recommender, catalog: Catalog):
        self.model, self.catalog = model, catalog

    @cached_property
    def vectors(self) -> np.ndarray:
        return self.model.artist_vectors()

    @cached_property
    def unit(self) -> np.ndarray:
        return unit_rows(self.vectors)

    @cached_property
    def centroids(self) -> tuple[np.ndarray, np.ndarray]:
        """(genre names, unit centroid per genre) over tagged artists."""
        names, inverse = np.unique(self.catalog.genres.astype(str), return_inverse=True)
        sums = np.zeros((len(names), self.unit.shape[1]))
        np.add.at(sums, inverse, self.unit)
        keep = (names != NO_TAGS) & (names != "")
        return names[keep], unit_rows(sums[keep])

    def nearest(self, artist: int, k: int) -> dict[str, list[Neighbour]]:
        """The k nearest artists to `artist` by "cosine" and by "dot" product, best first."""
        genres = self.catalog.genres
        lists = {}
        measures = (("cosine", self.unit @ self.unit[artist]), ("dot", self.vectors @ self.vectors[artist]))
        for measure, scores in measures:
            scores = scores.astype(np.float64)[None, :]
            scores[0, artist] = -np.inf
            top = top_k(scores, min(k, len(self.unit) - 1))[0]  # never the artist itself
            lists[measure] = [Neighbour(self.catalog.artist_id(j), self.catalog.name(j), str(genres[j]),
                                        float(scores[0, j]), bool(genres[j]) and genres[j] == genres[artist],
                                        self.catalog.url(j)) for j in top]
        return lists

    def nearest_genres(self, artist: int, k: int = 5) -> list[tuple[str, float]]:
        names, centroids = self.centroids
        scores = centroids @ self.unit[artist]
        top = np.argsort(-scores)[:k]
        return [(str(names[i]), float(scores[i])) for i in top]

    def closest_in_history(self, history: np.ndarray, suggestions: np.ndarray) -> np.ndarray:
        """For each suggestion (row of artist indices), the history artist nearest to it by
        cosine, or -1 when the history is empty."""
        if len(history) == 0:
            return np.full(suggestions.shape, -1)
        return history[np.argmax(self.unit[suggestions] @ self.unit[history].T, axis=-1)]

    def norm_vs_popularity(self) -> tuple[np.ndarray, np.ndarray]:
        """(listeners per artist, embedding norm) for every artist: the seed's norm plot."""
        return self.catalog.popularity.astype(float), np.linalg.norm(self.vectors, axis=1)

    def genre_map(self, n_artists: int = 1500, n_genres: int = 6) -> dict[str, list]:
        """A 2-D PCA map of the most popular artists' unit vectors, by genre (top genres only)."""
        popular = np.argsort(-self.catalog.popularity, kind="stable")[:n_artists]
        centred = self.unit[popular] - self.unit[popular].mean(axis=0)
        _, _, components = np.linalg.svd(centred, full_matrices=False)
        xy = centred @ components[:2].T
        genres = self.catalog.genres[popular].astype(str)
        return {g: [xy[genres == g, 0].tolist(), xy[genres == g, 1].tolist()]
                for g in self.catalog.genre_names()[:n_genres]}

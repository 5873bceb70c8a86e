"""The ranker's training examples, built the way it is used: on candidates a retrieval model
proposes for artists it has not seen.

A ranker trained on the retriever's own training pairs learns only that the retriever's scores are
high there (they were fitted to be), and re-ranking held-out candidates with it loses to the
retriever alone. So the training data is split once more, per listener, exactly like the
evaluation split: a probe copy of the retriever is trained on the visible part, proposes candidates,
and the hidden part says which of them the listener really plays, and how much.

Serving also ranks for listeners described by a few liked artists; so, optionally, each listener
appears a second time as such a newcomer (their most-played visible artists only), with the
probe's candidates for that short history labelled by the same hidden part."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from cratedig.engine.data.split import Split
from cratedig.engine.models.base import Retriever
from cratedig.engine.models.pipeline import candidate_union, recommend
from cratedig.engine.models.query import liked_query, listeners_query
from cratedig.engine.models.ranking.features import FEATURE_NAMES, RankingFeatures

#: chunks of features computed at once while building examples (as many as the export's batches)
TRAINING_THREADS = min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class RankingExamples:
    """Column arrays, one row per example. Candidate rows train the play head (`play_mask`);
    hidden pairs train the weight head (`weight_mask`). `history` holds the play history each
    example's `listener` column points to (a row per listener, then a row per newcomer)."""

    columns: dict[str, np.ndarray]
    history: sp.csr_matrix

    @property
    def positive_rate(self) -> float:
        mask = self.columns["play_mask"] > 0
        return float(self.columns["played"][mask].mean())


def listener_mean_weights(history) -> np.ndarray:
    """Each row's mean normalised weight over the artists it plays."""
    counts = np.maximum(np.diff(history.indptr), 1)
    return (np.asarray(history.sum(axis=1)).ravel() / counts).astype(np.float32)


def sample_listeners(split: Split, most: int | None, seed: int) -> Split:
    """`split` with the hidden artists of at most `most` of its listeners (a seeded sample): the
    ranker's examples grow with listeners x candidates, and a few tens of thousands of listeners
    teach it as much as 360,000. The visible part stays whole (the probe learns from everyone)."""
    listeners = np.unique(split.test_listener)
    if most is None or len(listeners) <= most:
        return split
    chosen = np.random.default_rng(seed).choice(listeners, int(most), replace=False)
    keep = np.isin(split.test_listener, chosen)
    return replace(split, test_listener=split.test_listener[keep], test_artist=split.test_artist[keep],
                   test_weight=split.test_weight[keep], test_target=split.test_target[keep])


def ranking_examples(probe: Retriever, split: Split, n_candidates: int, liked: int = 0,
                     sources: tuple[tuple[Retriever, int], ...] = ()) -> RankingExamples:
    """Examples for every listener with hidden artists: the probe's top `n_candidates` for them
    (labelled played or not) and their hidden artists (with their normalised weights); with
    `liked` > 0, also the probe's candidates for each of them as a newcomer who names only their
    `liked` most-played visible artists. With `sources` (the ranker's own candidate sources, fitted
    on the same visible part), their best candidates join the probe's, as when serving."""
    visible = split.train
    # Hidden artists per listener, padded to one width (padding masked out below).
    listeners, hidden, row, column = split.held_out_rows()
    query = listeners_query(visible, listeners)
    candidates = _candidates(probe, query, n_candidates, sources)
    is_hidden = np.zeros(hidden.shape, bool)
    is_hidden[row, column] = True
    target = np.zeros(hidden.shape, np.float32)
    target[row, column] = split.test_target

    view = RankingFeatures(probe, visible)  # fits an item-kNN: built once, for listeners and newcomers
    features = view(query, np.concatenate([candidates, hidden], axis=1), threads=TRAINING_THREADS)
    played = np.asarray(split.held_out()[np.repeat(listeners, candidates.shape[1]), candidates.ravel()]).ravel()
    n_c, n_h = candidates.size, int(is_hidden.sum())
    means = listener_mean_weights(visible.history[listeners])
    rows_c = np.repeat(np.arange(len(listeners)), candidates.shape[1])
    rows_h = np.nonzero(is_hidden)[0]
    columns = {
        "features": np.concatenate([features[:, :candidates.shape[1]].reshape(n_c, -1),
                                    features[:, candidates.shape[1]:][is_hidden]]),
        "listener": listeners[np.concatenate([rows_c, rows_h])].astype(np.int32),
        "artist": np.concatenate([candidates.ravel(), hidden[is_hidden]]).astype(np.int32),
        "mean_weight": means[np.concatenate([rows_c, rows_h])],
        "played": np.concatenate([played > 0, np.ones(n_h, bool)]).astype(np.float32),
        "play_mask": np.concatenate([np.ones(n_c), np.zeros(n_h)]).astype(np.float32),
        "target": np.concatenate([np.zeros(n_c, np.float32), target[is_hidden]]),
        "weight_mask": np.concatenate([np.zeros(n_c), np.ones(n_h)]).astype(np.float32),
    }
    history = visible.history
    if liked > 0:
        newcomers, newcomer_history = _newcomer_examples(probe, view, split, listeners, n_candidates, liked, sources)
        newcomers["listener"] += history.shape[0]
        columns = {key: np.concatenate([columns[key], newcomers[key]]) for key in columns}
        history = sp.vstack([history, newcomer_history]).tocsr()
    given = columns["artist"] >= 0  # -1: a listener with fewer unplayed artists than candidates asked for
    return RankingExamples({key: value[given] for key, value in columns.items()}, history)


def _candidates(probe: Retriever, query, n: int, sources: tuple[tuple[Retriever, int], ...],
                exclude: sp.csr_matrix | None = None) -> np.ndarray:
    """The probe's best n per row, with the sources' joined when there are any (-1: no artist)."""
    if not sources:
        return recommend(probe, query, n, exclude=exclude).artists
    return candidate_union(probe, query, n, sources, exclude)


def _newcomer_examples(probe: Retriever, view: RankingFeatures, split: Split, listeners: np.ndarray,
                       n_candidates: int, liked: int, sources: tuple[tuple[Retriever, int], ...] = ()
                       ) -> tuple[dict[str, np.ndarray], sp.csr_matrix]:
    """Play-head rows for listeners reduced to their `liked` most-played visible artists, asked
    the way the service asks (equal weights). Their other visible artists are neither candidates
    nor labels: the probe was trained on them."""
    visible = split.train.history[listeners]
    keep = np.flatnonzero(np.diff(visible.indptr) > liked)
    if len(keep) == 0:  # nobody has more than `liked` artists: no newcomer to make of them
        empty = np.zeros(0, np.int64)
        columns = _newcomer_columns(np.zeros((0, len(FEATURE_NAMES)), np.float32), empty, empty, np.zeros(0), empty)
        return columns, sp.csr_matrix((0, visible.shape[1]), dtype=np.float32)
    named = [visible[r].indices[np.argsort(-visible[r].data, kind="stable")[:liked]] for r in keep]
    query = liked_query(visible.shape[1], named)
    candidates = _candidates(probe, query, n_candidates, sources, exclude=visible[keep])
    per_row = candidates.shape[1]
    features = view(query, candidates, threads=TRAINING_THREADS)
    played = np.asarray(split.held_out()[np.repeat(listeners[keep], per_row), candidates.ravel()]).ravel()
    columns = _newcomer_columns(features.reshape(candidates.size, -1), np.repeat(np.arange(len(keep)), per_row),
                                candidates.ravel(), np.repeat(listener_mean_weights(query.history), per_row), played)
    # Newcomer rows of the history, indexed after the listeners' own rows.
    history = sp.csr_matrix((query.history.data, query.history.indices, query.history.indptr),
                            shape=(len(keep), visible.shape[1]))
    return columns, history


def _newcomer_columns(features: np.ndarray, listener: np.ndarray, artist: np.ndarray, mean_weight: np.ndarray,
                      played: np.ndarray) -> dict[str, np.ndarray]:
    """Play-head rows: candidates labelled played or not; no weight target."""
    n = len(artist)
    return {"features": features, "listener": listener.astype(np.int32), "artist": artist.astype(np.int32),
            "mean_weight": mean_weight.astype(np.float32), "played": (played > 0).astype(np.float32),
            "play_mask": np.ones(n, np.float32), "target": np.zeros(n, np.float32),
            "weight_mask": np.zeros(n, np.float32)}


def join_examples(parts: list[RankingExamples]) -> RankingExamples:
    """Examples from several pseudo splits as one set: each part's listener column moved past the
    history rows of the parts before it."""
    columns, offset = {key: [] for key in parts[0].columns}, 0
    for part in parts:
        for key, value in part.columns.items():
            columns[key].append(value + offset if key == "listener" else value)
        offset += part.history.shape[0]
    return RankingExamples({key: np.concatenate(values) for key, values in columns.items()},
                           sp.vstack([part.history for part in parts]).tocsr())


def used_history(examples: RankingExamples) -> RankingExamples:
    """The same examples with only the history rows they point to, renumbered in order: at
    Last.fm-360K size a few thousand sampled listeners' rows instead of 360,000."""
    used, listener = np.unique(examples.columns["listener"], return_inverse=True)
    return RankingExamples({**examples.columns, "listener": listener.astype(np.int32)}, examples.history[used])

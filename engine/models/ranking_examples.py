"""The ranker's training examples, built the way it is used: on candidates a retrieval model
proposes for artists it has not seen.

A ranker trained on the retriever's own training pairs learns only that the retriever's scores are
high there (they were fitted to be), and re-ranking held-out candidates with it loses to the
retriever alone. So the training data is split once more, per listener, exactly like the
evaluation split: a probe copy of the retriever is trained on the visible part, proposes candidates,
and the hidden part says which of them the listener really plays, and how much."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.evaluation import Split
from engine.models.base import Recommender, history_matrix, listeners_query
from engine.models.ranking_features import RankingFeatures
from engine.pipeline import retrieve


@dataclass(frozen=True)
class RankingExamples:
    """Column arrays, one row per example. Candidate rows train the play head (`play_mask`);
    hidden pairs train the weight head (`weight_mask`)."""

    columns: dict[str, np.ndarray]

    @property
    def positive_rate(self) -> float:
        mask = self.columns["play_mask"] > 0
        return float(self.columns["played"][mask].mean())


def listener_mean_weights(history) -> np.ndarray:
    """Each row's mean normalised weight over the artists it plays."""
    counts = np.maximum(np.diff(history.indptr), 1)
    return (np.asarray(history.sum(axis=1)).ravel() / counts).astype(np.float32)


def ranking_examples(probe: Recommender, split: Split, n_candidates: int) -> RankingExamples:
    """Examples for every listener with hidden artists: the probe's top `n_candidates` for them
    (labelled played or not) and their hidden artists (with their normalised weights)."""
    visible = split.train
    listeners, inverse = np.unique(split.test_listener, return_inverse=True)
    query = listeners_query(visible, listeners)
    candidates, _ = retrieve(probe, query, n_candidates)
    # Hidden artists per listener, padded to one width (padding masked out below).
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(listeners)))
    slot = np.empty(len(inverse), dtype=np.int64)
    slot[order] = np.arange(len(inverse)) - starts[inverse[order]]
    hidden = np.repeat(candidates[:, :1], slot.max() + 1, axis=1)
    hidden[inverse, slot] = split.test_artist
    is_hidden = np.zeros(hidden.shape, bool)
    is_hidden[inverse, slot] = True
    target = np.zeros(hidden.shape, np.float32)
    target[inverse, slot] = split.test_target

    features = RankingFeatures(probe, visible)(query, np.concatenate([candidates, hidden], axis=1))
    played = np.asarray(split.held_out()[np.repeat(listeners, candidates.shape[1]), candidates.ravel()]).ravel()
    n_c, n_h = candidates.size, int(is_hidden.sum())
    means = listener_mean_weights(history_matrix(visible)[listeners])
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
    return RankingExamples(columns)

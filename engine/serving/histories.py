"""A listening history against one catalogue: its names matched (engine.serving.matching), its plays
summed per catalogue artist and turned into the weights a query folds in, and the report of what
matched and what did not."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cratedig.engine.data.listens import ListeningHistory
from cratedig.engine.serving.catalog import Catalog
from cratedig.engine.serving.history_store import StoredMatches
from cratedig.engine.serving.results import HistoryReport, MatchedName, UnmatchedName, history_headline

#: how plays become weights ("binary": 1 a played artist; "log": log(1 + plays); "plays": the plays,
#: as training reads listeners). Chosen on validation listeners by bench/history_quality.py (Recall@10,
#: then NDCG@10; bench/results/history_quality.json): the three were within noise of each other.
WEIGHTING = "plays"
WEIGHTINGS = ("binary", "log", "plays")


def match_names(history: ListeningHistory, catalog: Catalog, stored: StoredMatches | None = None) -> StoredMatches:
    """The matches of every name, reused from `stored` when they were made on this very data."""
    fingerprint = catalog.dataset.fingerprint
    if stored is not None and stored.fingerprint == fingerprint and len(stored.how) == history.n_names:
        return stored
    matcher = catalog.matcher
    found = [matcher.match(name, mbid, history.url(i)) for i, (name, mbid) in enumerate(zip(history.names, history.mbids))]
    ids = np.array([catalog.artist_id(m.artist) if m.found else -1 for m in found], dtype=np.int64)
    return StoredMatches(fingerprint, ids, [m.how for m in found], np.array([m.score for m in found], np.float32))


def weighted_artists(history: ListeningHistory, matches: StoredMatches, catalog: Catalog,
                     since: int | None = None, weighting: str = WEIGHTING) -> tuple[np.ndarray, np.ndarray]:
    """(dataset indices of the matched artists played, sorted; their weights): several names of
    one artist add up their plays."""
    plays = history.plays(since)
    keep = (matches.artist_id >= 0) & (plays > 0)
    indices = np.searchsorted(catalog.dataset.artist_ids, matches.artist_id[keep])  # same data: all present
    artists, inverse = np.unique(indices, return_inverse=True)
    summed = np.bincount(inverse, weights=plays[keep], minlength=len(artists))
    return artists, weights_of(summed, weighting)


def weights_of(plays: np.ndarray, weighting: str = WEIGHTING) -> np.ndarray:
    if weighting == "binary":
        return np.ones(len(plays))
    if weighting == "log":
        return np.log1p(plays)
    if weighting == "plays":
        return np.asarray(plays, dtype=float)
    raise ValueError(f"unknown weighting {weighting!r}; one of {', '.join(WEIGHTINGS)}")


def report(name: str, history: ListeningHistory, matches: StoredMatches, catalog: Catalog,
           saved: bool = True) -> HistoryReport:
    plays = history.plays()
    order = np.argsort(-plays, kind="stable")
    found = matches.artist_id >= 0
    index = np.searchsorted(catalog.dataset.artist_ids, np.where(found, matches.artist_id, 0))
    matched = [MatchedName(history.names[i], int(matches.artist_id[i]), catalog.name(int(index[i])), matches.how[i],
                           float(matches.score[i]), int(plays[i])) for i in order[found[order]].tolist()]
    unmatched = [UnmatchedName(history.names[i], int(plays[i])) for i in order[~found[order]].tolist()]
    return HistoryReport(name, list(history.files), dict(history.formats), history.listens, dict(history.skipped),
                         list(history.examples), matched, unmatched, matched_share(plays, found), catalog.dataset.kind,
                         catalog.catalogue_ends, saved)


def matched_share(plays: np.ndarray, found: np.ndarray) -> float:
    total = int(plays.sum())
    return round(float(plays[found].sum()) / total, 4) if total else 0.0


def headline(name: str, history: ListeningHistory, matches: StoredMatches) -> str:
    """The report's headline ("me: 412 of 450 artists matched (97 % of plays)") without the report."""
    found = matches.artist_id >= 0
    return history_headline(name, int(found.sum()), history.n_names, matched_share(history.plays(), found))


@dataclass(frozen=True)
class LoadedHistory:
    """A history ready to recommend from: its name, content and matches on the loaded data."""

    name: str
    history: ListeningHistory
    matches: StoredMatches

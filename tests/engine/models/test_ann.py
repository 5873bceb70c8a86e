"""The faiss index that proposes candidates on large catalogues: exact when every list is probed,
its nprobe chosen for RECALL_TARGET on listener vectors, never proposes what is blocked, and says
which rows it could not fill."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from cratedig.engine.models.ann import RECALL_TARGET, ArtistIndex, list_count


@pytest.fixture(scope="module")
def clustered():
    """Artists in 40 tight groups, as embeddings of listening tastes are; listeners near groups."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(40, 16))
    artists = (centres[rng.integers(0, 40, 4000)] + 0.3 * rng.normal(size=(4000, 16))).astype(np.float32)
    users = (centres[rng.integers(0, 40, 200)] + 0.5 * rng.normal(size=(200, 16))).astype(np.float32)
    blocked = sp.random(200, 4000, density=0.01, format="csr", random_state=1)
    return artists, users, blocked


def _exact(artists, users, blocked, n):
    full = users @ artists.T
    full[blocked.nonzero()] = -np.inf
    best = np.argsort(-full, axis=1, kind="stable")[:, :n]
    return best, np.take_along_axis(full, best, axis=1)


def test_every_list_probed_is_the_exact_top_n_without_the_blocked(clustered):
    artists, users, blocked = clustered
    index = ArtistIndex.build(artists)
    assert index.n_lists == list_count(len(artists)) == 64 and index.index.ntotal == len(artists)
    found, scores, complete = index.search(users, 50, blocked, probes=index.n_lists)
    exact, exact_scores = _exact(artists, users, blocked, 50)
    assert complete.all()
    assert np.array_equal(found, exact)
    assert np.allclose(scores, exact_scores, atol=1e-5)


def test_a_few_probes_find_nearly_the_exact_top_n_and_never_a_blocked_artist(clustered):
    artists, users, blocked = clustered
    index = ArtistIndex.build(artists)
    found, scores, complete = index.search(users, 50, blocked, probes=8)
    exact, _ = _exact(artists, users, blocked, 50)
    overlap = np.mean([len(np.intersect1d(found[r], exact[r])) for r in range(len(users))]) / 50
    assert overlap > 0.9
    assert not any(blocked[r, found[r]].nnz for r in range(len(users)))
    assert np.all(np.diff(scores, axis=1) <= 0) and complete.all()
    again = ArtistIndex.build(artists).search(users, 50, blocked, probes=8)[0]
    assert np.array_equal(found, again)  # k-means is seeded: the same index every time


def test_nprobe_is_the_fewest_lists_that_find_the_recall_target_on_the_listeners(clustered):
    artists, users, _ = clustered
    index = ArtistIndex.build(artists, listeners=users)
    chosen = index.nprobe
    assert index.recall[chosen] >= RECALL_TARGET
    assert all(recall < RECALL_TARGET for probes, recall in index.recall.items() if probes < chosen)
    assert 1 < chosen < index.n_lists  # this data needs more than one list and fewer than all
    nothing = sp.csr_matrix((len(users), len(artists)), dtype=np.float32)
    found, _, _ = index.search(users, 100, nothing)  # the chosen nprobe, on the same listeners
    exact, _ = _exact(artists, users, nothing, 100)
    overlap = np.mean([len(np.intersect1d(found[r], exact[r])) for r in range(len(users))]) / 100
    assert overlap >= RECALL_TARGET - 0.005


def test_a_row_with_more_blocked_than_it_can_fill_is_reported_short(clustered):
    artists, users, _ = clustered
    index = ArtistIndex.build(artists)
    nothing = sp.csr_matrix((1, len(artists)), dtype=np.float32)
    all_but_3 = sp.csr_matrix(np.where(np.arange(len(artists)) < len(artists) - 3, 1.0, 0.0)[None].astype(np.float32))
    blocked = sp.vstack([all_but_3, nothing]).tocsr()
    found, scores, complete = index.search(users[:2], 10, blocked, probes=4)
    assert complete.tolist() == [False, True]
    assert set(found[0][found[0] >= 0].tolist()) <= set(range(len(artists) - 3, len(artists)))
    assert np.isneginf(scores[0][found[0] < 0]).all() and np.isfinite(scores[1]).all()
    _, _, whole = index.search(users[:2], 10, sp.vstack([nothing, nothing]).tocsr(), probes=4)
    assert whole.all()

"""The inverted file that proposes candidates on large catalogues: exact when every list is
probed, never proposes what is blocked, and says which rows it could not fill."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from engine.models.ann import InvertedLists, list_count


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
    index = InvertedLists.build(artists)
    assert len(index.centroids) == list_count(len(artists)) == 64
    assert sorted(index.order.tolist()) == list(range(len(artists)))  # every artist in one list
    found, scores, complete = index.search(users, 50, blocked, probes=len(index.centroids))
    exact, exact_scores = _exact(artists, users, blocked, 50)
    assert complete.all()
    assert np.array_equal(found, exact)
    assert np.allclose(scores, exact_scores, atol=1e-5)


def test_a_few_probes_find_nearly_the_exact_top_n_and_never_a_blocked_artist(clustered):
    artists, users, blocked = clustered
    index = InvertedLists.build(artists)
    found, scores, complete = index.search(users, 50, blocked, probes=8)
    exact, _ = _exact(artists, users, blocked, 50)
    overlap = np.mean([len(np.intersect1d(found[r], exact[r])) for r in range(len(users))]) / 50
    assert overlap > 0.9
    assert not any(blocked[r, found[r]].nnz for r in range(len(users)))
    assert np.all(np.diff(scores, axis=1) <= 0) and complete.all()
    again = InvertedLists.build(artists).search(users, 50, blocked, probes=8)[0]
    assert np.array_equal(found, again)  # k-means is seeded: the same index every time


def test_a_row_whose_probed_lists_are_all_blocked_is_reported_short(clustered):
    artists, users, _ = clustered
    index = InvertedLists.build(artists)
    nothing = sp.csr_matrix((2, len(artists)), dtype=np.float32)
    probed_lists = np.argsort(-(users[:1] @ index.centroids.T), axis=1)[0, :4]
    everything_probed = np.isin(index.list_of, probed_lists)
    blocked = sp.vstack([sp.csr_matrix(everything_probed[None].astype(np.float32)), nothing[:1]]).tocsr()
    _, scores, complete = index.search(users[:2], 10, blocked, probes=4)
    assert complete.tolist() == [False, True]
    assert np.isneginf(scores[0]).all() and np.isfinite(scores[1]).all()
    _, _, whole = index.search(users[:2], 10, nothing, probes=4)
    assert whole.all()

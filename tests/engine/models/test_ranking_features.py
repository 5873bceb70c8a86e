"""The ranker's pair features that read the friend graph and the tags, checked by hand."""
from __future__ import annotations

import numpy as np
import pytest

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.data.features import artist_tag_counts, interactions
from cratedig.engine.models.baselines import MostPopular
from cratedig.engine.models.query import liked_query, listeners_query
from cratedig.engine.models.ranking.features import FEATURE_NAMES, RankingFeatures

FRIENDS = FEATURE_NAMES.index("share of the listener's friends who play the artist")
TAGS = FEATURE_NAMES.index("cosine between the artist's tags and the history's tags")


@pytest.fixture(scope="module")
def small(small_data_dir):
    return load_dataset(small_data_dir)


@pytest.fixture(scope="module")
def view(small):
    return RankingFeatures(MostPopular().fit(small), small)


def test_friend_share_is_the_share_of_friends_who_play_the_candidate(small, view):
    plays = interactions(small).toarray() > 0
    listener = int(np.bincount(small.friends[:, 0]).argmax())  # the listener with most friends
    friends = np.unique(small.friends[small.friends[:, 0] == listener, 1])
    candidates = np.argsort(-plays[friends].sum(axis=0))[:8][None, :]
    got = view(listeners_query(small, [listener]), candidates)[0, :, FRIENDS]
    assert np.allclose(got, plays[friends][:, candidates[0]].mean(axis=0))
    assert got.max() > 0
    # A simulated listener has no friends in the data.
    liked = view(liked_query(small.n_artists, [[0, 1, 2]]), candidates)[0, :, FRIENDS]
    assert not liked.any()


def test_tag_overlap_is_the_cosine_between_candidate_tags_and_the_history_profile(small, view):
    tags = artist_tag_counts(small).toarray()
    history = [int(a) for a in np.flatnonzero(tags.sum(axis=1))[:3]]
    query = liked_query(small.n_artists, [history])
    candidates = np.arange(small.n_artists)[None, :]
    got = view(query, candidates)[0, :, TAGS]
    unit = tags / np.maximum(np.linalg.norm(tags, axis=1, keepdims=True), 1e-12)
    profile = query.history.toarray()[0] @ unit
    expected = unit @ (profile / np.linalg.norm(profile))
    assert np.allclose(got, expected, atol=1e-5)
    assert got[history].min() > 0 and got[tags.sum(axis=1) == 0].max() == 0


def test_a_large_catalogue_estimates_ranks_from_a_sample_and_keeps_neighbour_lists(small, view, monkeypatch):
    """Above LARGE_CATALOGUE artists, z-scores and ranks come from a fixed sample of SCORE_SAMPLE artists and item-kNN
    from top-k neighbour lists: with the sample as large as the catalogue and k covering every
    artist, the features are the exact ones; with a smaller sample they stay close."""
    from cratedig.engine.models.ranking import features

    query = listeners_query(small, np.arange(20))
    candidates = np.argsort(-np.asarray(interactions(small).sum(axis=0)).ravel())[None, 30:60].repeat(20, axis=0)
    exact = view(query, candidates)
    monkeypatch.setattr(features, "KNN_NEIGHBOURS", small.n_artists)
    monkeypatch.setattr(features, "LARGE_CATALOGUE", small.n_artists - 1)
    monkeypatch.setattr(features, "SCORE_SAMPLE", small.n_artists)
    whole = RankingFeatures(view.retriever, small)
    assert whole.knn.similar is not None and len(whole.sample) == small.n_artists
    retrieval_view = slice(0, 3)  # score, z and log rank: the sample holds every artist, so exact
    assert np.allclose(whole(query, candidates)[..., retrieval_view], exact[..., retrieval_view], atol=1e-5)
    monkeypatch.setattr(features, "SCORE_SAMPLE", small.n_artists // 2)
    half = RankingFeatures(view.retriever, small)
    assert len(half.sample) == small.n_artists // 2
    nearly = RankingFeatures(view.retriever, small)(query, candidates)
    knn = FEATURE_NAMES.index("item-kNN score per played artist")
    unplayed = ~np.take_along_axis(query.history.toarray() > 0, candidates, axis=1)  # as candidates are
    # every neighbour kept: the exact sum (which also counts an artist as its own neighbour, hence unplayed)
    assert np.allclose(nearly[..., knn][unplayed], exact[..., knn][unplayed], atol=1e-5)
    rank = FEATURE_NAMES.index("log rank by item-kNN score")
    assert np.abs(nearly[..., rank] - exact[..., rank]).mean() < 0.3  # log ranks estimated from half the artists
    assert np.isfinite(nearly).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_z_and_log_rank_count_unplayed_artists_scoring_strictly_higher(dtype):
    """A candidate's rank is how many unplayed artists score strictly higher (ties do not count,
    played artists never do), whatever precision the scores come in; z is over unplayed artists."""
    from cratedig.engine.models.ranking.features import _z_and_log_rank

    scores = np.array([[0.5, 0.9, 0.5, 0.1, 0.7], [1 / 3, 2 / 3, 0.2, 0.4, 0.0]], dtype=dtype)
    played = np.array([[False, True, False, False, False], [False, False, True, False, True]])
    picked = np.take_along_axis(scores, np.array([[0, 4, 3], [1, 0, 3]]), axis=1).astype(np.float64)
    z, log_rank = _z_and_log_rank(scores, played, picked, scale=np.array([[1.0], [2.0]]))
    assert np.array_equal(np.expm1(log_rank).round(), [[1, 0, 3], [0, 4, 2]])  # row 2 ranks scaled by 2
    unplayed = scores[0, [0, 2, 3, 4]].astype(np.float64)
    assert np.allclose(z[0], (picked[0] - unplayed.mean()) / unplayed.std())


def test_ranks_among_the_artists_above_are_the_ranks_by_sort(monkeypatch):
    """Rows with few artists above their lowest candidate are ranked among those artists alone, the
    others from a sort of the row: both count the unplayed artists scoring strictly higher, ties
    included, whichever rows take which path."""
    from cratedig.engine.models.ranking import features

    rng = np.random.default_rng(4)
    scores = np.round(rng.normal(size=(40, 500)), 1).astype(np.float32)  # many ties
    played = rng.random((40, 500)) < 0.1
    best = np.argsort(-scores, axis=1, kind="stable")
    picked = np.concatenate([np.take_along_axis(scores, best[:, :8], axis=1),  # near the top
                             scores[:, :3]], axis=1).astype(np.float64)  # anywhere: a sort, for some rows
    picked[::2, 8:] = picked[::2, :3]  # every other row has only top candidates
    unplayed_scores = np.where(played, -np.inf, scores)
    by_hand = (unplayed_scores[:, None, :] > picked[:, :, None]).sum(axis=2)
    by_default, near = features._ranks(scores, ~played, picked), features.RANK_NEAR
    assert np.array_equal(by_default, by_hand)
    monkeypatch.setattr(features, "RANK_NEAR", 10**6)  # every row among the artists above its lowest candidate
    assert np.array_equal(features._ranks(scores, ~played, picked), by_hand)
    monkeypatch.setattr(features, "RANK_NEAR", -1)  # every row sorted
    assert np.array_equal(features._ranks(scores, ~played, picked), by_hand)
    # both paths were taken by default
    above = (unplayed_scores > picked.min(axis=1, keepdims=True)).sum(axis=1)
    assert (above <= near).any() and (above > near).any()


def test_features_computed_in_threads_are_the_serial_ones(small, view, monkeypatch):
    """Training computes chunks of rows on two threads; every row must get its own chunk's values."""
    from cratedig.engine.models.ranking import features

    monkeypatch.setattr(features, "ROWS_PER_CHUNK", 3)  # several chunks even on small data
    monkeypatch.setattr(features, "rows_per_chunk", lambda n_columns, most: most)
    listeners = np.arange(small.n_listeners)
    candidates = np.random.default_rng(5).integers(0, small.n_artists, (len(listeners), 7))
    serial = view(listeners_query(small, listeners), candidates)
    threaded = view(listeners_query(small, listeners), candidates, threads=2)
    assert len(listeners) > 2 * 3 and np.array_equal(threaded, serial)

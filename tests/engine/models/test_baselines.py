"""The baselines, pinned on a hand-made dataset: EASE's closed form, RP3β's three-step walk and
the graph filter's two low-passes."""
from __future__ import annotations

import numpy as np
import pytest

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.models.baselines import Ease, ItemKNN, MostPopular, RP3Beta
from cratedig.engine.models.graph_filter import GraphFilter
from cratedig.engine.models.pipeline import recommend
from cratedig.engine.models.query import listeners_query
from tests.handmade import write_dataset

PLAYS = [(1, 1, 5), (1, 2, 3), (2, 2, 7), (2, 3, 1), (3, 1, 2), (3, 3, 4), (3, 4, 1), (4, 2, 1), (4, 4, 9)]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    artists = [(i, f"Artist {i}") for i in range(1, 6)]  # artist 5 has no listener
    return load_dataset(write_dataset(tmp_path_factory.mktemp("tiny"), artists, [(1, "rock")], PLAYS))


def _binary(tiny) -> np.ndarray:
    x = np.zeros((tiny.n_listeners, tiny.n_artists))
    x[tiny.plays.listener, tiny.plays.artist] = 1.0
    return x


def test_ease_is_the_closed_form_over_artists_with_two_listeners(tiny):
    x = _binary(tiny)
    kept = np.flatnonzero(x.sum(0) >= 2)
    gram = x[:, kept].T @ x[:, kept] + 3.0 * np.eye(len(kept))
    p = np.linalg.inv(gram)
    b = p / -np.diag(p)
    np.fill_diagonal(b, 0.0)
    model = Ease(lam=3.0).fit(tiny)
    scores = model.score(listeners_query(tiny, np.arange(tiny.n_listeners)))
    assert np.allclose(scores[:, kept], x[:, kept] @ b, atol=1e-5)
    assert (scores[:, [a for a in range(tiny.n_artists) if a not in kept]] <= Ease.LOWEST).all()


def test_rp3beta_is_a_three_step_walk_divided_by_popularity(tiny):
    x = _binary(tiny)
    to_listener = (x / np.maximum(x.sum(0), 1)).T ** 2.0
    to_artist = (x / np.maximum(x.sum(1, keepdims=True), 1)) ** 2.0
    expected = (x @ to_listener @ to_artist) / np.maximum(x.sum(0), 1) ** 0.5
    model = RP3Beta(alpha=2.0, beta=0.5).fit(tiny)
    assert np.allclose(model.score(listeners_query(tiny, np.arange(tiny.n_listeners))), expected, atol=1e-6)


def test_the_graph_filter_is_gfcf_linear_plus_ideal_low_pass(tiny):
    """s P̃ + α s D^-1/2 V Vᵀ D^1/2, with V the leading right singular vectors of R̃ = D_L^-1/2 R D^-1/2
    (dense NumPy here); cached vectors give the same scores and the asked cells match the full rows."""
    x = _binary(tiny)
    listeners, artists = x.sum(1), x.sum(0)
    d = np.where(artists > 0, 1 / np.sqrt(np.maximum(artists, 1)), 0.0)
    r = (x / np.sqrt(np.maximum(listeners, 1))[:, None]) * d
    _, _, vt = np.linalg.svd(r)
    v = vt[:1].T  # the leading singular value is the only one without ties on this data
    ideal = (x * d) @ v @ v.T * np.sqrt(artists)
    expected = x @ r.T @ r + 0.5 * ideal
    model = GraphFilter(factors=1, alpha=0.5).fit(tiny)
    query = listeners_query(tiny, np.arange(tiny.n_listeners))
    full = model.score(query)
    assert np.allclose(full, expected, atol=1e-5)
    loaded = GraphFilter(factors=1, alpha=0.5)
    loaded.load_arrays(model.to_arrays(), tiny, {})
    assert np.allclose(loaded.score(query), full, atol=1e-6)
    per_row = np.array([[1, 3, 0], [0, 4, 2], [4, 1, 3], [2, 1, 0]])
    assert np.allclose(model.score(query, per_row), np.take_along_axis(full, per_row, axis=1))


@pytest.mark.parametrize("cls", [MostPopular, ItemKNN, Ease, RP3Beta, GraphFilter])
def test_every_baseline_recommends_only_unplayed_artists_through_the_pipeline(tiny, cls):
    found = recommend(cls().fit(tiny), listeners_query(tiny, np.arange(tiny.n_listeners)), 2).artists
    x = _binary(tiny)
    for row in range(tiny.n_listeners):
        assert all(a < 0 or x[row, a] == 0 for a in found[row])


@pytest.mark.parametrize("neighbours", [None, 2])
def test_itemknn_scores_the_asked_cells_as_its_full_rows_do(tiny, neighbours):
    """Asked for some columns (1-D) or a list per row (2-D, -1 read as the last column, as on a dense
    row), item-kNN returns exactly the cells of its full score rows without building those rows."""
    model = ItemKNN(neighbours=neighbours).fit(tiny)
    query = listeners_query(tiny, np.arange(tiny.n_listeners))
    full = model.score(query)
    assert full.any()
    columns = np.array([4, 0, 2])
    assert np.array_equal(model.score(query, columns), full[:, columns])
    per_row = np.array([[1, 3, -1], [0, 0, 2], [4, 1, 3], [2, -1, 0]])
    assert np.array_equal(model.score(query, per_row), np.take_along_axis(full, per_row, axis=1))

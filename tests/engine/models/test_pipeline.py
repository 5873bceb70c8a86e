"""The one batch recommend path: exclusions, k, chunking, both stages, and each model's score row
computed once per request."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from cratedig.engine.models import pipeline
from cratedig.engine.models.pipeline import recommend
from cratedig.engine.models.query import liked_query, listeners_query


@pytest.fixture(scope="module")
def models(small_engine):
    return small_engine.models


@pytest.fixture(scope="module")
def data(small_engine):
    return small_engine.dataset


def test_never_recommends_what_a_listener_plays_or_what_is_excluded(models, data):
    query = listeners_query(data, np.arange(30))
    found = recommend(models["mf"], query, 15, ranker=models["ranking"], exclude=np.array([0, 1, 2]))
    for row, listener in enumerate(range(30)):
        played = set(data.plays.artist[data.plays.listener == listener].tolist())
        assert not set(found.artists[row].tolist()) & (played | {0, 1, 2})
    per_row = sp.csr_matrix((np.ones(30), (np.arange(30), found.artists[:, 0])), shape=(30, data.n_artists))
    again = recommend(models["mf"], query, 15, ranker=models["ranking"], exclude=per_row)
    assert not (again.artists == found.artists[:, :1]).any()


def test_ranked_rows_follow_the_ranker_and_keep_retrieval_places(models, data):
    query = listeners_query(data, np.arange(10))
    found = recommend(models["retrieval"], query, 10, ranker=models["ranking"])
    assert np.all(np.diff(found.ranking_scores, axis=1) <= 0)
    assert np.array_equal(found.scores, found.ranking_scores)
    alone = recommend(models["retrieval"], query, 100)
    for row in range(10):
        places = found.retrieval_rank[row]
        ours = places < 100  # the ranker's own sources' candidates come after the retriever's 100
        assert np.array_equal(alone.artists[row, places[ours]], found.artists[row][ours])
        assert np.all(np.diff(found.retrieval_scores[row][np.argsort(places)]) <= 0)


@pytest.mark.parametrize("extra", [0, 40])
def test_a_rankers_own_candidate_source_joins_the_retrievers_candidates(models, data, monkeypatch, extra):
    from cratedig.engine.models.graph_filter import GraphFilter

    ranker = models["ranking"]
    monkeypatch.setitem(ranker.params, "graph_candidates", extra)
    monkeypatch.setattr(ranker, "graph", GraphFilter(factors=16).fit(data))  # fitted only when tuned on
    query = listeners_query(data, np.arange(40))
    found = recommend(models["mf"], query, 10, ranker=ranker, n_candidates=60, exclude=np.array([0, 1])).artists
    retrieved = recommend(models["mf"], query, 60, exclude=np.array([0, 1])).artists
    graph = recommend(ranker.graph, query, 40, exclude=np.array([0, 1])).artists
    from_graph = 0
    for row in range(40):
        union = set(retrieved[row].tolist()) | (set(graph[row].tolist()) if extra else set())
        assert set(found[row].tolist()) <= union and len(set(found[row].tolist())) == 10  # each once
        from_graph += len(set(found[row].tolist()) - set(retrieved[row].tolist()))
    assert (from_graph > 0) == bool(extra)


def test_the_popularity_discount_divides_the_play_probability(models, data, monkeypatch):
    from cratedig.engine.data.features import artist_popularity

    ranker = models["ranking"]
    query = listeners_query(data, np.arange(5))
    candidates = np.tile(np.arange(20), (5, 1))
    play = ranker.predict(query, candidates)[0]
    monkeypatch.setitem(ranker.params, "popularity_discount", 0.5)
    expected = play / np.sqrt(1 + artist_popularity(data)[candidates])
    assert np.allclose(ranker.score(query, candidates), expected, rtol=1e-5)


def test_without_a_ranker_the_top_k_is_the_retrievers_order(models, data):
    query = liked_query(data.n_artists, [[0, 5, 9], [3]])
    found = recommend(models["context"], query, 7)
    assert found.ranking_scores is None and found.artists.shape == (2, 7)
    assert np.all(np.diff(found.retrieval_scores, axis=1) <= 0)
    assert np.array_equal(found.retrieval_rank, np.broadcast_to(np.arange(7), (2, 7)))


def test_chunked_rows_give_the_same_answer_as_one_chunk(models, data, monkeypatch):
    query = listeners_query(data, np.arange(data.n_listeners))
    whole = recommend(models["mf"], query, 10, ranker=models["ranking"])
    monkeypatch.setattr(pipeline, "ROWS_PER_CHUNK", 7)
    chunked = recommend(models["mf"], listeners_query(data, np.arange(data.n_listeners)), 10,
                        ranker=models["ranking"])
    assert np.array_equal(whole.artists, chunked.artists)
    assert np.allclose(whole.ranking_scores, chunked.ranking_scores)


def test_a_ranked_request_scores_each_model_row_once(small_engine, monkeypatch):
    calls = {}
    for name, model in small_engine.models.items():
        original = model.score

        def counted(query, candidates=None, original=original, name=name):
            if candidates is None:
                calls[name] = calls.get(name, 0) + 1
            return original(query, candidates)

        monkeypatch.setattr(model, "score", counted)
    small_engine.recommend_listener(int(small_engine.dataset.listener_ids[0]), 10)
    assert calls == {"mf": 1}  # retrieval and the ranker's features share mf's row; others score 10 artists


def test_k_is_checked_and_can_exceed_what_is_left(models, data):
    from cratedig.engine.errors import UsageError

    with pytest.raises(UsageError, match="between 1 and 1000"):
        pipeline.check_k(0)
    with pytest.raises(UsageError, match="whole number"):
        pipeline.check_k(2.5)
    everything = np.arange(data.n_artists - 3)
    found = recommend(models["mf"], liked_query(data.n_artists, [[data.n_artists - 1]]), 10, exclude=everything)
    assert sorted(found.artists[0].tolist()) == [data.n_artists - 3, data.n_artists - 2]


def test_chunks_of_different_widths_are_joined_with_empty_places(models, data, monkeypatch):
    # Row 0 has played all but two artists: its chunk can offer two; the other chunk offers k.
    liked = [list(range(data.n_artists - 2)), [0]]
    monkeypatch.setattr(pipeline, "ROWS_PER_CHUNK", 1)
    found = recommend(models["mf"], liked_query(data.n_artists, liked), 5, ranker=models["ranking"])
    assert found.artists.shape == (2, 5)
    assert sorted(found.artists[0, :2].tolist()) == [data.n_artists - 2, data.n_artists - 1]
    assert (found.artists[0, 2:] == -1).all() and np.isneginf(found.ranking_scores[0, 2:]).all()
    assert (found.artists[1] >= 0).all()


def test_an_embedding_model_on_a_large_catalogue_proposes_from_its_index(models, data, monkeypatch):
    """Above APPROXIMATE_ABOVE artists the candidates come from the faiss index: with every list
    probed they are the exact ones; with a few, nearly; never a played or excluded artist; and a
    listener whose probed lists hold too few unplayed artists is scored exactly."""
    from cratedig.engine.models import ann, base

    query = listeners_query(data, np.arange(data.n_listeners))
    exact = recommend(models["mf"], query, 10, ranker=models["ranking"])
    monkeypatch.setattr(base, "APPROXIMATE_ABOVE", 0)
    monkeypatch.setattr(ann, "RECALL_TARGET", 1.01)  # never reached: every list is probed
    calls = []
    search = ann.ArtistIndex.search
    monkeypatch.setattr(ann.ArtistIndex, "search", lambda self, *a, **kw: calls.append(1) or search(self, *a, **kw))
    every_list = recommend(models["mf"], listeners_query(data, np.arange(data.n_listeners)), 10,
                           ranker=models["ranking"])
    assert calls and np.array_equal(every_list.artists, exact.artists)
    monkeypatch.setattr(pipeline, "SEARCH_ROWS", 7)  # searched a few rows at a time: the same answer
    in_chunks = recommend(models["mf"], listeners_query(data, np.arange(data.n_listeners)), 10,
                          ranker=models["ranking"])
    assert len(calls) > 10 and np.array_equal(in_chunks.artists, exact.artists)
    monkeypatch.setattr(pipeline, "SEARCH_ROWS", 4096)
    assert np.allclose(every_list.ranking_scores, exact.ranking_scores, atol=1e-5)

    models["mf"]._artist_index[1].nprobe = 2
    excluded = np.array([0, 1, 2])
    few = recommend(models["mf"], listeners_query(data, np.arange(data.n_listeners)), 10,
                    ranker=models["ranking"], exclude=excluded)
    history = data.history.toarray() > 0
    for row in range(data.n_listeners):
        assert not set(few.artists[row].tolist()) & (set(np.flatnonzero(history[row]).tolist()) | {0, 1, 2})
    assert (few.artists >= 0).all()
    # a listener who has played all but 5 artists: the index cannot fill 100 candidates, exact can give 5
    almost_all = sp.csr_matrix(np.where(np.arange(data.n_artists) < data.n_artists - 5, 1.0, 0.0)[None])
    greedy = pipeline.Query(np.array([-1]), almost_all)
    found = recommend(models["mf"], greedy, 10)
    assert sorted(found.artists[0, :5].tolist()) == list(range(data.n_artists - 5, data.n_artists))
    assert (found.artists[0, 5:] == -1).all()


def test_the_candidate_union_holds_both_lists_once_in_the_retrievers_order(models, data):
    """What the ranker is trained on when it has sources of its own: the same union serving gives it."""
    query = listeners_query(data, np.arange(20))
    played = query.history.toarray() > 0
    union = pipeline.candidate_union(models["mf"], query, 30, ((models["retrieval"], 20),))
    mf_top = recommend(models["mf"], query, 30).artists
    other_top = recommend(models["retrieval"], query, 20).artists
    mf_scores = query.scores(models["mf"])
    for row in range(20):
        got = union[row][union[row] >= 0]
        assert len(got) == len(set(got.tolist())) and not played[row, got].any()
        assert set(got.tolist()) == set(mf_top[row].tolist()) | set(other_top[row].tolist())
        assert np.all(np.diff(mf_scores[row, got]) <= 0)

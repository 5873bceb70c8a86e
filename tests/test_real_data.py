"""Integration on the real HetRec data (CRATEDIG_DATA; with CI=true these fail if it is missing)."""
from __future__ import annotations

import json

import pytest

from cratedig.cli.main import main


def test_data_info_prints_the_true_counts_and_quirks(real_data_dir, capsys):
    assert main(["data", "info", "--data", str(real_data_dir)]) == 0
    out = capsys.readouterr().out
    for count in ("1,892", "17,632", "92,834", "11,946", "25,434"):
        assert count in out
    assert "not UTF-8" in out and "missing elsewhere" in out and "implausible" in out


def test_real_quirks_are_counted(real_dataset):
    quirks = {(code, file): n for code, file, n in real_dataset.quirks}
    assert quirks[("lines not UTF-8, read as Latin-1", "tags.dat")] == 8
    assert quirks[("rows referencing artist ids missing elsewhere, dropped", "user_taggedartists.dat")] == 1538
    assert quirks[("tag dates implausible (before 2002 or after 2011), time set unknown", "user_taggedartists.dat")] == 5
    assert "tropicália" in real_dataset.tag_names.tolist()
    assert len(real_dataset.taggings) == 186479 - 1538


@pytest.mark.parametrize("query, expected", [
    ("bjork", "Björk"), ("motorhead", "Motörhead"), ("acdc", "AC/DC"), ("guns n roses", "Guns N' Roses"),
    ("simon and garfunkel", "Simon & Garfunkel"), ("beatels", "The Beatles"), ("BJÖRK", "Björk"),
    ("radiohed", "Radiohead"), ("the beatles", "The Beatles"), ("sigur ros", "Sigur Rós"),
])
def test_search_is_tolerant_of_typos_case_accents_and_punctuation(real_engine, query, expected):
    assert real_engine.search(query, 3)[0].name == expected


def test_exact_names_come_first_and_short_queries_behave(real_engine):
    assert real_engine.search("Muse", 5)[0].name == "Muse"
    hits = real_engine.search("a", 5)
    assert hits and hits[0].name == "A"
    assert real_engine.search("", 5) == [] and real_engine.search("\x00\x1b[2J", 5) == []
    assert real_engine.search("!!!", 5) == []


def test_adele_neighbours_are_mostly_female_pop_and_soul(real_engine):
    result = real_engine.neighbours("Adele", "mf", 10)
    female_pop_soul = {"pop", "soul", "female vocalists", "singer-songwriter", "british", "rnb", "dance", "indie"}
    tags = [set(real_engine.artist_tags(n.artist_id, top=5)) for n in result.cosine]
    matching = sum(1 for t in tags if t & female_pop_soul)
    assert matching >= 7, [n.name for n in result.cosine]
    assert result.nearest_genres and all(isinstance(g, str) for g, _ in result.nearest_genres)


def test_listener_recommendations_never_repeat_their_artists(real_engine):
    result = real_engine.recommend_listener(2, k=10)
    data = real_engine.dataset
    history = set(data.artist_ids[data.plays.artist[data.plays.listener == data.listener_index(2)]].tolist())
    assert len(result.suggestions) == 10
    assert not {s.artist_id for s in result.suggestions} & history
    assert [s.rank_after for s in result.suggestions] == list(range(1, 11))
    ranking_scores = [s.ranking_score for s in result.suggestions]
    assert ranking_scores == sorted(ranking_scores, reverse=True)
    assert all(s.reason.startswith("because you play ") for s in result.suggestions)


@pytest.mark.parametrize("retriever", ["mf", "retrieval", "context"])
def test_cold_start_from_liked_artists_works_for_every_retriever(real_engine, retriever):
    result = real_engine.recommend_liked(["Adele", "Duffy", "nosuchartistzzq"], k=10, retriever=retriever)
    assert [h.name for h in result.liked] == ["Adele", "Duffy"]
    assert result.unknown == ["nosuchartistzzq"]
    names = [s.name for s in result.suggestions]
    assert len(names) == 10 and "Adele" not in names and "Duffy" not in names
    assert all(set(s.model_scores) == {"mf", "retrieval", "ranking", "context"} for s in result.suggestions)


def test_cli_recommend_for_listener_as_json(real_engine, real_data_dir, capsys):
    assert main(["recommend", "--data", str(real_data_dir), "--listener", "2", "--k", "5", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["suggestions"]) == 5 and result["retriever"] == "mf"


def test_search_cli_json_shape(real_data_dir, capsys):
    assert main(["search", "--data", str(real_data_dir), "--format", "json", "--limit", "2", "bjork", "acdc"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [r["query"] for r in result] == ["bjork", "acdc"]
    first = result[0]["results"][0]
    assert first == {"artist_id": first["artist_id"], "name": "Björk", "score": first["score"],
                     "url": "https://www.last.fm/music/Bj%C3%B6rk", "mbid": ""}


def test_hold_out_evaluation_meets_the_bars_it_claims(real_dataset, isolated_cache):
    """Issue 10's bars on one seed (the README quotes them as five-seed means), each with a margin
    of about three times its seed-to-seed standard deviation: the two-tower model at Recall@10
    0.17, the context model at least mf (and above it on the long tail), the best pipeline 1.05x
    EASE on Recall@10 and NDCG@10 (asserted at 1.04x: the ratio's seed-to-seed spread is about
    0.01); every model at least 2x MostPop; the ranking stage raising NDCG@10 over its retriever
    and its weight RMSE beating each listener's mean weight. Full ranking on the seeded split, every
    hyperparameter chosen on a validation split inside its training part."""
    from cratedig.engine.evaluation.report import evaluate

    report = evaluate(real_dataset)
    recall = {row["model"].split()[0]: row["recall@10"] for row in report.rows}
    ndcg = {row["model"].split()[0]: row["ndcg@10"] for row in report.rows}
    for name in ("mf", "retrieval", "ranking", "context"):
        assert recall[name] >= 2 * recall["mostpop"], (name, recall)
    assert report.holdout_listeners > 1800
    assert recall["retrieval"] >= 0.17 - 0.006, recall
    assert recall["context"] >= recall["mf"] - 0.004, recall
    assert recall["ranking"] >= 1.04 * recall["ease"], recall
    assert ndcg["ranking"] >= 1.04 * ndcg["ease"], ndcg
    assert ndcg["ranking"] >= ndcg["mf"], ndcg
    assert report.ranking_rmse["ranking"] < report.ranking_rmse["per_listener_mean"], report.ranking_rmse
    tail = {row["model"].split()[0]: row["tail_recall@10"] for row in report.rows}
    assert tail["context"] > tail["mf"], tail  # content helps most where plays are few


def test_recbole_protocol_bars_on_one_seed(real_dataset, isolated_cache):
    """Issue 34's RecBole-protocol bar on one seed (bench/recbole_protocol.py reports five): the ranked
    pipeline's test Recall@10 and NDCG@10 above SEPT's and MHCN's published 0.2127 and 0.2068, less a
    margin of three seed-to-seed standard deviations (0.0023 and 0.0027 over five seeds), and at
    least 1.04x EASE on both (five-seed ratios 1.074 and 1.078). Trained on the 80 % alone."""
    from bench.recbole_protocol import PIPELINE, one_seed

    result = one_seed(real_dataset, 42, ["mf", "ranking", "ease"])
    recall = {label: float(phases["test"][0].mean()) for label, phases in result.items()}
    ndcg = {label: float(phases["test"][1].mean()) for label, phases in result.items()}
    assert recall[PIPELINE] >= 0.2127 - 0.007, recall
    assert ndcg[PIPELINE] >= 0.2068 - 0.008, ndcg
    assert recall[PIPELINE] >= 1.04 * recall["ease"] and ndcg[PIPELINE] >= 1.04 * ndcg["ease"], (recall, ndcg)


def test_cold_start_bar_on_one_seed(real_dataset, isolated_cache):
    """Issue 34's cold-start bar (bench/cold_start.py: 200 listeners held out of training, each
    naming their 5 most-played artists): the ranked pipeline at least 1.15x item-kNN's Recall@10,
    asserted at 1.12x for training noise (measured 1.20x)."""
    from bench.cold_start import recalls

    found = recalls(real_dataset)
    assert found["mf+ranking"] >= 1.12 * found["itemknn"], found

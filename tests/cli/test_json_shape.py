"""One suggestion shape in JSON everywhere: `ask`, `recommend`, JSON exports (and the HTTP API, in
tests/server) describe a suggestion with the same keys and values; the earlier shapes' keys stay
for one release. CSV exports have one header per column and nothing but rows."""
from __future__ import annotations

import csv
import io
import json

from cratedig.cli.main import main
from cratedig.engine.chat.export import render

SHAPE = {"rank", "artist_id", "name", "genre", "reason", "because_artist_id", "rank_before", "retrieval_score",
         "ranking_score", "scores", "url", "mbid"}
DEPRECATED = {"rank_after", "model_scores", "ranking", "retrieval"}


def _run(capsys, *args) -> dict:
    assert main(list(args)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out.splitlines()[-1] if args[0] == "ask" else capsys.readouterr().out)


def test_ask_recommend_and_exports_share_one_suggestion_shape(small_engine, small_data_dir, capsys):
    names = [str(n) for n in small_engine.dataset.artist_names[:2]]
    asked = _run(capsys, "ask", "--data", str(small_data_dir), "--format", "json", f"I like {names[0]} and {names[1]}")
    recommended = _run(capsys, "recommend", "--data", str(small_data_dir), "--liked", names[0], "--liked", names[1],
                       "--format", "json")
    found = small_engine.recommend_liked(names, 10)
    exported = json.loads(render(found, "you", names, [], "json"))
    for suggestions in (asked["suggestions"], recommended["suggestions"], exported["suggestions"]):
        assert set(suggestions[0]) == SHAPE | DEPRECATED
        assert [s["rank"] for s in suggestions] == list(range(1, 11))
        first = suggestions[0]
        assert first["rank_after"] == first["rank"] and first["model_scores"] == first["scores"]
        assert first["ranking"] == first["ranking_score"] and first["retrieval"] == first["retrieval_score"]
    assert asked["suggestions"] == recommended["suggestions"] == exported["suggestions"]


def test_a_csv_export_has_unique_headers_and_only_rows(small_engine):
    names = [str(n) for n in small_engine.dataset.artist_names[:2]]
    found = small_engine.recommend_liked(names, 10)
    rows = list(csv.reader(io.StringIO(render(found, "you", names, [], "csv"))))
    header = rows[0]
    assert len(header) == len(set(header))
    assert {"ranking_score", "retrieval_score", "score_mf", "score_ranking"} <= set(header)
    assert len(rows) == 11 and all(len(r) == len(header) and not r[0].startswith("#") for r in rows[1:])

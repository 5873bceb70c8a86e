"""CSV cells a spreadsheet would run as formulas (= + - @, tab, CR at the start) are written with a
leading apostrophe, in every CSV cratedig writes: exports, `--all-listeners`, `--liked-file`."""
from __future__ import annotations

import csv
import io

import pytest

from cratedig.engine.api import Recommendations, spreadsheet_safe
from cratedig.engine.chat.export import render
from cratedig.engine.serving.results import Suggestion

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_cell_gets_an_apostrophe(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("text, shown", [("\tx", "\\tx"), ("\rx", "\\rx"), ("a\x1b[2Jb", "a\\x1b[2Jb")])
def test_control_characters_in_a_cell_are_made_visible(text, shown):
    assert spreadsheet_safe(text) == shown


@pytest.mark.parametrize("text", ["Muse", "", "a=b", "Sigur Rós", "'quoted"])
def test_other_cells_are_unchanged(text):
    assert spreadsheet_safe(text) == text


def test_an_export_neutralises_names_genres_and_reasons():
    suggestions = [Suggestion(artist_id=i, name=name, genre="=genre", retrieval_score=-0.5, ranking_score=None,
                              rank_before=i, rank_after=i, model_scores={"mf": -0.5}, reason="@because",
                              because_artist_id=None, url="https://www.last.fm/music/x")
                   for i, name in enumerate(FORMULAS, start=1)]
    text = render(Recommendations("mf", False, suggestions), "you", [], [], "csv")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    for row, name in zip(rows[1:], FORMULAS):
        cells = dict(zip(header, row))
        assert cells["artist"] == "'" + name and cells["genre"] == "'=genre" and cells["reason"] == "'@because"
        assert cells["retrieval_score"] == "-0.5000" and cells["score_mf"] == "-0.5000"  # our numbers as they are


def test_liked_file_ids_and_names_are_neutralised(small_engine, small_data_dir, tmp_path, capsys):
    from cratedig.cli.main import main

    liked = tmp_path / "liked.jsonl"
    name = str(small_engine.dataset.artist_names[0])
    liked.write_text(f'{{"id": "=cmd|calc", "liked": ["{name}"]}}\n')
    out = tmp_path / "out.csv"
    assert main(["recommend", "--data", str(small_data_dir), "--liked-file", str(liked), "--model", "mf",
                 "--format", "csv", "--output", str(out)]) == 0, capsys.readouterr().err
    rows = list(csv.DictReader(out.open()))
    assert rows and all(r["id"] == "'=cmd|calc" for r in rows)

"""`cratedig history` and recommending from a saved history, on the small synthetic data."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest

from cratedig.cli.main import main
from tests import history_samples as samples

ABSENT = ("Floating Points", "Kiasmos")


@pytest.fixture
def run(small_engine, small_data_dir, capsys):
    def call(*args):
        code = main([args[0], *args[1:]])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return call


@pytest.fixture
def export(small_engine, tmp_path):
    """A Last.fm CSV of three catalogue artists (most played first) and two the catalogue lacks."""
    names = [str(n) for n in small_engine.dataset.artist_names[:3]] + list(ABSENT)
    listens = [(name, "", 1_300_000_000 + 3600 * (i * 10 + j)) for i, name in enumerate(names)
               for j in range(10 - 2 * i)]
    return samples.lastfm_csv(tmp_path / "scrobbles.csv", listens), names


def test_import_prints_the_documented_summary_and_saves(run, export, small_data_dir):
    path, names = export
    code, out, err = run("history", "import", str(path), "--data", str(small_data_dir), "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    assert {"name", "files", "formats", "listens", "skipped", "matched", "unmatched",
            "matched_share_of_plays"} <= set(summary)
    assert summary["name"] == "me" and summary["formats"] == {"lastfm-csv": 1} and summary["listens"] == 30
    assert [m["name"] for m in summary["matched"]] == names[:3]
    assert {m["how"] for m in summary["matched"]} == {"exact"}
    assert set(summary["matched"][0]) == {"name", "artist_id", "catalogue_name", "how", "score", "plays"}
    assert summary["unmatched"] == [{"name": "Floating Points", "plays": 4}, {"name": "Kiasmos", "plays": 2}]
    assert summary["matched_share_of_plays"] == pytest.approx(24 / 30, abs=1e-4)
    assert run("history", "list", "--format", "json")[1].strip() == '["me"]'
    shown = json.loads(run("history", "show", "me", "--data", str(small_data_dir), "--format", "json")[1])
    assert shown["matched"] == summary["matched"]


def test_a_bad_file_is_one_line_exit_2_and_nothing_saved(run, tmp_path, small_data_dir):
    bad = tmp_path / "export.json"
    bad.write_text('[{"ts": "2020-01-01T00:00:00Z", "ms_played": 200000, "spotify_track_uri": "x"')
    code, out, err = run("history", "import", str(bad), "--data", str(small_data_dir))
    assert code == 2 and err.count("\n") == 1 and "export.json" in err and "cut short" in err
    assert run("history", "list", "--format", "json")[1].strip() == "[]"


def test_recommend_from_a_saved_history_leaves_out_what_it_holds(run, export, small_engine, small_data_dir):
    path, names = export
    assert run("history", "import", str(path), "--as", "anna", "--data", str(small_data_dir))[0] == 0
    code, out, err = run("recommend", "--history", "anna", "--data", str(small_data_dir), "--format", "json",
                         "--k", "5")
    assert code == 0, err
    assert "anna: 3 of 5 artists matched (80 % of plays)" in err
    suggested = [s["name"] for s in json.loads(out)["suggestions"]]
    assert len(suggested) == 5 and not set(suggested) & set(names)


def test_recommend_reads_export_files_without_saving_them(run, export, small_data_dir):
    code, out, err = run("recommend", "--history", str(export[0]), "--data", str(small_data_dir), "--k", "3",
                         "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)["suggestions"]) == 3
    assert run("history", "list", "--format", "json")[1].strip() == "[]"


def test_xspf_is_a_playlist_of_one_creator_track_per_artist(run, export, small_data_dir):
    run("history", "import", str(export[0]), "--data", str(small_data_dir))
    code, out, err = run("recommend", "--history", "me", "--data", str(small_data_dir), "--k", "4",
                         "--format", "xspf")
    assert code == 0, err
    tracks = ElementTree.fromstring(out).findall(".//{http://xspf.org/ns/0/}track")
    assert len(tracks) == 4
    assert all(t.find("{http://xspf.org/ns/0/}creator").text and
               t.find("{http://xspf.org/ns/0/}info").text.startswith("https://www.last.fm/music/") for t in tracks)


def test_lidarr_lists_need_mbids_which_hetrec_lacks(run, export, small_data_dir):
    run("history", "import", str(export[0]), "--data", str(small_data_dir))
    code, out, err = run("recommend", "--history", "me", "--data", str(small_data_dir), "--format", "lidarr")
    assert code == 2 and out == "" and "MusicBrainz id" in err and err.strip().count("\n") == 0


def test_an_unknown_history_names_the_saved_ones(run, small_data_dir):
    code, _, err = run("recommend", "--history", "nobody", "--data", str(small_data_dir))
    assert code == 2 and "no saved history 'nobody'" in err


def test_ask_be_me_and_what_did_not_match(run, export, small_data_dir):
    run("history", "import", str(export[0]), "--data", str(small_data_dir))
    code, out, err = run("ask", "--data", str(small_data_dir), "--format", "json", "be me", "what didn't match?")
    assert code == 0, err
    be_me, unmatched = (json.loads(line) for line in out.splitlines())
    assert be_me["kind"] == "suggestions" and "me: 3 of 5 artists matched" in be_me["text"]
    assert "Floating Points (4 plays)" in unmatched["text"] and "Kiasmos (2 plays)" in unmatched["text"]


def test_ask_imports_a_file_and_recommends_from_it(run, export, small_data_dir):
    code, out, err = run("ask", "--data", str(small_data_dir), f"import {export[0]} as mine")
    assert code == 0, err
    assert "Imported 30 listens from 1 file" in out and "mine: 3 of 5 artists matched" in out
    assert run("history", "list", "--format", "json")[1].strip() == '["mine"]'

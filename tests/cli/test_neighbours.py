"""`cratedig neighbours` as a table and as JSON, on the small synthetic data."""
from __future__ import annotations

import json

from cratedig.cli.main import main


def test_table_names_the_artist_its_genre_and_both_measures(small_engine, small_data_dir, capsys):
    name = str(small_engine.dataset.artist_names[0])
    code = main(["neighbours", "--data", str(small_data_dir), name, "--k", "3"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(name) and "nearest genres:" in out
    assert "cosine" in out and "dot" in out and "same genre" in out


def test_json_carries_three_neighbours_per_measure(small_engine, small_data_dir, capsys):
    name = str(small_engine.dataset.artist_names[0])
    assert main(["neighbours", "--data", str(small_data_dir), name, "--k", "3", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["name"] == name and len(result["cosine"]) == 3 and len(result["dot"]) == 3

"""`cratedig recommend` batch export and bad input, on the small synthetic data."""
from __future__ import annotations

import csv
import json

import pytest

from cratedig.cli.main import main


@pytest.fixture
def run(small_engine, capsys):
    """Run the CLI on the small data (models already in the session cache)."""
    def call(*args):
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return call


def test_all_listeners_csv_has_k_unseen_rows_per_listener(run, small_engine, small_data_dir, tmp_path):
    out = tmp_path / "recs.csv"
    code, _, err = run("recommend", "--data", str(small_data_dir), "--all-listeners", "--model", "ranking",
                       "--k", "7", "--format", "csv", "--output", str(out))
    assert code == 0, err
    rows = list(csv.DictReader(out.open()))
    data = small_engine.dataset
    assert list(rows[0]) == ["user_id", "rank", "artist_id", "artist_name", "score"]
    assert len(rows) == 7 * data.n_listeners
    played = set(zip(data.listener_ids[data.plays.listener].tolist(), data.artist_ids[data.plays.artist].tolist()))
    assert not any((int(r["user_id"]), int(r["artist_id"])) in played for r in rows)
    first = [r for r in rows if r["user_id"] == str(data.listener_ids[0])]
    assert [int(r["rank"]) for r in first] == list(range(1, 8))
    assert [float(r["score"]) for r in first] == sorted((float(r["score"]) for r in first), reverse=True)


@pytest.mark.parametrize("args, message", [
    (["--model", "svd"], "unknown model 'svd'"),
    (["--k", "0"], "K must be between 1 and 1000"),
    (["--k", "100000"], "K must be between 1 and 1000"),
    (["--k", "ten"], "K must be a whole number"),
    (["--output", "/nonexistent-dir/x.csv"], "does not exist"),
])
def test_bad_batch_arguments_exit_2_with_one_line_and_write_nothing(run, small_data_dir, tmp_path, args, message):
    code, out, err = run("recommend", "--data", str(small_data_dir), "--all-listeners", "--format", "csv",
                         *(["--output", str(tmp_path / "x.csv")] if "--output" not in args else []), *args)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


def test_unwritable_output_directory_is_refused_before_any_work(run, small_data_dir, tmp_path, monkeypatch):
    # Root (as in CI) can write anywhere, so the permission answer is stubbed; the check is ours.
    import cratedig.engine.files as engine_files

    monkeypatch.setattr(engine_files.os, "access", lambda path, mode: False)
    code, _, err = run("recommend", "--data", str(small_data_dir), "--all-listeners", "--format", "csv",
                       "--output", str(tmp_path / "x.csv"))
    assert code == 2 and "is not writable" in err
    assert not (tmp_path / "x.csv").exists()


def test_a_data_dir_changing_mid_run_writes_nothing(run, small_data_dir, tmp_path, monkeypatch):
    import shutil

    from cratedig.cli import recommend

    data = tmp_path / "data"
    shutil.copytree(small_data_dir, data)
    real = recommend._all_listeners_csv

    def change_then_export(engine, *args, **kwargs):  # the data changes after the first piece is written
        pieces = real(engine, *args, **kwargs)
        yield next(pieces)
        with open(data / "user_artists.dat", "a") as handle:
            handle.write("2\t1\t5\n")
        yield from pieces

    monkeypatch.setattr(recommend, "_all_listeners_csv", change_then_export)
    out = tmp_path / "x.csv"
    code, _, err = run("recommend", "--data", str(data), "--all-listeners", "--format", "csv", "--output", str(out))
    assert code == 2 and "changed while running" in err
    assert not out.exists()


def test_liked_file_answers_good_lines_and_reports_bad_ones_by_number(run, small_engine, small_data_dir, tmp_path):
    names = small_engine.dataset.artist_names
    long = next(str(n) for n in names[2:] if len(str(n)) >= 10)
    typo = long[:-3] + long[-2] + long[-3] + long[-1]  # two letters swapped: one edit
    lines = [json.dumps({"id": "a", "liked": [typo, str(names[1])]}),
             "{not json",
             json.dumps({"id": "b", "liked": []}),
             json.dumps({"id": "c", "liked": [int(small_engine.dataset.artist_ids[5])]}),
             json.dumps({"id": "d", "liked": ["zzqqxxnothing"]})]
    source = tmp_path / "liked.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.csv"
    code, _, err = run("recommend", "--data", str(small_data_dir), "--liked-file", str(source), "--model", "mf",
                       "--k", "4", "--format", "csv", "--output", str(out))
    assert code == 0, err
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["id", "rank", "artist_id", "artist_name", "score"]
    assert [r["id"] for r in rows] == ["a"] * 4 + ["c"] * 4
    assert "line 2: not valid JSON" in err and "line 3:" in err and "line 5:" in err
    assert f"line 1: liked {long}" in err  # a match not as typed is named
    assert f"liked {names[1]}" not in err  # one as typed goes without saying (100,000 lines: no flood)


def test_a_liked_file_answered_in_batches_gives_the_same_rows(run, small_engine, small_data_dir, tmp_path,
                                                               monkeypatch):
    from cratedig.cli import recommend

    names = [str(n) for n in small_engine.dataset.artist_names[:40]]
    lines = [json.dumps({"id": f"l{i}", "liked": names[i:i + 3]}) if i % 7 else "{bad" for i in range(30)]
    source = tmp_path / "liked.jsonl"
    source.write_text("\n".join(lines) + "\n")
    outputs = []
    for batch in (10_000, 4):  # one call; then a batch of 4 lines at a time
        monkeypatch.setattr(recommend, "LIKED_BATCH", batch)
        out = tmp_path / f"out{batch}.csv"
        code, _, err = run("recommend", "--data", str(small_data_dir), "--liked-file", str(source), "--model", "mf",
                           "--k", "3", "--format", "csv", "--output", str(out))
        assert code == 0, err
        outputs.append(list(csv.DictReader(out.open())))
    whole, batched = outputs
    assert len(whole) == len(batched) == 3 * 25  # every seventh line is bad
    for a, b in zip(whole, batched):  # the same answers (scores to float rounding: BLAS sums by batch)
        assert (a["id"], a["rank"], a["artist_id"]) == (b["id"], b["rank"], b["artist_id"])
        assert float(a["score"]) == pytest.approx(float(b["score"]), rel=1e-3, abs=1e-6)


def test_search_json_lists_one_entry_per_query_in_order(run, small_engine, small_data_dir):
    name = str(small_engine.dataset.artist_names[3])
    code, out, _ = run("search", "--data", str(small_data_dir), "--format", "json", "--limit", "3", name, "", "x" * 5000)
    assert code == 0
    result = json.loads(out)
    assert [r["query"] for r in result] == [name, "", "x" * 5000]
    assert result[0]["results"][0]["name"] == name
    assert set(result[0]["results"][0]) == {"artist_id", "name", "score", "url", "mbid"}
    assert result[1]["results"] == [] and result[2]["results"] == []


def test_listener_and_liked_recommendations_as_json(run, small_engine, small_data_dir):
    lid = int(small_engine.dataset.listener_ids[0])
    code, out, _ = run("recommend", "--data", str(small_data_dir), "--listener", str(lid), "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert len(result["suggestions"]) == 10 and result["ranked"] is True
    first = result["suggestions"][0]
    assert set(first["model_scores"]) == {"mf", "retrieval", "ranking", "context"}
    assert first["reason"].startswith("because you play")
    code, _, err = run("recommend", "--data", str(small_data_dir), "--listener", "999999")
    assert code == 2 and "unknown listener id 999999" in err
    code, _, err = run("recommend", "--data", str(small_data_dir), "--liked", "zzqqxxnothing")
    assert code == 2 and "none of the liked artists were found" in err


def test_neighbours_cli_lists_both_measures(run, small_engine, small_data_dir):
    name = str(small_engine.dataset.artist_names[0])
    code, out, _ = run("neighbours", "--data", str(small_data_dir), name, "--model", "context", "--k", "4",
                       "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert len(result["cosine"]) == 4 and len(result["dot"]) == 4
    assert result["name"] == name and all(n["name"] != name for n in result["cosine"])

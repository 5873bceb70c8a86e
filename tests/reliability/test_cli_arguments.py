"""Every numeric CLI argument is range-checked and every bad path named: exit 2, one line."""
from __future__ import annotations

import csv
import json

import pytest

from tests.reliability.conftest import assert_one_line_error


@pytest.mark.parametrize("args, needle", [
    (["recommend", "--listener", "2", "--k", "0"], "K must be between 1 and 1000"),
    (["recommend", "--listener", "2", "--k", "-5"], "K must be between 1 and 1000"),
    (["recommend", "--listener", "2", "--k", "1001"], "K must be between 1 and 1000"),
    (["recommend", "--listener", "2", "--k", "1e3"], "K must be a whole number"),
    (["recommend", "--listener", "2", "--k", "nan"], "K must be a whole number"),
    (["recommend", "--listener", "2", "--k", str(2**70)], "K must be between 1 and 1000"),
    (["recommend", "--listener", "two"], "invalid listener id 'two'"),
    (["recommend", "--listener", "2", "--model", "svd"], "unknown model 'svd'"),
    (["recommend", "--listener", "2", "--model", "[/]"], "unknown model '[/]'"),
    (["recommend", "--listener", "2", "--retriever", "mf", "--model", "mf"], "--retriever only goes with"),
    (["recommend", "--listener", "2", "--retriever", "ranking"], "'ranking' cannot retrieve"),
    (["recommend", "--listener", "2", "--format", "csv"], "--format csv goes with"),
    (["recommend", "--listener", "2", "--format", "xml"], "invalid choice"),
    (["recommend", "--liked-file", "x.jsonl", "--format", "json"], "--liked-file writes CSV"),
    (["recommend", "--listener", "2", "--output", "/nonexistent-dir/x.csv"], "does not exist"),
    (["recommend"], "one of the arguments"),
    (["search", "--limit", "0", "x"], "--limit must be between 1 and 1000"),
    (["search", "--limit", "100000", "x"], "--limit must be between 1 and 1000"),
    (["search", "--limit", "many", "x"], "whole number"),
    (["neighbours", "Adele", "--k", "0"], "K must be between 1 and 1000"),
    (["neighbours", "Adele", "--model", "nope"], "unknown model 'nope'"),
    (["train", "--models", "mf,svd"], "unknown model name(s) svd"),
    (["train", "--models", ",,"], "unknown model name(s)"),
    (["fetch", "--timeout", "0"], "--timeout must be more than 0"),
    (["fetch", "--timeout", "-1"], "--timeout must be more than 0"),
    (["fetch", "--timeout", "nan"], "--timeout must be more than 0"),
    (["fetch", "--timeout", "1e9"], "--timeout must be more than 0"),
    (["fetch", "--timeout", "soon"], "expected a number"),
    (["fetch", "--deadline", "0"], "--deadline must be more than 0"),
    (["fetch", "--max-mb", "-3"], "--max-mb must be more than 0"),
    (["fetch", "--max-mb", "inf"], "--max-mb must be more than 0"),
    (["fetch", "--url", "file:///dev/zero"], "only http:// and https://"),
    (["fetch", "--url", "ftp://example.org/x.zip"], "only http:// and https://"),
    (["fetch", "--url", "http://127.0.0.1/\x1b[2Jx.zip"], "control characters"),
    (["fetch", "--url", "not a url"], "control characters"),
    (["synth", "{tmp}/s", "--listeners", "1"], "--listeners must be between 2"),
    (["synth", "{tmp}/s", "--artists", "1"], "--artists must be between 10"),
    (["synth", "{tmp}/s", "--artists", str(10**9)], "--artists must be between 10"),
    (["synth", "{tmp}/s", "--genres", "0"], "--genres must be between 1"),
    (["synth", "{tmp}/s", "--seed", "-1"], "--seed must be between 0"),
    (["synth", "{tmp}/s", "--listeners", "ten"], "invalid int value"),
    (["nonsense"], "invalid choice"),
    (["data"], "required"),
])
def test_bad_arguments_are_one_line_errors(cli, tmp_path, args, needle):
    code, out, err = cli(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert_one_line_error(code, err, needle)
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("path", ["{tmp}/" + "x" * 4000, "~nosuchuser/data", "{tmp}/missing", "{tmp}/a-file",
                                  "{tmp}/[/]", "{tmp}/\x1b[31mred"])
def test_bad_data_paths_are_one_line_errors(cli, tmp_path, path):
    (tmp_path / "a-file").write_text("not a folder")
    code, _, err = cli("data", "info", "--data", path.replace("{tmp}", str(tmp_path)))
    assert_one_line_error(code, err)


def test_an_unreadable_data_folder_is_a_one_line_error(cli, small_copy, monkeypatch):
    from pathlib import Path

    real = Path.read_bytes

    def denied(self):
        if self.name == "artists.dat":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)  # root reads anything: the denial is simulated
    code, _, err = cli("data", "info", "--data", small_copy)
    assert_one_line_error(code, err, "artists.dat", "Permission denied")


@pytest.mark.parametrize("listener", ["999999", str(2**70), "-3"])
def test_unknown_listener_ids_of_any_size_are_one_line_errors(cli, small_engine, small_data_dir, listener):
    code, _, err = cli("recommend", "--data", small_data_dir, "--listener", listener)
    assert_one_line_error(code, err, "unknown listener id")


def test_synth_refuses_an_existing_file_or_a_folder_with_files(cli, tmp_path):
    (tmp_path / "file").write_text("keep me")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("keep me too")
    for target in ("file", "full"):
        code, _, err = cli("synth", tmp_path / target, "--listeners", "20", "--artists", "50")
        assert_one_line_error(code, err, "already exists")
    assert (tmp_path / "file").read_text() == "keep me"
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]


def test_synth_into_an_unwritable_place_is_a_one_line_error(cli, tmp_path):
    (tmp_path / "blocker").write_text("a file where a folder should be")
    code, _, err = cli("synth", tmp_path / "blocker" / "data", "--listeners", "20", "--artists", "50")
    assert_one_line_error(code, err, "cannot write the synthetic dataset")


def test_hostile_liked_file_lines_are_skipped_by_number(cli, small_engine, small_data_dir, tmp_path):
    name = str(small_engine.dataset.artist_names[0])
    lines = ['{"id": "deep", "liked": ' + "[" * 20_000 + "]" * 20_000 + "}",
             '{"id": "big", "liked": [' + "9" * 5_000 + "]}",
             '{"id": "\\ud800", "liked": ["x"]}',
             '{"id": "n", "liked": ["\\udc80"]}',
             '{"id": {"a": 1}, "liked": ["x"]}',
             json.dumps({"id": "good", "liked": [name]})]
    source = tmp_path / "liked.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.csv"
    code, _, err = cli("recommend", "--data", small_data_dir, "--liked-file", source, "--model", "mf", "--k", "3",
                       "--format", "csv", "--output", out)
    assert code == 0 and "Traceback" not in err, err
    assert "line 1: not valid JSON (nested too deeply); skipped" in err
    assert "line 2: not valid JSON (a number too long); skipped" in err
    assert 'line 3: "id" must be a text' in err and 'line 4: "liked" must be' in err and 'line 5: "id" must' in err
    assert [r["id"] for r in csv.DictReader(out.open())] == ["good"] * 3


def test_synth_refuses_what_the_machine_cannot_hold_before_writing_anything(cli, tmp_path, monkeypatch):
    from cratedig.engine.data import synthetic

    monkeypatch.setattr(synthetic, "_available_memory", lambda: 4 << 30)  # a 4 GB machine
    code, _, err = cli("synth", tmp_path / "big", "--listeners", "1000000", "--artists", "1000")
    assert_one_line_error(code, err, "need about", "GB available")
    assert not (tmp_path / "big").exists() and not list(tmp_path.iterdir())
    code, _, err = cli("synth", tmp_path / "huge", "--listeners", "2000000")
    assert_one_line_error(code, err, "--listeners must be between 2 and 1,000,000")
    estimate = synthetic.BASE_BYTES + synthetic.BYTES_PER_PLAY * 1_000_000 * 30
    assert 5 << 30 < estimate < 8 << 30  # measured: about 180 bytes a play (docs in the module)


@pytest.mark.parametrize("query", ["[/]", "[bold]x", "\x1b[2J", "[link=http://x]y[/link]"])
def test_search_and_neighbours_show_markup_like_queries_as_typed(cli, small_engine, small_data_dir, query):
    code, out, err = cli("search", "--data", small_data_dir, query)
    assert code == 0 and "Traceback" not in err and "no artist matches" in out
    code, _, err = cli("neighbours", "--data", small_data_dir, query)
    assert_one_line_error(code, err, "no artist matches")


def test_neighbours_k_beyond_the_catalogue_lists_every_other_artist(cli, small_engine, small_data_dir):
    import json

    name = str(small_engine.dataset.artist_names[0])
    code, out, err = cli("neighbours", "--data", small_data_dir, name, "--k", "1000", "--format", "json")
    result = json.loads(out)
    assert code == 0 and len(result["cosine"]) == small_engine.dataset.n_artists - 1
    assert name not in {n["name"] for n in result["cosine"]}


def test_a_liked_file_of_endless_bytes_is_one_line_error(cli, small_engine, small_data_dir):
    code, _, err = cli("recommend", "--data", small_data_dir, "--liked-file", "/dev/zero", "--format", "csv")
    assert_one_line_error(code, err, "longer than 65,536 bytes")


def test_many_bad_liked_file_lines_are_summarised(cli, small_engine, small_data_dir, tmp_path):
    source = tmp_path / "liked.jsonl"
    good = '{"id": "ok", "liked": ["%s"]}\n' % small_engine.dataset.artist_names[0]
    source.write_text(good + "{broken\n" * 2000)
    code, _, err = cli("recommend", "--data", small_data_dir, "--liked-file", source, "--format", "csv",
                       "--output", tmp_path / "out.csv")
    lines = err.splitlines()
    assert code == 0 and sum("skipped" in line and "line " in line for line in lines) == 5
    assert any("1,995 more lines skipped (2,000 in all)" in line for line in lines)

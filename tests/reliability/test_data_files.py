"""Damaged, hostile and tiny dataset files: each loads (quirks counted) or fails in one line naming
the file, the line and the column. Never a traceback; never a silently wrong number."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.errors import DataError
from tests.reliability.conftest import assert_one_line_error

PLAYS = "user_artists.dat"


def _replace_line(path, number: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = text
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize("value, needle", [
    ("1e30", "out of range"), (str(2**70), "out of range"), ("9223372036854775807", "out of range"),
    ("inf", "not a whole number"), ("-inf", "not a whole number"), ("nan", "not a whole number"),
    ("1.5", "not a whole number"), ("0x10", "not a whole number"), ("", "not a whole number"),
    ("١٢", "not a whole number"), ("12abc", "not a whole number"),
])
@pytest.mark.parametrize("column", [0, 1, 2])
def test_bad_numbers_in_plays_name_file_line_and_column(small_copy, value, needle, column):
    path = small_copy / PLAYS
    fields = path.read_text().split("\n")[1].split("\t")
    fields[column] = value
    _replace_line(path, 2, "\t".join(fields))
    name = ("userID", "artistID", "weight")[column]
    with pytest.raises(DataError) as caught:
        load_dataset(small_copy)
    message = str(caught.value)
    assert PLAYS in message and "line 2" in message and f"column {name}" in message and needle in message
    assert "\n" not in message


@pytest.mark.parametrize("file, header", [
    ("artists.dat", "id\tname\turl\tpictureURL"), ("tags.dat", "tagID\ttagValue"),
    ("user_taggedartists.dat", "userID\tartistID\ttagID\tday\tmonth\tyear"),
    ("user_friends.dat", "userID\tfriendID"),
])
def test_huge_ids_in_every_file_are_refused(small_copy, file, header):
    path = small_copy / file
    fields = path.read_text(encoding="utf-8").split("\n")[1].split("\t")
    fields[0] = "1e30"
    _replace_line(path, 2, "\t".join(fields))
    with pytest.raises(DataError, match=f"{file}, line 2: column {header.split(chr(9))[0]}"):
        load_dataset(small_copy)


@pytest.mark.parametrize("damage", ["binary", "nul", "crlf", "bom", "latin1", "no-newline-end",
                                    "truncated-mid-line", "only-header", "empty", "huge-line", "blank-lines",
                                    "control-chars-in-name", "markup-in-name"])
def test_damaged_artist_files_load_or_fail_in_one_line(small_copy, cli, damage):
    path = small_copy / "artists.dat"
    text = path.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    content = {
        "binary": bytes(range(256)) * 4,
        "nul": text.replace("\t", "\x00", 3).encode(),
        "crlf": text.replace("\n", "\r\n").encode(),
        "bom": b"\xef\xbb\xbf" + text.encode(),
        "latin1": text.replace(first, first + "é").encode("latin-1", errors="replace"),
        "no-newline-end": text.rstrip("\n").encode(),
        "truncated-mid-line": (header + "\n" + first + "\n" + rest[:len(rest) // 2].rsplit("\t", 1)[0]).encode(),
        "only-header": (header + "\n").encode(),
        "empty": b"",
        "huge-line": (header + "\n" + first + "x" * 2_000_000 + "\n" + rest).encode(),
        "blank-lines": (header + "\n\n\n" + first + "\n\n" + rest).encode(),
        "control-chars-in-name": text.replace(first.split("\t")[1], "Evil\x1b[31m\x07Name", 1).encode(),
        "markup-in-name": text.replace(first.split("\t")[1], "Evil[/]Name[bold]", 1).encode(),
    }[damage]
    path.write_bytes(content)
    code, out, err = cli("data", "info", "--data", small_copy)
    if code == 0:
        assert "artists" in out and "Traceback" not in err
        assert "\x1b[31m" not in out and "\x07" not in out
    else:
        assert_one_line_error(code, err, "artists.dat")


@pytest.mark.parametrize("file", ["artists.dat", "tags.dat", PLAYS, "user_taggedartists.dat", "user_friends.dat"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_any_bytes_in_any_file_load_or_raise_a_data_error(small_copy, file, data):
    (small_copy / file).write_bytes(data)
    try:
        dataset = load_dataset(small_copy)
    except DataError as exc:
        assert "\n" not in str(exc) and file in str(exc)
    else:
        assert dataset.n_artists >= 1 and len(dataset.plays) >= 1


@pytest.mark.parametrize("seed", range(6))
def test_random_line_damage_loads_or_fails_in_one_line(small_copy, seed):
    rng = random.Random(seed)
    file = rng.choice(["artists.dat", "tags.dat", PLAYS, "user_taggedartists.dat", "user_friends.dat"])
    path = small_copy / file
    raw = bytearray(path.read_bytes())
    for _ in range(rng.randint(1, 20)):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    path.write_bytes(bytes(raw))
    try:
        load_dataset(small_copy)
    except DataError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("listeners, artists", [(2, 10), (3, 12), (5, 20)])
def test_tiny_synthetic_datasets_load_train_and_recommend_or_say_why(cli, tmp_path, monkeypatch, listeners, artists):
    monkeypatch.setenv("CRATEDIG_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "tiny"
    assert cli("synth", data, "--listeners", listeners, "--artists", artists, "--genres", "2")[0] == 0
    code, out, err = cli("recommend", "--data", data, "--listener", "2", "--k", "5", "--format", "json")
    if code != 0:
        assert_one_line_error(code, err)
    else:
        assert "suggestions" in out
    code, out, err = cli("eval", "--data", data, "--format", "json")
    assert code == 0 or (code == 2 and "Traceback" not in err), err


def test_a_listener_who_played_every_artist_gets_no_played_artist(cli, tmp_path, monkeypatch):
    from tests.handmade import write_dataset

    monkeypatch.setenv("CRATEDIG_CACHE", str(tmp_path / "cache"))
    artists = [(i, f"Artist {i}") for i in range(1, 13)]
    plays = [(1, a, 10 + a) for a in range(1, 13)] + [(u, a, 5) for u in range(2, 8) for a in range(1, 13, u)]
    data = write_dataset(tmp_path / "all", artists, [(1, "rock")], plays)
    code, out, err = cli("recommend", "--data", data, "--listener", "1", "--k", "5", "--format", "json")
    if code == 0:
        import json

        assert json.loads(out)["suggestions"] == []
    else:
        assert_one_line_error(code, err)


def test_a_two_by_three_dataset_answers_or_says_why_in_one_line(cli, tmp_path, monkeypatch):
    from tests.handmade import write_dataset

    monkeypatch.setenv("CRATEDIG_CACHE", str(tmp_path / "cache"))
    data = write_dataset(tmp_path / "two", [(1, "A"), (2, "B"), (3, "C")], [(1, "rock")],
                         [(1, 1, 5), (1, 2, 3), (2, 2, 7), (2, 3, 1)])
    for args in (["recommend", "--listener", "1"], ["eval"], ["recommend", "--liked", "A", "--model", "mf"]):
        code, out, err = cli(*args, "--data", data)
        assert code in (0, 2) and "Traceback" not in err
        if code == 2:
            assert_one_line_error(code, err, "too few plays")

"""Loading: real-data quirks each pinned, bad files each a one-line error naming file and line."""
from __future__ import annotations

import numpy as np
import pytest

from cratedig.engine.data.loader import load_dataset

from cratedig.engine.data.types import UNKNOWN_TIME
from cratedig.engine.errors import DataError


def quirk(dataset, code_part: str, file: str) -> int:
    return sum(n for code, f, n in dataset.quirks if code_part in code and f == file)


def write(path, text: str | bytes) -> None:
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def test_small_dataset_loads_with_contiguous_indices(small_data_dir):
    data = load_dataset(small_data_dir)
    assert data.n_listeners == 120 and data.n_artists == 400
    assert data.plays.listener.max() == data.n_listeners - 1
    assert np.all(np.diff(data.listener_ids) > 0) and np.all(np.diff(data.artist_ids) > 0)
    assert data.listener_index(int(data.listener_ids[5])) == 5
    assert data.listener_index(999_999) is None and data.artist_index("x") is None


def test_dataset_arrays_are_read_only(small_data_dir):
    data = load_dataset(small_data_dir)
    with pytest.raises(ValueError):
        data.plays.weight[0] = 5.0
    with pytest.raises(Exception):
        data.plays = None  # frozen dataclass


def test_mixed_encodings_decode_utf8_and_fall_back_per_line(small_copy):
    tags = small_copy / "tags.dat"
    write(tags, tags.read_bytes() + "999\tmúsica\n".encode("utf-8") + "1000\ttropicália\n".encode("latin-1"))
    data = load_dataset(small_copy)
    names = set(data.tag_names.tolist())
    assert {"música", "tropicália"} <= names
    assert quirk(data, "not UTF-8", "tags.dat") == 1


def test_ids_missing_from_another_file_are_dropped_and_counted(small_copy):
    path = small_copy / "user_taggedartists.dat"
    write(path, path.read_text() + "2\t987654\t1\t1\t4\t2009\n")
    data = load_dataset(small_copy)
    assert quirk(data, "artist ids missing", "user_taggedartists.dat") == 1
    assert 987654 not in data.artist_ids


def test_names_colliding_ignoring_case_are_counted_and_kept(small_copy):
    path = small_copy / "artists.dat"
    lines = path.read_text().splitlines()
    first_name = lines[1].split("\t")[1]
    write(path, path.read_text() + f"5000\t{first_name.upper()}\thttp://x\t\n")
    data = load_dataset(small_copy)
    assert quirk(data, "collide ignoring case", "artists.dat") == 2
    assert first_name.upper() in data.artist_names.tolist()


def test_implausible_tag_dates_keep_the_assignment_with_unknown_time(small_copy):
    path = small_copy / "user_taggedartists.dat"
    lines = path.read_text().splitlines()
    user, artist, tag = lines[1].split("\t")[:3]
    lines[1] = "\t".join([user, artist, tag, "1", "1", "1956"])
    write(path, "\n".join(lines) + "\n")
    data = load_dataset(small_copy)
    assert quirk(data, "implausible", "user_taggedartists.dat") == 1
    assert (data.taggings.time == UNKNOWN_TIME).sum() == 1


def test_times_come_from_timestamps_file_when_present_else_from_dates(small_copy):
    without = load_dataset(small_copy)
    assert quirk(without, "optional file absent", "user_taggedartists-timestamps.dat") == 1
    path = small_copy / "user_taggedartists.dat"
    rows = [line.split("\t") for line in path.read_text().splitlines()[1:]]
    stamps = ["userID\tartistID\ttagID\ttimestamp"]
    # One hour after midnight, in milliseconds, like the official file.
    import calendar
    for u, a, t, d, m, y in rows:
        seconds = calendar.timegm((int(y), int(m), int(d), 1, 0, 0))
        stamps.append(f"{u}\t{a}\t{t}\t{seconds * 1000}")
    write(small_copy / "user_taggedartists-timestamps.dat", "\n".join(stamps) + "\n")
    with_file = load_dataset(small_copy)
    assert np.array_equal(with_file.taggings.time, without.taggings.time + 3600)
    assert quirk(with_file, "optional file absent", "user_taggedartists-timestamps.dat") == 0


@pytest.mark.parametrize("weight", ["0", "-5"])
def test_zero_or_negative_weights_are_dropped_and_counted(small_copy, weight):
    path = small_copy / "user_artists.dat"
    lines = path.read_text().splitlines()
    u, a, _ = lines[1].split("\t")
    lines[1] = f"{u}\t{a}\t{weight}"
    write(path, "\n".join(lines) + "\n")
    data = load_dataset(small_copy)
    assert quirk(data, "zero or negative", "user_artists.dat") == 1
    assert len(data.plays) == len(lines) - 2


def test_duplicate_rows_keep_the_first_and_are_counted(small_copy):
    path = small_copy / "user_artists.dat"
    lines = path.read_text().splitlines()
    u, a, _ = lines[1].split("\t")
    write(path, "\n".join(lines + [f"{u}\t{a}\t7777777"]) + "\n")
    data = load_dataset(small_copy)
    assert quirk(data, "duplicate listener-artist", "user_artists.dat") == 1
    assert 7777777 not in data.plays.weight


def test_truncated_last_line_is_dropped_and_counted(small_copy):
    path = small_copy / "user_artists.dat"
    text = path.read_text()
    write(path, text + "2\t1")  # no weight, no newline: an interrupted copy
    data = load_dataset(small_copy)
    assert quirk(data, "truncated last line", "user_artists.dat") == 1
    assert len(data.plays) == len(text.splitlines()) - 1


@pytest.mark.parametrize("file, mutate, where, problem", [
    ("user_artists.dat", lambda t: "", None, "file is empty"),
    ("user_artists.dat", lambda t: t.splitlines()[0] + "\n", None, "header but no rows"),
    ("user_artists.dat", lambda t: t.replace("\t", ","), "line 1", "not tab-separated"),
    ("user_artists.dat", lambda t: t.replace("userID\tartistID\tweight", "userID\tartistID"),
     "line 1", "missing column(s) weight"),
    ("user_artists.dat", lambda t: t.replace("weight", "weight\tcomment"), "line 1", "unexpected column(s) comment"),
    ("user_artists.dat", lambda t: _replace_line(t, 3, "2\t51\t10\t99"), "line 3", "expected 3 tab-separated fields, found 4"),
    ("user_artists.dat", lambda t: _replace_line(t, 4, "2\t51"), "line 4", "expected 3 tab-separated fields, found 2"),
    ("user_artists.dat", lambda t: _replace_line(t, 5, "two\t51\t10"), "line 5", "column userID: 'two' is not a whole number"),
    ("user_artists.dat", lambda t: _replace_line(t, 2, "2\t51\t1.5"), "line 2", "column weight: '1.5' is not a whole number"),
    ("artists.dat", lambda t: _replace_line(t, 6, "x7\tName\turl\tpic"), "line 6", "column id"),
    ("user_taggedartists.dat", lambda t: t.replace("day\tmonth\tyear", "day;month;year"), "line 1", "bad header"),
])
def test_bad_files_name_the_file_the_line_and_the_problem(small_copy, file, mutate, where, problem):
    path = small_copy / file
    write(path, mutate(path.read_text()))
    with pytest.raises(DataError) as info:
        load_dataset(small_copy)
    message = str(info.value)
    assert file in message and problem in message
    if where:
        assert where in message
    assert "\n" not in message


def _replace_line(text: str, number: int, new: str) -> str:
    lines = text.splitlines()
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


def test_missing_required_file_is_fatal_but_friends_are_optional(small_copy):
    (small_copy / "user_friends.dat").unlink()
    assert len(load_dataset(small_copy).friends) == 0
    (small_copy / "artists.dat").unlink()
    with pytest.raises(DataError, match="artists.dat: file not found"):
        load_dataset(small_copy)


def test_missing_directory_says_how_to_get_the_data(tmp_path):
    with pytest.raises(DataError, match="cratedig fetch"):
        load_dataset(tmp_path / "nowhere")


def test_cli_reports_a_bad_file_in_one_line_with_exit_code_2(small_copy, capsys):
    from cratedig.cli.main import main

    path = small_copy / "user_artists.dat"
    write(path, _replace_line(path.read_text(), 3, "2\tx\t5"))
    assert main(["data", "info", "--data", str(small_copy)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "user_artists.dat, line 3" in err and "Traceback" not in err

"""Reading the exports people have: every format, told apart by content, merged, bounded."""
from __future__ import annotations

import json
import zipfile

import pytest

from cratedig.engine.data.listens import read_history
from cratedig.engine.data.listens.detect import FORMATS
from cratedig.engine.errors import HistoryFileError
from tests import history_samples as samples

MBID = "a74b1b7f-71a5-4011-9441-d0b5e4122711"
LISTENS = ([("Radiohead", MBID, 1_300_000_000 + i * 3600) for i in range(5)]
           + [("Björk", "", 1_310_000_040 + i * 60) for i in range(3)])
#: formats whose documented fields carry the artist's MBID
WITH_MBIDS = {"lastfm-csv", "lastfm-json", "listenbrainz"}


def plays_by_name(history) -> dict[str, int]:
    return dict(zip(history.names, history.plays().tolist()))


@pytest.mark.parametrize("fmt", sorted(samples.WRITERS))
def test_each_format_reads_its_listens_and_skips_what_is_not_one(fmt, tmp_path):
    history = read_history([samples.WRITERS[fmt](tmp_path, LISTENS)])
    assert set(history.formats) == {fmt}
    assert history.listens == len(LISTENS)
    assert plays_by_name(history) == {"Radiohead": 5, "Björk": 3}
    assert history.mbids[history.names.index("Radiohead")] == (MBID if fmt in WITH_MBIDS else "")
    assert history.last_played[history.names.index("Björk")] == 1_310_000_040 + 120


def test_every_documented_format_has_a_sample_writer():
    assert set(samples.WRITERS) == set(FORMATS)


def test_rows_that_are_not_listens_are_counted_by_reason(tmp_path):
    history = read_history([samples.WRITERS["spotify-extended"](tmp_path, LISTENS)])
    assert history.skipped == {"podcast or audiobook": 1, "incognito": 1, "skipped under 30 s": 1}
    assert any("Streaming_History_Audio" in e and "incognito" in e for e in history.examples)
    log = read_history([samples.scrobbler_log(tmp_path / "x.log", LISTENS)])
    assert log.skipped == {"skipped on the player (S)": 1}


def test_a_renamed_file_is_told_by_its_content(tmp_path):
    original = samples.lastfm_csv(tmp_path / "scrobbles.csv", LISTENS)
    renamed = original.rename(tmp_path / "notes.txt")
    assert set(read_history([renamed]).formats) == {"lastfm-csv"}


def test_one_persons_split_files_are_merged(tmp_path):
    paths = samples.spotify_account(tmp_path / "data", LISTENS, files=2)
    history = read_history(paths)
    assert history.formats == {"spotify-account": 2}
    assert plays_by_name(history) == {"Radiohead": 5, "Björk": 3}
    assert history.skipped == {"played under 30 s": 2}


def test_the_older_listenbrainz_export_is_one_json_array(tmp_path):
    history = read_history([samples.listenbrainz_array(tmp_path / "listens.json", LISTENS)])
    assert history.formats == {"listenbrainz": 1}
    assert plays_by_name(history) == {"Radiohead": 5, "Björk": 3}


def test_a_large_json_array_is_read_an_element_at_a_time(tmp_path, monkeypatch):
    from cratedig.engine.data.listens import json_formats

    monkeypatch.setattr(json_formats, "WHOLE_JSON_BYTES", 100)
    monkeypatch.setattr(json_formats, "CHUNK_CHARS", 64)
    history = read_history([samples.listenbrainz_array(tmp_path / "listens.json", LISTENS)])
    assert plays_by_name(history) == {"Radiohead": 5, "Björk": 3}


def test_since_keeps_only_later_listens(tmp_path):
    history = read_history([samples.lastfm_csv(tmp_path / "s.csv", LISTENS)], since=1_305_000_000)
    assert plays_by_name(history) == {"Björk": 3}
    assert history.skipped == {"before the start date": 5}
    assert history.plays(since=1_310_000_040).sum() == 3


# -- bad input: one error naming the file, nothing read --------------------------------------
def test_a_file_of_no_known_format_names_the_formats_known(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(HistoryFileError, match="not an export cratedig reads; it reads Last.fm CSV") as info:
        read_history([path])
    assert str(path) in str(info.value)


def test_a_binary_file_is_refused(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_bytes(b"ID3\x00\x01\x02" * 1000)
    with pytest.raises(HistoryFileError, match="not an export"):
        read_history([path])


def test_a_truncated_json_export_is_refused(tmp_path):
    path = samples.lastfm_json(tmp_path / "pages.json", LISTENS)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(HistoryFileError, match="cut short"):
        read_history([path])


def test_a_truncated_json_lines_file_is_refused(tmp_path):
    path = tmp_path / "1.jsonl"
    lines = [json.dumps({"listened_at": 1_300_000_000, "track_metadata": {"artist_name": "Muse"}})] * 3
    path.write_text("\n".join(lines)[:-10])
    with pytest.raises(HistoryFileError, match="cut short"):
        read_history([path])


def test_json_nested_absurdly_deep_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('[{"ts": "2020-01-01T00:00:00Z", "ms_played": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}]")
    with pytest.raises(HistoryFileError, match="nested too deeply"):
        read_history([path])


def test_a_csv_line_of_a_million_columns_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text('"uts","utc_time","artist","artist_mbid"\n' + "," * 1_000_000 + "\n")
    with pytest.raises(HistoryFileError, match="longer than"):
        read_history([path])


def test_rows_with_too_many_fields_are_skipped_and_named(tmp_path):
    path = samples.lastfm_csv(tmp_path / "s.csv", LISTENS)
    with path.open("a") as handle:
        handle.write(",".join(["x"] * 200) + "\n")
    history = read_history([path])
    assert history.skipped == {"wrong number of fields": 1}
    assert history.examples == [f"{path}, line 10: wrong number of fields"]


def test_a_zip_bomb_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("listens/2020/1.jsonl", b"\n" * (50 << 20))
    with pytest.raises(HistoryFileError, match="zip bomb"):
        read_history([path])


def test_a_zip_of_too_many_members_is_refused(tmp_path, monkeypatch):
    from cratedig.engine.data.listens import sources

    monkeypatch.setattr(sources, "MAX_SOURCES", 20)
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(21):
            archive.writestr(f"f{n}.json", "[]")
    with pytest.raises(HistoryFileError, match="at most 20 are read"):
        read_history([path])


def test_a_folder_without_any_export_is_refused(tmp_path):
    (tmp_path / "readme.txt").write_text("hello")
    with pytest.raises(HistoryFileError, match="no export cratedig reads was found"):
        read_history([tmp_path])


def test_a_missing_path_is_named(tmp_path):
    with pytest.raises(HistoryFileError, match="no such file or folder"):
        read_history([tmp_path / "nope.zip"])


def test_a_zip_expanding_beyond_the_bound_is_refused(tmp_path, monkeypatch):
    from cratedig.engine.data.listens import sources

    monkeypatch.setattr(sources, "MAX_UNPACKED_BYTES", 1000)
    path = samples.listenbrainz_zip(tmp_path / "lb.zip", LISTENS * 10)
    with pytest.raises(HistoryFileError, match="expands to .* at most 1,000"):
        read_history([path])

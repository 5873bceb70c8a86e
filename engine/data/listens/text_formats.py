"""Readers of the line-based exports: the Last.fm CSVs (with and without a header), Libre.fm's CSV
and the portable players' .scrobbler.log. Each reads a text stream and fills a ListenLog."""
from __future__ import annotations

import csv
from datetime import datetime, timezone
from typing import Iterator, TextIO

from cratedig.engine.data.listens.log import ListenLog, iso_seconds
from cratedig.engine.errors import HistoryFileError

#: longer lines are not rows of an export
MAX_LINE_CHARS = 64 * 1024
#: more fields than this on a row is not a row of an export (a CSV of a million columns)
MAX_FIELDS = 64
csv.field_size_limit(MAX_LINE_CHARS)


def bounded_lines(stream: TextIO, file: str) -> Iterator[str]:
    """The stream's lines; a line over MAX_LINE_CHARS stops the read with one error."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            raise HistoryFileError(file, f"line {number} is longer than {MAX_LINE_CHARS:,} characters: not an export")
        yield line


def _rows(stream: TextIO, file: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each CSV row that is not blank or a comment."""
    reader = csv.reader(bounded_lines(stream, file))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise HistoryFileError(file, f"malformed CSV ({exc})", reader.line_num) from None
        if not row or (len(row) == 1 and not row[0].strip()) or row[0].startswith("#"):
            continue
        yield reader.line_num, row


def _whole(text: str) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value


def read_lastfm_csv(stream: TextIO, log: ListenLog) -> None:
    """lastfm.ghan.nl: header uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid."""
    rows = _rows(stream, log.file)
    next(rows, None)  # the header
    for line, row in rows:
        if len(row) < 4 or len(row) > MAX_FIELDS:
            log.skip("wrong number of fields", line)
            continue
        log.add(row[2], row[3], _whole(row[0]), line)


_DATE_MEMO: dict[str, int | None] = {}


def _plain_date(text: str) -> int | None:
    """'22 May 2014 20:11' (UTC) as unix seconds; None when it is not such a date."""
    if text in _DATE_MEMO:
        return _DATE_MEMO[text]
    try:
        value = int(datetime.strptime(text, "%d %b %Y %H:%M").replace(tzinfo=timezone.utc).timestamp())
    except ValueError:
        value = None
    if len(_DATE_MEMO) < 1_000_000:
        _DATE_MEMO[text] = value
    return value


def read_lastfm_csv_plain(stream: TextIO, log: ListenLog) -> None:
    """benjaminbenben/lastfm-to-csv: no header; artist,album,track,date (empty date: now playing)."""
    for line, row in _rows(stream, log.file):
        if len(row) != 4:
            log.skip("wrong number of fields", line)
            continue
        date = row[3].strip()
        if not date:
            log.skip("now playing (no date)", line)
            continue
        when = _plain_date(date)
        if when is None:
            log.skip("unreadable date", line)
            continue
        log.add(row[0], "", when, line)


def _time(text: str) -> int | None:
    """Unix seconds from a number or an ISO 8601 date (UTC unless it says otherwise)."""
    number = _whole(text)
    return number if number is not None else iso_seconds(text)


def read_librefm_csv(stream: TextIO, log: ListenLog) -> None:
    """Libre.fm: a header naming time, artist and track (any case; comment lines may come first)."""
    rows = _rows(stream, log.file)
    first = next(rows, None)
    if first is None:
        return
    header = [field.strip().lower() for field in first[1]]
    at_time, at_artist = header.index("time"), header.index("artist")
    at_mbid = header.index("artist_mbid") if "artist_mbid" in header else None
    for line, row in rows:
        if len(row) <= max(at_time, at_artist) or len(row) > MAX_FIELDS:
            log.skip("wrong number of fields", line)
            continue
        when = _time(row[at_time])
        if when is None:
            log.skip("unreadable time", line)
            continue
        log.add(row[at_artist], row[at_mbid] if at_mbid is not None and at_mbid < len(row) else "", when, line)


def read_scrobbler_log(stream: TextIO, log: ListenLog) -> None:
    """AUDIOSCROBBLER/1.1: tab-separated artist, album, title, track, length, rating, time, track MBID.
    Rating L is a listen; S was skipped on the player. The MBID is the track's, not the artist's."""
    for number, line in enumerate(bounded_lines(stream, log.file), start=1):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) < 7 or len(fields) > MAX_FIELDS:
            log.skip("wrong number of fields", number)
            continue
        rating = fields[5].strip().upper()
        if rating == "S":
            log.skip("skipped on the player (S)", number)
            continue
        if rating != "L":
            log.skip("unknown rating", number)
            continue
        when = _whole(fields[6])
        if when is None:
            log.skip("unreadable time", number)
            continue
        log.add(fields[0], "", when, number)

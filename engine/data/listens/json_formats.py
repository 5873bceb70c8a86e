"""Readers of the JSON exports: Last.fm API pages, ListenBrainz (JSON lines or an array), Spotify's
account data and extended history, Maloja. A file up to WHOLE_JSON_BYTES is parsed at once (orjson);
a larger top-level array is read an element at a time, so memory holds one element, not the file."""
from __future__ import annotations

import json
from typing import Any, BinaryIO, Iterator

import orjson

from cratedig.engine.data.listens.log import ListenLog, iso_seconds
from cratedig.engine.errors import HistoryFileError

WHOLE_JSON_BYTES = 256 << 20
#: a longer JSON line (ListenBrainz) or array element is not a listen
MAX_ITEM_BYTES = 1 << 20
CHUNK_CHARS = 1 << 20
#: Spotify counts a stream as a play from 30 s on
MIN_PLAY_MS = 30_000
SKIP_ENDS = {"fwdbtn", "backbtn"}


def _bad_json(file: str, exc: Exception) -> HistoryFileError:
    if isinstance(exc, RecursionError) or "recursion" in str(exc).lower() or "depth limit" in str(exc):
        return HistoryFileError(file, "JSON nested too deeply to be an export")
    return HistoryFileError(file, f"not valid JSON, or cut short ({str(exc).splitlines()[0][:120]})")


def load_whole(stream: BinaryIO, file: str) -> Any:
    raw = stream.read(WHOLE_JSON_BYTES + 1)
    if len(raw) > WHOLE_JSON_BYTES:
        raise HistoryFileError(file, f"JSON object larger than {WHOLE_JSON_BYTES >> 20} MB")
    try:
        return orjson.loads(raw)
    except (orjson.JSONDecodeError, RecursionError) as exc:
        raise _bad_json(file, exc) from None


def array_items(stream: BinaryIO, file: str, size: int) -> Iterator[Any]:
    """The elements of a top-level JSON array: parsed whole when small, else one at a time."""
    if size <= WHOLE_JSON_BYTES:
        data = load_whole(stream, file)
        if not isinstance(data, list):
            raise HistoryFileError(file, "expected a JSON array")
        yield from data
        return
    yield from _streamed_items(stream, file)


def _streamed_items(stream: BinaryIO, file: str) -> Iterator[Any]:
    import io

    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace")
    decoder = json.JSONDecoder()
    buffer, pos, ended = text.read(CHUNK_CHARS), 0, False

    def skip(chars: str) -> None:
        nonlocal pos
        while pos < len(buffer) and buffer[pos] in chars:
            pos += 1

    skip(" \t\r\n")
    if buffer[pos:pos + 1] != "[":
        raise HistoryFileError(file, "expected a JSON array")
    pos += 1
    while True:
        skip(" \t\r\n,")
        if buffer[pos:pos + 1] == "]":
            return
        try:
            item, end = decoder.raw_decode(buffer, pos)
        except (json.JSONDecodeError, RecursionError) as exc:
            if ended or len(buffer) - pos > MAX_ITEM_BYTES:
                raise _bad_json(file, exc) from None
            more = text.read(CHUNK_CHARS)
            ended = not more
            buffer, pos = buffer[pos:] + more, 0
            continue
        yield item
        pos = end
        if len(buffer) - pos < MAX_ITEM_BYTES and not ended:
            more = text.read(CHUNK_CHARS)
            ended = not more
            buffer, pos = buffer[pos:] + more, 0


def json_lines(stream: BinaryIO, file: str) -> Iterator[tuple[int, Any]]:
    """(line number, value) per line of a JSON-lines file; a bad line is (number, None), a cut-short
    last line an error."""
    number = 0
    while True:
        line = stream.readline(MAX_ITEM_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_ITEM_BYTES:
            raise HistoryFileError(file, f"line {number} is longer than {MAX_ITEM_BYTES:,} bytes: not an export")
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            if not line.endswith(b"\n") and not stream.read(1):
                raise HistoryFileError(file, f"cut short: its last line (line {number}) is incomplete") from None
            if "recursion" in str(exc).lower() or "depth limit" in str(exc):
                raise _bad_json(file, exc) from None
            yield number, None


# -- the formats ------------------------------------------------------------------------------
def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value) < 16:
        return int(value)
    return None


def _first_mbid(values: Any) -> str:
    return values[0] if isinstance(values, list) and values and isinstance(values[0], str) else ""


def add_listenbrainz(item: Any, log: ListenLog, line: int) -> None:
    """A ListenBrainz listen: listened_at, track_metadata.artist_name, the artist MBIDs of
    mbid_mapping (may be null) first, then of additional_info."""
    meta = _get(item, "track_metadata")
    if not isinstance(meta, dict):
        return log.skip("no track_metadata", line)
    mbid = _first_mbid(_get(_get(meta, "mbid_mapping"), "artist_mbids")) or \
        _first_mbid(_get(_get(meta, "additional_info"), "artist_mbids"))
    log.add(meta.get("artist_name"), mbid, _int(_get(item, "listened_at")), line)


def add_lastfm_track(track: Any, log: ListenLog, line: int) -> None:
    """A track of user.getRecentTracks: artist["#text"] (or .name), artist.mbid, date.uts; the
    track now playing is no listen yet."""
    if _get(_get(track, "@attr"), "nowplaying") in ("true", True):
        return log.skip("now playing", line)
    artist = _get(track, "artist")
    name = artist if isinstance(artist, str) else (_get(artist, "#text") or _get(artist, "name"))
    when = _int(_get(_get(track, "date"), "uts"))
    if when is None:
        return log.skip("no date", line)
    log.add(name, _get(artist, "mbid") or "", when, line, _get(track, "url") or _get(artist, "url") or "")


def add_spotify_account(item: Any, log: ListenLog, line: int) -> None:
    """StreamingHistory_music_N.json: {endTime, artistName, trackName, msPlayed}; 30 s or more counts."""
    played = _int(_get(item, "msPlayed"))
    if played is None:
        return log.skip("no msPlayed", line)
    if played < MIN_PLAY_MS:
        return log.skip("played under 30 s", line)
    log.add(_get(item, "artistName"), "", iso_seconds(_get(item, "endTime")), line)


def add_spotify_extended(item: Any, log: ListenLog, line: int) -> None:
    """Extended streaming history: podcasts, audiobooks, incognito plays and short skips are no listens."""
    if not isinstance(item, dict):
        return log.skip("not an object", line)
    if not item.get("spotify_track_uri") or item.get("episode_name") or item.get("audiobook_title") \
            or item.get("episode_show_name") or item.get("audiobook_uri"):
        return log.skip("podcast or audiobook", line)
    if item.get("incognito_mode") is True:
        return log.skip("incognito", line)
    played = _int(item.get("ms_played"))
    if played is None:
        return log.skip("no ms_played", line)
    if played < MIN_PLAY_MS and (item.get("skipped") is True or item.get("reason_end") in SKIP_ENDS):
        return log.skip("skipped under 30 s", line)
    log.add(item.get("master_metadata_album_artist_name"), "", iso_seconds(item.get("ts")), line)


def add_maloja(item: Any, log: ListenLog, line: int) -> None:
    """A Maloja scrobble: time, track.artists (each artist of the track is credited)."""
    artists = _get(_get(item, "track"), "artists")
    if not isinstance(artists, list) or not artists:
        return log.skip("no artists", line)
    when = _int(_get(item, "time"))
    for artist in artists[:16]:
        log.add(artist, "", when, line)

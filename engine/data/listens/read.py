"""Reading an import: every file under the paths given, each told apart by its content and read
by its format's reader into one ListenLog (one person's several files are merged)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import BinaryIO, Sequence

from cratedig.engine.data.listens import json_formats as js
from cratedig.engine.data.listens import text_formats as tx
from cratedig.engine.data.listens.detect import COMPANIONS, HEAD_BYTES, detect, known_formats
from cratedig.engine.data.listens.history import ListeningHistory
from cratedig.engine.data.listens.log import ListenLog
from cratedig.engine.data.listens.sources import Source, expand
from cratedig.engine.errors import HistoryFileError

_TEXT_READERS = {"lastfm-csv": tx.read_lastfm_csv, "lastfm-csv-plain": tx.read_lastfm_csv_plain,
                 "librefm-csv": tx.read_librefm_csv, "scrobbler-log": tx.read_scrobbler_log}
_ARRAY_ITEMS = {"spotify-account": js.add_spotify_account, "spotify-extended": js.add_spotify_extended}


def read_history(paths: Sequence[str | Path], since: int | None = None) -> ListeningHistory:
    """Every listen in the exports under `paths` (files, folders, zips), `since` (unix seconds) on.
    Raises HistoryFileError, naming the file, when a file cannot be read as the format it looks
    like, or when no file is an export cratedig knows."""
    if not paths:
        raise HistoryFileError(".", "no file given")
    log = ListenLog(since)
    passed_over: list[str] = []
    for source in expand(paths):
        fmt = _format_of(source)
        if fmt == COMPANIONS:
            continue
        if fmt is None:
            if not source.in_folder:
                raise HistoryFileError(source.name, f"not an export cratedig reads; it reads {known_formats()}")
            passed_over.append(source.name)
            continue
        log.start(source.name, fmt)
        _read(source, fmt, log)
    if not log.files:
        where = ", ".join(str(p) for p in paths)
        raise HistoryFileError(where, f"no export cratedig reads was found ({len(passed_over)} other files); "
                                      f"it reads {known_formats()}")
    return log.history()


def _format_of(source: Source) -> str | None:
    try:
        with source.open() as handle:
            head = handle.read(HEAD_BYTES)
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise HistoryFileError(source.name, f"cannot read: {exc}") from None
    return detect(head)


def _read(source: Source, fmt: str, log: ListenLog) -> None:
    try:
        with source.open() as handle:
            _read_stream(handle, source, fmt, log)
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise HistoryFileError(source.name, f"cannot read (damaged or cut short?): {exc}") from None


def _read_stream(handle: BinaryIO, source: Source, fmt: str, log: ListenLog) -> None:
    if fmt in _TEXT_READERS:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
        _TEXT_READERS[fmt](text, log)
    elif fmt in _ARRAY_ITEMS:
        add = _ARRAY_ITEMS[fmt]
        for number, item in enumerate(js.array_items(handle, source.name, source.size), start=1):
            add(item, log, number)
    elif fmt == "listenbrainz":
        _read_listenbrainz(handle, source, log)
    elif fmt == "lastfm-json":
        _read_lastfm_json(handle, source, log)
    elif fmt == "maloja":
        data = js.load_whole(handle, source.name)
        scrobbles = data.get("scrobbles") if isinstance(data, dict) else None
        if not isinstance(scrobbles, list):
            raise HistoryFileError(source.name, 'expected a Maloja export: an object with a "scrobbles" list')
        for number, item in enumerate(scrobbles, start=1):
            js.add_maloja(item, log, number)


def _read_listenbrainz(handle: BinaryIO, source: Source, log: ListenLog) -> None:
    """A ListenBrainz listens/YYYY/M.jsonl member (or any JSON-lines file), or the older export:
    one JSON array of listens."""
    first = handle.read(1)
    while first in (b" ", b"\t", b"\r", b"\n", b"\xef", b"\xbb", b"\xbf"):
        first = handle.read(1)
    rest = io.BufferedReader(_Prepended(first, handle))
    if first == b"[":
        for number, item in enumerate(js.array_items(rest, source.name, source.size), start=1):
            js.add_listenbrainz(item, log, number)
        return
    for number, item in js.json_lines(rest, source.name):
        if item is None:
            log.skip("not valid JSON", number)
        else:
            js.add_listenbrainz(item, log, number)


def _read_lastfm_json(handle: BinaryIO, source: Source, log: ListenLog) -> None:
    """user.getRecentTracks: one page {"recenttracks": {"track": [...]}}, or an array of pages
    (each such an object, or {"track": [...]})."""
    data = js.load_whole(handle, source.name)
    pages = data if isinstance(data, list) else [data]
    number = 0
    for page in pages:
        inner = page.get("recenttracks", page) if isinstance(page, dict) else None
        tracks = inner.get("track") if isinstance(inner, dict) else None
        if isinstance(tracks, dict):
            tracks = [tracks]  # the API gives a lone track as an object
        if not isinstance(tracks, list):
            raise HistoryFileError(source.name, 'expected Last.fm pages: {"recenttracks": {"track": [...]}}')
        for track in tracks:
            number += 1
            js.add_lastfm_track(track, log, number)


class _Prepended(io.RawIOBase):
    """A byte stream with a few bytes already read put back in front."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

"""Listens as readers find them: each artist name (with its MBID, if any) kept once, and per listen
the name's number and its time. Readers know no catalogue; they only fill a ListenLog."""
from __future__ import annotations

import re
from array import array
from collections import Counter
from datetime import datetime, timezone

import numpy as np

from cratedig.engine.data.listens.history import SECONDS_PER_DAY, ListeningHistory

#: a longer "artist name" is not a name (a broken row, or a file that is not an export)
MAX_NAME_CHARS = 512
#: bad rows named one by one (file and line); beyond these, counts per reason
EXAMPLES = 5
#: the skip reason for listens before the start date asked for (counted, never named one by one)
BEFORE_SINCE = "before the start date"
#: times outside these (unix seconds: 1990 to 2100) are not when a listen happened: kept, time unknown
PLAUSIBLE_TIMES = (631_152_000, 4_102_444_800)
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def clean_mbid(value: object) -> str:
    """A MusicBrainz id in its canonical form, or "" when `value` is not one."""
    if not isinstance(value, str):
        return ""
    value = value.strip().lower()
    return value if _MBID.match(value) else ""


def iso_seconds(value: object) -> int | None:
    """Unix seconds of an ISO 8601 date (UTC unless it says otherwise), or None when it is not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return int((parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp())


class ListenLog:
    """What the readers of one import found: listens (name number, time), skipped rows by reason
    with the first few named, and which files of which formats were read."""

    def __init__(self, since: int | None = None):
        self.since = since
        self._keys: dict[tuple[str, str], int] = {}
        self.names: list[str] = []
        self.mbids: list[str] = []
        self.urls: list[str] = []  # the Last.fm page an export gave with the name (its artist part matters)
        self._artist = array("q")
        self._time = array("q")
        self.skipped: Counter[str] = Counter()
        self.examples: list[str] = []
        self.files: list[str] = []
        self.formats: Counter[str] = Counter()
        self.file = ""  # the file being read, for the examples of bad rows

    def start(self, file: str, fmt: str) -> None:
        self.file = file
        self.files.append(file)
        self.formats[fmt] += 1

    def add(self, name: object, mbid: object = "", when: int | None = None, line: int = 0, url: object = "") -> None:
        """One listen of `name` at `when` (unix seconds; None when unknown)."""
        if not isinstance(name, str) or not name.strip():
            return self.skip("no artist name", line)
        name = name.strip()
        if len(name) > MAX_NAME_CHARS:
            return self.skip("artist name too long", line)
        if when is not None and not PLAUSIBLE_TIMES[0] <= when < PLAUSIBLE_TIMES[1]:
            when = None
        if self.since is not None and (when is None or when < self.since):
            return self.skip(BEFORE_SINCE if when is not None else "no time (with a start date)", line)
        key = (name, clean_mbid(mbid) if mbid else "")
        number = self._keys.get(key)
        if number is None:
            number = self._keys[key] = len(self.names)
            self.names.append(name)
            self.mbids.append(key[1])
            self.urls.append(url[:2000] if isinstance(url, str) and url.startswith("http") else "")
        self._artist.append(number)
        self._time.append(-1 if when is None else when)

    def skip(self, reason: str, line: int = 0) -> None:
        """A row that is not a listen to count (or a bad row), by reason."""
        self.skipped[reason] += 1
        if len(self.examples) < EXAMPLES and reason != BEFORE_SINCE:
            where = f"{self.file}, line {line}" if line else self.file
            self.examples.append(f"{where}: {reason}")

    def __len__(self) -> int:
        return len(self._artist)

    def history(self) -> ListeningHistory:
        """Play counts per (name, day), the form a history is kept and recommended from in."""
        artist = np.frombuffer(self._artist, dtype=np.int64) if len(self._artist) else np.zeros(0, np.int64)
        time = np.frombuffer(self._time, dtype=np.int64) if len(self._time) else np.zeros(0, np.int64)
        day = np.where(time >= 0, time // SECONDS_PER_DAY, -1)
        keys, plays = np.unique(artist * 1_000_000 + (day + 1), return_counts=True)
        last = np.full(len(self.names), -1, dtype=np.int64)
        np.maximum.at(last, artist, time)
        return ListeningHistory(
            names=list(self.names), mbids=list(self.mbids), urls=list(self.urls),
            pair_name=(keys // 1_000_000).astype(np.int32), pair_day=(keys % 1_000_000 - 1).astype(np.int32),
            pair_plays=plays.astype(np.int32), last_played=last,
            files=list(self.files), formats=dict(self.formats), listens=len(self),
            skipped=dict(self.skipped), examples=list(self.examples))

"""Someone's listening history as cratedig keeps it: play counts per artist name and day, with the
MBID an export gave for the name, and what the import read and skipped. No catalogue here."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True, eq=False)
class ListeningHistory:
    names: list[str]  # artist names as written in the files
    mbids: list[str]  # the MBID given with each name, or ""
    pair_name: np.ndarray  # int32: index into names, one entry per (name, day)
    pair_day: np.ndarray  # int32: days since 1970, -1 when the time is unknown
    pair_plays: np.ndarray  # int32: listens of that name on that day
    last_played: np.ndarray  # int64 per name: unix seconds, -1 unknown
    files: list[str]
    formats: dict[str, int]  # format -> files read in it
    listens: int
    skipped: dict[str, int]  # reason -> rows
    examples: list[str]  # the first few skipped rows, "file, line N: reason"
    urls: list[str] = field(default_factory=list)  # a Last.fm page given with each name, or "" (may be empty)

    def url(self, index: int) -> str:
        return self.urls[index] if index < len(self.urls) else ""

    def plays(self, since: int | None = None) -> np.ndarray:
        """Listens per name (int64), or only those on or after `since` (unix seconds; listens of
        unknown time are then left out)."""
        keep = slice(None) if since is None else self.pair_day >= since // SECONDS_PER_DAY
        return np.bincount(self.pair_name[keep], weights=self.pair_plays[keep],
                           minlength=len(self.names)).astype(np.int64)

    @property
    def n_names(self) -> int:
        return len(self.names)

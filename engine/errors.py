"""Errors the engine raises for bad input. Each carries a one-line message fit for a user."""
from __future__ import annotations

from pathlib import Path


class CratedigError(Exception):
    """Base class: something the user can fix, reported in one line (CLI exit code 2)."""


class DataError(CratedigError):
    """A dataset file is missing or malformed."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}" if line is None else f"{self.path}, line {line}"
        super().__init__(f"{where}: {problem}")


class FetchError(CratedigError):
    """Downloading or validating the dataset archive failed."""


class UsageError(CratedigError):
    """An argument or a request is not acceptable (unknown model, bad K, unknown listener...)."""


class CacheError(CratedigError):
    """A cache file is corrupt or unreadable; callers rebuild it."""

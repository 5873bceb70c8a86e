"""Errors the engine raises for bad input. Each carries a one-line message fit for a user."""
from __future__ import annotations

import re
from pathlib import Path


def printable(text: str) -> str:
    """`text` safe to show on one line of a terminal: control characters (ESC, BEL, newlines...)
    written out as escapes instead of acting on the terminal."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in str(text))


#: characters JSON may carry raw but a terminal acts on or reorders: C1 controls, bidi controls,
#: zero-width characters and Unicode line separators (JSON escapes C0 controls itself)
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def json_for_terminals(text: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) with every character a terminal would
    act on written as a \\u escape: the same JSON value, safe to print or to `cat` later."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class CratedigError(Exception):
    """Base class: something the user can fix, reported in one line (CLI exit code 2). Its text
    is printable: input echoed in a message cannot act on the terminal."""

    def __str__(self) -> str:
        return printable(super().__str__())


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


class SettingError(UsageError):
    """A value given for one of the engine's settings is not acceptable. The message is a template
    in which `{setting}` stands for the setting: the engine says it in words ("the file"), and a
    front end says it its own way through `phrased` (the CLI as its flag, `--output`)."""

    #: how the engine names each setting in its own messages (the app and the chat show these)
    NOUNS = {"output": "the file", "dest": "the download folder", "data": "the data folder",
             "dataset": "the dataset kind", "seeds": "the number of seeds", "retriever": "the retriever",
             "since": "the start date"}

    def __init__(self, setting: str, template: str, **values):
        self.setting, self.template, self.values = setting, template, values
        super().__init__(self.phrased(self.NOUNS.get(setting, setting)))

    def phrased(self, name: str) -> str:
        """The message with the setting called `name`, safe to print."""
        return printable(self.template.format(setting=name, **self.values))


class DestinationError(SettingError, FetchError):
    """The folder a download was asked to go to cannot take it."""

    def __init__(self, template: str, **values):
        super().__init__("dest", template, **values)


class CacheError(CratedigError):
    """A cache file is corrupt or unreadable; callers rebuild it."""


class CacheLocationError(CratedigError):
    """The cache directory cannot hold trained models (not a directory, not writable)."""


class ClusterError(CratedigError):
    """Training across machines (TF_CONFIG) could not start or could not finish."""


class HistoryFileError(DataError):
    """A listening-history export cannot be read: unknown format, binary, truncated, beyond a bound."""


class NotFoundError(UsageError):
    """Something named in a request is not in the data: an artist, a listener, a saved history
    (the API answers 404; the CLI, like any usage error, exit code 2)."""

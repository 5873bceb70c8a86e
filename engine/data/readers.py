"""Reading one HetRec `.dat` file: decoding, header and field checks, numeric columns.

Policy (what is fatal, what is a counted quirk) is documented in README.md under "Bad data".
Fatal problems raise `DataError` naming the file and line; nothing is half-loaded because the
dataset is only assembled after every file has been read.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cratedig.engine.errors import DataError


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]
    numeric: tuple[str, ...]
    required: bool = True
    may_be_empty: bool = False  # header-only is fine (no friends, no tags); else fatal


ARTISTS = FileSpec("artists.dat", ("id", "name", "url", "pictureURL"), ("id",))
TAGS = FileSpec("tags.dat", ("tagID", "tagValue"), ("tagID",), may_be_empty=True)
PLAYS = FileSpec("user_artists.dat", ("userID", "artistID", "weight"), ("userID", "artistID", "weight"))
FRIENDS = FileSpec("user_friends.dat", ("userID", "friendID"), ("userID", "friendID"), required=False,
                   may_be_empty=True)
TAGGINGS = FileSpec(
    "user_taggedartists.dat",
    ("userID", "artistID", "tagID", "day", "month", "year"),
    ("userID", "artistID", "tagID", "day", "month", "year"),
    may_be_empty=True,
)
TAGGING_TIMES = FileSpec(
    "user_taggedartists-timestamps.dat",
    ("userID", "artistID", "tagID", "timestamp"),
    ("userID", "artistID", "tagID", "timestamp"),
    required=False,
    may_be_empty=True,
)
ALL_FILES = (ARTISTS, TAGS, PLAYS, FRIENDS, TAGGINGS, TAGGING_TIMES)
#: the range every numeric column must be in: ids are non-negative 32-bit numbers; play counts and
#: timestamps (milliseconds) are far below these bounds in any real file
RANGES = {"id": (0, 2**31 - 1), "userID": (0, 2**31 - 1), "artistID": (0, 2**31 - 1), "tagID": (0, 2**31 - 1),
          "friendID": (0, 2**31 - 1), "weight": (-10**12, 10**12), "timestamp": (-10**14, 10**14),
          "day": (-2**31, 2**31 - 1), "month": (-2**31, 2**31 - 1), "year": (-2**31, 2**31 - 1)}


@dataclass
class QuirkLog:
    """Counted, non-fatal oddities found while loading, keyed by (code, file)."""

    counts: Counter = field(default_factory=Counter)

    def add(self, code: str, file: str, n: int = 1) -> None:
        if n:
            self.counts[(code, file)] += int(n)

    def as_rows(self) -> list[tuple[str, str, int]]:
        return [(code, file, n) for (code, file), n in sorted(self.counts.items())]


def decode_lines(raw: bytes) -> tuple[str, int]:
    """`raw` as text: UTF-8 where the bytes are UTF-8, line by line Windows-1252 (Latin-1 where
    that fails) for the lines that are not; and how many lines fell back."""
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError:
        pass
    decoded, fallbacks = [], 0
    for line in raw.split(b"\n"):
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            fallbacks += 1
            try:
                decoded.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                decoded.append(line.decode("latin-1"))
    return "\n".join(decoded), fallbacks


def _decode(raw: bytes, spec: FileSpec, quirks: QuirkLog) -> str:
    """UTF-8 where the bytes are UTF-8; Windows-1252/Latin-1 for the lines that are not."""
    text, fallbacks = decode_lines(raw.removeprefix(b"\xef\xbb\xbf"))
    quirks.add("lines not UTF-8, read as Latin-1", spec.name, fallbacks)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text


def _check_header(header: str, spec: FileSpec, path: Path) -> None:
    found = header.split("\t")
    if tuple(found) == spec.columns:
        return
    expected = "\t".join(spec.columns)
    if len(found) == 1 and any(sep in header for sep in (",", ";", "|", " ")):
        raise DataError(path, f"not tab-separated: expected columns {', '.join(spec.columns)} "
                              f"separated by tabs, found header {header[:80]!r}", line=1)
    missing = [c for c in spec.columns if c not in found]
    extra = [c for c in found if c not in spec.columns]
    parts = []
    if missing:
        parts.append(f"missing column(s) {', '.join(missing)}")
    if extra:
        parts.append(f"unexpected column(s) {', '.join(x[:30] for x in extra)}")
    if not parts:
        parts.append(f"columns out of order (expected {expected!r})")
    raise DataError(path, "bad header: " + "; ".join(parts), line=1)


def read_table(directory: Path, spec: FileSpec, quirks: QuirkLog) -> pd.DataFrame | None:
    """Read one file into a DataFrame (numeric columns as int64), or None if optional and absent."""
    path = directory / spec.name
    try:
        present = path.is_file()
    except OSError as exc:
        raise DataError(path, f"cannot open: {exc.strerror or exc}") from None
    if not present:
        if spec.required:
            raise DataError(path, "file not found (is this the hetrec2011-lastfm-2k directory?)")
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(path, f"cannot read file: {exc.strerror or exc}") from None
    if not raw.strip():
        raise DataError(path, "file is empty")
    text = _decode(raw, spec, quirks)
    header, _, rest = text.partition("\n")
    _check_header(header, spec, path)
    frame = _parse_clean_numeric(rest, spec)
    if frame is None:
        frame = _parse_checked(rest, spec, path, quirks)
    _check_ranges(frame, spec, path)
    return frame


def _check_ranges(frame: pd.DataFrame, spec: FileSpec, path: Path) -> None:
    """Every numeric value within RANGES, else a DataError naming the line and the column."""
    for column in spec.numeric:
        low, high = RANGES[column]
        values = frame[column].to_numpy()
        bad = (values < low) | (values > high)
        if bad.any():
            i = int(np.argmax(bad))
            raise DataError(path, f"column {column}: {values[i]} is out of range ({low:,} to {high:,})",
                            line=int(frame["_line"].iat[i]))


_NOT_PLAIN_INTEGERS = re.compile(r"[^0-9\t\n-]")


def _parse_clean_numeric(body: str, spec: FileSpec) -> pd.DataFrame | None:
    """Fast path for all-numeric files with no oddities; None sends the file to the checked path."""
    if len(spec.numeric) != len(spec.columns) or not body.endswith("\n") or "\n\n" in body or not body.strip():
        return None
    if _NOT_PLAIN_INTEGERS.search(body):  # "1e30", "nan", "1.5": the checked path names the line
        return None
    try:
        frame = pd.read_csv(io.StringIO(body), sep="\t", header=None, names=list(spec.columns),
                            dtype=np.int64, engine="c", skip_blank_lines=False)
    except (ValueError, pd.errors.ParserError, OverflowError):
        return None
    frame["_line"] = np.arange(2, len(frame) + 2)
    return frame


def _parse_checked(text: str, spec: FileSpec, path: Path, quirks: QuirkLog) -> pd.DataFrame:
    """Line-by-line validation that names the first bad line and counts the tolerated quirks."""
    body = text.split("\n")
    line_numbers = np.arange(2, len(body) + 2)
    ends_with_newline = text.endswith("\n") or not text
    if ends_with_newline:
        body, line_numbers = body[:-1], line_numbers[:-1]
    series = pd.Series(body, dtype=object)
    blank = (series.str.strip() == "").to_numpy()
    if blank.any():
        quirks.add("blank lines skipped", spec.name, int(blank.sum()))
        series, line_numbers = series[~blank], line_numbers[~blank]
    if series.empty:
        if spec.may_be_empty:
            return _empty(spec)
        raise DataError(path, "has a header but no rows")
    n_fields = series.str.count("\t").to_numpy() + 1
    wrong = n_fields != len(spec.columns)
    if not ends_with_newline and wrong[-1] and n_fields[-1] < len(spec.columns):
        # A last line cut short with no newline: an interrupted copy. Drop it and say so.
        quirks.add("truncated last line dropped", spec.name)
        series, line_numbers, n_fields, wrong = series[:-1], line_numbers[:-1], n_fields[:-1], wrong[:-1]
        if series.empty:
            if spec.may_be_empty:
                return _empty(spec)
            raise DataError(path, "has a header but no complete rows")
    if wrong.any():
        i = int(np.argmax(wrong))
        raise DataError(path, f"expected {len(spec.columns)} tab-separated fields, found {n_fields[i]}",
                        line=int(line_numbers[i]))
    frame = pd.read_csv(
        io.StringIO("\n".join(series.tolist())), sep="\t", header=None, names=list(spec.columns),
        dtype=str, quoting=csv.QUOTE_NONE, na_filter=False, engine="c",
    )
    for column in spec.numeric:
        values = pd.to_numeric(frame[column].str.strip(), errors="coerce").to_numpy(dtype=float)
        finite = np.isfinite(values)
        bad = ~finite | (np.floor(np.where(finite, values, 0.0)) != np.where(finite, values, 0.0))
        if bad.any():
            i = int(np.argmax(bad))
            raise DataError(path, f"column {column}: {frame[column].iat[i][:40]!r} is not a whole number",
                            line=int(line_numbers[i]))
        low, high = RANGES[column]
        outside = (values < low) | (values > high)
        if outside.any():
            i = int(np.argmax(outside))
            raise DataError(path, f"column {column}: {frame[column].iat[i][:40]!r} is out of range "
                                  f"({low:,} to {high:,})", line=int(line_numbers[i]))
        frame[column] = values.astype(np.int64)
    frame["_line"] = line_numbers
    return frame


def _empty(spec: FileSpec) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=np.int64 if c in spec.numeric else object)
                          for c in spec.columns})
    frame["_line"] = np.array([], dtype=np.int64)
    return frame

"""The files an import reads: paths given (files, folders, zips) expanded into sources, each opened
as a byte stream. Zip members are streamed from the archive, never extracted to disk, and an
archive is refused before reading when its members are too many or expand too much."""
from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Sequence

from cratedig.engine.errors import HistoryFileError

#: files read by one import, zip members included
MAX_SOURCES = 10_000
#: what a zip's members may expand to, in all and each; and how much more than their packed size
MAX_UNPACKED_BYTES = 8 << 30
MAX_MEMBER_BYTES = 2 << 30
MAX_RATIO = 200
#: members this small are never refused for their ratio (a short JSON compresses very well)
RATIO_FREE_BYTES = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Source:
    """One file to read: its name in messages, its size, and how to open it as bytes."""

    name: str
    size: int
    open: Callable[[], BinaryIO]
    in_folder: bool  # found in a folder or a zip (not named itself): unknown formats are passed over


def expand(paths: Sequence[str | Path]) -> Iterator[Source]:
    """Every readable file under `paths`, in a stable order. Raises HistoryFileError for a path
    that does not exist, is not a file or folder, or is a zip beyond the bounds."""
    count = 0
    for given in paths:
        path = Path(given).expanduser()
        for source in _expand_one(path):
            count += 1
            if count > MAX_SOURCES:
                raise HistoryFileError(path, f"more than {MAX_SOURCES:,} files to read")
            yield source


def _expand_one(path: Path) -> Iterator[Source]:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise HistoryFileError(path, "no such file or folder") from None
    except OSError as exc:
        raise HistoryFileError(path, f"cannot open: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        yield from _folder(path)
    elif stat.S_ISREG(mode):
        yield from _file(path, in_folder=False)
    else:
        raise HistoryFileError(path, "not a regular file or a folder")


def _folder(folder: Path) -> Iterator[Source]:
    for root, dirs, files in os.walk(folder, onerror=None, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__MACOSX")))
        for name in sorted(files):
            path = Path(root) / name
            if _hidden(name) or path.is_symlink() or not path.is_file():
                continue
            yield from _file(path, in_folder=True)


def _file(path: Path, in_folder: bool) -> Iterator[Source]:
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
        size = path.stat().st_size
    except OSError as exc:
        raise HistoryFileError(path, f"cannot read: {exc.strerror or exc}") from None
    if magic == ZIP_MAGIC:
        yield from _zip(path)
    else:
        yield Source(str(path), size, lambda: open(path, "rb"), in_folder)


def _zip(path: Path) -> Iterator[Source]:
    try:
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise HistoryFileError(path, f"not a readable zip archive ({exc})") from None
    if len(members) > MAX_SOURCES:
        raise HistoryFileError(path, f"zip archive of {len(members):,} files; at most {MAX_SOURCES:,} are read")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED_BYTES:
        raise HistoryFileError(path, f"zip archive expands to {total:,} bytes; at most {MAX_UNPACKED_BYTES:,}")
    for member in members:
        if member.file_size > MAX_MEMBER_BYTES or (
                member.file_size > RATIO_FREE_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1)):
            raise HistoryFileError(path, f"zip member {member.filename} expands {member.file_size:,} bytes from "
                                         f"{member.compress_size:,}: refused as a zip bomb")
    for member in sorted(members, key=lambda m: m.filename):
        base = member.filename.rsplit("/", 1)[-1]
        if _hidden(base) or member.filename.startswith("__MACOSX"):
            continue
        yield Source(f"{path}:{member.filename}", member.file_size,
                     (lambda m=member: archive.open(m)), in_folder=True)


def _hidden(name: str) -> bool:
    """Files an export never is: macOS's .DS_Store and ._ forks (.scrobbler.log is one, though)."""
    return name == ".DS_Store" or name.startswith("._")

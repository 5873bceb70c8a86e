"""Unpacking a downloaded dataset archive (zip or tar.gz) safely: only the wanted files, at most one
folder deep, no unsafe paths, links or devices, and never more bytes than the bounds allow (sizes
in headers can lie; zip bombs are refused by ratio)."""
from __future__ import annotations

import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cratedig.engine.data.types import LASTFM_360K
from cratedig.engine.errors import FetchError, printable

CHUNK = 1 << 16
MAX_COMPRESSION_RATIO = 100


@dataclass(frozen=True)
class Archive:
    """Where a dataset kind's official archive is, how big it may be, and what to unpack from it."""

    kind: str
    url: str
    max_bytes: int  # the download
    max_unpacked: int  # everything unpacked
    max_member: int  # one file unpacked
    deadline: float
    members: frozenset[str]  # base names unpacked
    required: tuple[str, ...]
    resumable: bool



def _member_name(name: str, wanted: frozenset[str]) -> str | None:
    """The base name of an archive member if it is one of `wanted` (at most one folder deep);
    refuses absolute paths, `..` anywhere and drive letters."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise FetchError(f"archive rejected: unsafe member path {printable(name)!r}")
    return path.name if len(path.parts) <= 2 and path.name in wanted else None


def _safe_members(archive: zipfile.ZipFile, spec: Archive) -> dict[str, zipfile.ZipInfo]:
    """Dataset files by base name; refuses unsafe paths and zip bombs."""
    members = {}
    for info in archive.infolist():
        name = _member_name(info.filename, spec.members)
        if not info.is_dir() and name is not None:
            if info.file_size > spec.max_member or info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                raise FetchError(f"archive rejected: {name} would unpack to {info.file_size:,} bytes "
                                 f"from {info.compress_size:,} (a zip bomb?)")
            members[name] = info
    if sum(info.file_size for info in members.values()) > spec.max_unpacked:
        raise FetchError("archive rejected: it would unpack to more than "
                         f"{spec.max_unpacked:,} bytes")
    return members


def _copy_bounded(source, target: Path, limit: int, name: str) -> None:
    """Copy at most `limit` bytes (sizes in a zip header can lie)."""
    written = 0
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise FetchError(f"archive rejected: {name} unpacks to more than its header says")
            out.write(chunk)


def extract(archive_path: Path, into: Path, spec: Archive) -> None:
    try:
        if zipfile.is_zipfile(archive_path):
            with zipfile.ZipFile(archive_path) as archive:
                members = _safe_members(archive, spec)
                _check_required(members, spec)
                for name, info in members.items():
                    with archive.open(info) as src:
                        _copy_bounded(src, into / name, info.file_size, name)
        elif spec.kind == LASTFM_360K:
            _extract_tar(archive_path, into, spec)
        else:
            raise FetchError("download is not a valid zip archive; try again")
    except zipfile.BadZipFile as exc:
        raise FetchError(f"download is not a valid zip archive ({exc}); try again") from None
    except tarfile.TarError as exc:
        raise FetchError(f"download is not a valid tar.gz archive ({exc}); try again") from None
    except (EOFError, OSError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise FetchError(f"archive is truncated or unreadable ({type(exc).__name__}: {exc}); try again") from None


def _check_required(members, spec: Archive) -> None:
    missing = [name for name in spec.required if name not in members]
    if missing:
        raise FetchError(f"archive is missing {', '.join(missing)}")


def _extract_tar(archive_path: Path, into: Path, spec: Archive) -> None:
    """The wanted regular files of a (gzipped) tar, read as a stream: its other members (the
    real archive has a README and a script) are skipped, links and devices never written."""
    found: dict[str, int] = {}
    budget = min(spec.max_unpacked, MAX_COMPRESSION_RATIO * max(archive_path.stat().st_size, 1))
    with tarfile.open(archive_path, mode="r|*") as archive:
        for info in archive:
            name = _member_name(info.name, spec.members)
            if name is None or not info.isreg():
                continue
            if info.size > spec.max_member or sum(found.values()) + info.size > budget:
                raise FetchError(f"archive rejected: {name} would unpack to {info.size:,} bytes (too much)")
            source = archive.extractfile(info)
            _copy_bounded(source, into / name, info.size, name)
            found[name] = info.size
    _check_required(found, spec)

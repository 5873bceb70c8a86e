"""`cratedig fetch`: download, validate and install the official GroupLens zip, atomically.

Safe by construction: only http(s); a size cap on the download and on what it unpacks (in total,
per file and by compression ratio); a per-read timeout and an overall deadline; nothing at the
destination is deleted or moved unless it is a dataset folder a fetch made (holding only dataset
files); temporary files are removed on every exit path, and a killed run's leftovers by the next."""
from __future__ import annotations

import http.client
import os
import shutil
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath
from typing import Callable

from engine.data.dataset import load_dataset
from engine.data.readers import ALL_FILES
from engine.errors import CratedigError, FetchError, printable
from engine.files import alive
from engine.paths import default_data_dir
from engine.progress import DownloadProgress

OFFICIAL_URL = "https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip"
CHUNK = 1 << 16
# Smallest counts a real HetRec download can have; a file cut short fails these.
MIN_LISTENERS, MIN_ARTISTS, MIN_PLAYS = 1000, 10000, 50000
#: the real zip is 2.5 MB and unpacks to 12 MB: these caps are a few times that
MAX_DOWNLOAD_BYTES = 32 << 20
MAX_UNPACKED_BYTES = 256 << 20
MAX_MEMBER_BYTES = 128 << 20
MAX_COMPRESSION_RATIO = 100
DEADLINE_SECONDS = 600.0
#: what a dataset folder may hold; anything else there means it is not ours to replace
DATASET_FILES = frozenset({spec.name for spec in ALL_FILES} | {"readme.txt"})
_TEMP_MARK = ".fetch-"


def dataset_url() -> str:
    return os.environ.get("CRATEDIG_DATA_URL") or OFFICIAL_URL


def check_url(url: str) -> str:
    """`url` if it is a plain http(s) URL, else a FetchError saying what is wrong with it."""
    if any(not ch.isprintable() or ch.isspace() for ch in url):
        raise FetchError(f"bad URL {printable(url)!r}: it contains spaces or control characters")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"bad URL {url!r}: only http:// and https:// URLs are fetched")
    return url


def _download(url: str, target: Path, timeout: float, deadline: float, max_bytes: int, progress, cancel) -> None:
    try:
        response = urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 (scheme checked: http(s))
    except urllib.error.HTTPError as exc:
        raise FetchError(f"download failed: {url} answered HTTP {exc.code} {printable(exc.reason)}") from None
    except (urllib.error.URLError, http.client.HTTPException, socket.timeout, TimeoutError, ValueError,
            OSError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise FetchError(f"cannot reach {url}: {printable(reason)}") from None
    total = response.headers.get("Content-Length")
    total = int(total) if total and total.isdigit() else None
    if total is not None and total > max_bytes:
        response.close()
        raise FetchError(f"download refused: {url} is {total:,} bytes, more than the {max_bytes:,} allowed")
    done = 0
    with response, open(target, "wb") as out:
        while True:
            if cancel is not None and cancel.is_set():
                raise FetchError("download cancelled")
            if time.monotonic() > deadline:
                raise FetchError(f"download too slow: not finished within the deadline ({done:,} bytes from {url})")
            try:
                chunk = response.read1(CHUNK)  # what has arrived: a trickle cannot hold us past the deadline
            except (socket.timeout, TimeoutError):
                raise FetchError(f"download stalled: no data for {timeout:g} s from {url}") from None
            except (OSError, http.client.HTTPException) as exc:
                raise FetchError(f"download interrupted: {printable(exc) or type(exc).__name__}") from None
            if not chunk:
                break
            done += len(chunk)
            if done > max_bytes:
                raise FetchError(f"download refused: {url} sent more than the {max_bytes:,} bytes allowed")
            out.write(chunk)
            if progress is not None:
                progress(DownloadProgress(done, total))
    if total is not None and done != total:
        raise FetchError(f"download incomplete: got {done} of {total} bytes from {url}")


def _safe_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Dataset files by base name; refuses absolute paths, `..` anywhere and zip bombs."""
    members = {}
    for info in archive.infolist():
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
            raise FetchError(f"archive rejected: unsafe member path {printable(info.filename)!r}")
        if not info.is_dir() and len(path.parts) <= 2 and path.name in DATASET_FILES:
            if info.file_size > MAX_MEMBER_BYTES or info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                raise FetchError(f"archive rejected: {path.name} would unpack to {info.file_size:,} bytes "
                                 f"from {info.compress_size:,} (a zip bomb?)")
            members[path.name] = info
    if sum(info.file_size for info in members.values()) > MAX_UNPACKED_BYTES:
        raise FetchError("archive rejected: it would unpack to more than "
                         f"{MAX_UNPACKED_BYTES:,} bytes")
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


def _extract(zip_path: Path, into: Path) -> None:
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = _safe_members(archive)
            missing = [spec.name for spec in ALL_FILES if spec.required and spec.name not in members]
            if missing:
                raise FetchError(f"archive is missing {', '.join(missing)}")
            for name, info in members.items():
                with archive.open(info) as src:
                    _copy_bounded(src, into / name, info.file_size, name)
    except zipfile.BadZipFile as exc:
        raise FetchError(f"download is not a valid zip archive ({exc}); try again") from None
    except (EOFError, OSError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise FetchError(f"archive is truncated or unreadable ({type(exc).__name__}: {exc}); try again") from None


def _check_plausible(directory: Path) -> None:
    try:
        data = load_dataset(directory)
    except CratedigError as exc:
        raise FetchError(f"downloaded data is invalid: {exc}") from None
    if data.n_listeners < MIN_LISTENERS or data.n_artists < MIN_ARTISTS or len(data.plays) < MIN_PLAYS:
        raise FetchError(f"downloaded data is implausibly small ({data.n_listeners} listeners, "
                         f"{data.n_artists} artists, {len(data.plays)} plays)")


def check_destination(dest: Path) -> Path:
    """`dest` as an absolute path if a fetch may put the dataset there: absent, an empty folder, or
    a folder holding only dataset files. Anything else is refused, and so nothing is lost."""
    try:
        dest = Path(dest).expanduser().absolute()
        resolved = dest.resolve()
        if resolved == Path.cwd().resolve() or resolved in Path.cwd().resolve().parents:
            raise FetchError(f"--dest {dest}: refusing to replace the current directory or one above it")
        if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
            raise FetchError(f"--dest {dest} exists and is not a folder; choose a new or dataset folder")
        if dest.is_dir():
            foreign = sorted(p.name for p in dest.iterdir() if p.name not in DATASET_FILES or not p.is_file())
            if foreign:
                raise FetchError(f"--dest {dest} holds files that are not part of the dataset "
                                 f"({', '.join(foreign[:3])}{', …' if len(foreign) > 3 else ''}); "
                                 "choose a new or dataset folder")
        if dest.parent.exists() and not dest.parent.is_dir():
            raise FetchError(f"--dest {dest}: {dest.parent} is not a folder")
    except OSError as exc:
        raise FetchError(f"--dest {dest}: {exc.strerror or exc}") from None
    return dest


def _clean_leftovers(parent: Path, name: str) -> None:
    """Remove temporary folders of earlier fetches into `parent` whose process is gone."""
    for path in parent.glob(f".{name}{_TEMP_MARK}*"):
        pid = path.name[len(f".{name}{_TEMP_MARK}"):].split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _swap_into_place(fresh: Path, dest: Path, work: Path) -> None:
    """Replace `dest` (absent, empty, or dataset files only) by `fresh`. Until the final rename the
    previous copy stays in place; it is moved into `work` (our temp folder) and removed with it."""
    if dest.is_dir() and any(dest.iterdir()):
        retired = work / "previous"
        os.replace(dest, retired)
        try:
            os.replace(fresh, dest)
        except OSError:
            os.replace(retired, dest)
            raise
    else:
        if dest.is_dir():
            dest.rmdir()  # empty: nothing is lost
        os.replace(fresh, dest)


def fetch_dataset(dest: Path | None = None, url: str | None = None, timeout: float = 30.0,
                  progress: Callable[[DownloadProgress], None] | None = None,
                  cancel: threading.Event | None = None, deadline: float = DEADLINE_SECONDS,
                  max_bytes: int = MAX_DOWNLOAD_BYTES) -> Path:
    """Download the zip to a temp folder beside `dest`, validate, extract, check it loads, then swap
    it into `dest`. On any failure nothing at `dest` changes and the temp folder is removed."""
    dest = check_destination(dest if dest is not None else default_data_dir())
    url = check_url(url or dataset_url())
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _clean_leftovers(dest.parent, dest.name)
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}{_TEMP_MARK}{os.getpid()}-", dir=dest.parent))
    except OSError as exc:
        raise FetchError(f"cannot write beside {dest}: {exc.strerror or exc}") from None
    try:
        zip_path = work / "download.zip"
        _download(url, zip_path, timeout, time.monotonic() + deadline, max_bytes, progress, cancel)
        extracted = work / "data"
        extracted.mkdir()
        _extract(zip_path, extracted)
        _check_plausible(extracted)
        _swap_into_place(extracted, dest, work)
    except OSError as exc:
        raise FetchError(f"cannot install the dataset at {dest}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest

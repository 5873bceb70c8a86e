"""`cratedig fetch`: download, validate and install a dataset's official archive, atomically: the
GroupLens zip of HetRec 2K, or the Last.fm-360K tar.gz (of which only the two data files are
unpacked).

Safe by construction: only http(s); a size cap on the download and on what it unpacks (in total,
per file and by compression ratio); a per-read timeout and an overall deadline; nothing at the
destination is deleted or moved unless it is a dataset folder a fetch made (holding only dataset
files); temporary files are removed on every exit path, and a killed run's leftovers by the next.
The one exception is Last.fm-360K's download itself (540 MB): an interrupted one is kept beside the
destination (`.<dest>.partial`) and the next fetch resumes it with an HTTP range request (starting
over when the server does not do ranges, or when the finished file is not a valid archive)."""
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
from pathlib import Path
from typing import Callable

from cratedig.engine.data import lastfm360k
from cratedig.engine.data.loader import load_dataset
from cratedig.engine.data.types import HETREC_2K, KINDS, LASTFM_360K
from cratedig.engine.data.readers import ALL_FILES
from cratedig.engine.data.unpack import CHUNK, Archive, extract
from cratedig.engine.errors import CratedigError, DestinationError, FetchError, printable
from cratedig.engine.files import alive
from cratedig.engine.paths import default_data_dir
from cratedig.engine.progress import DownloadProgress

OFFICIAL_URL = "https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip"
# Smallest counts a real HetRec download can have; a file cut short fails these.
MIN_LISTENERS, MIN_ARTISTS, MIN_PLAYS = 1000, 10000, 50000
#: the real zip is 2.5 MB and unpacks to 12 MB: these caps are a few times that
MAX_DOWNLOAD_BYTES = 32 << 20
MAX_UNPACKED_BYTES = 256 << 20
MAX_MEMBER_BYTES = 128 << 20
DEADLINE_SECONDS = 600.0
#: what a dataset folder may hold; anything else there means it is not ours to replace
DATASET_FILES = frozenset({spec.name for spec in ALL_FILES} | {"readme.txt"} | set(lastfm360k.FILES))
_TEMP_MARK = ".fetch-"
_PARTIAL = ".partial"


ARCHIVES = {
    HETREC_2K: Archive(HETREC_2K, OFFICIAL_URL, MAX_DOWNLOAD_BYTES, MAX_UNPACKED_BYTES, MAX_MEMBER_BYTES,
                       DEADLINE_SECONDS, frozenset({spec.name for spec in ALL_FILES} | {"readme.txt"}),
                       tuple(spec.name for spec in ALL_FILES if spec.required), resumable=False),
    # Òscar Celma's page (the MTG at UPF): 543 MB, unpacking to 1.6 GB of plays and 14 MB of profiles.
    LASTFM_360K: Archive(LASTFM_360K, "http://mtg.upf.edu/static/datasets/last.fm/lastfm-dataset-360K.tar.gz",
                         1 << 30, 4 << 30, 3 << 30, 7200.0, frozenset(lastfm360k.FILES),
                         (lastfm360k.PLAYS_FILE,), resumable=True),
}


def archive_for(kind: str | None) -> Archive:
    if (kind or HETREC_2K) not in ARCHIVES:
        raise FetchError(f"unknown dataset {kind!r}: expected one of {', '.join(KINDS)}")
    return ARCHIVES[kind or HETREC_2K]


def dataset_url(kind: str | None = None) -> str:
    return os.environ.get("CRATEDIG_DATA_URL") or archive_for(kind).url


def check_url(url: str) -> str:
    """`url` if it is a plain http(s) URL, else a FetchError saying what is wrong with it."""
    if any(not ch.isprintable() or ch.isspace() for ch in url):
        raise FetchError(f"bad URL {printable(url)!r}: it contains spaces or control characters")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"bad URL {url!r}: only http:// and https:// URLs are fetched")
    return url


def _download(url: str, target: Path, timeout: float, deadline: float, max_bytes: int, progress, cancel,
              resume: bool = False) -> None:
    """`url` into `target`; with `resume`, a `target` already there is continued with a range
    request (or started over if the server sends the whole file)."""
    have = target.stat().st_size if resume and target.is_file() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (scheme checked: http(s))
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # nothing left to send: the partial file is the whole file
            return
        raise FetchError(f"download failed: {url} answered HTTP {exc.code} {printable(exc.reason)}") from None
    except (urllib.error.URLError, http.client.HTTPException, socket.timeout, TimeoutError, ValueError,
            OSError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise FetchError(f"cannot reach {url}: {printable(reason)}") from None
    appending = have > 0 and response.status == 206
    done = have if appending else 0
    total = response.headers.get("Content-Length")
    total = int(total) + done if total and total.isdigit() else None
    if total is not None and total > max_bytes:
        response.close()
        raise FetchError(f"download refused: {url} is {total:,} bytes, more than the {max_bytes:,} allowed")
    with response, open(target, "ab" if appending else "wb") as out:
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


def _check_plausible(directory: Path, spec: Archive) -> None:
    try:
        data = load_dataset(directory, spec.kind)
    except CratedigError as exc:
        raise FetchError(f"downloaded data is invalid: {exc}") from None
    if spec.kind != HETREC_2K:  # it loaded, with plays: a cut-short archive fails in gzip first
        return
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
            raise DestinationError("{setting} {path}: refusing to replace the current directory or one above it", path=dest)
        if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
            raise DestinationError("{setting} {path} exists and is not a folder; choose a new or dataset folder", path=dest)
        if dest.is_dir():
            foreign = sorted(p.name for p in dest.iterdir() if p.name not in DATASET_FILES or not p.is_file())
            if foreign:
                raise DestinationError("{setting} {path} holds files that are not part of the dataset ({names}); "
                                       "choose a new or dataset folder", path=dest,
                                       names=", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else ""))
        if dest.parent.exists() and not dest.parent.is_dir():
            raise DestinationError("{setting} {path}: {parent} is not a folder", path=dest, parent=dest.parent)
    except OSError as exc:
        raise DestinationError("{setting} {path}: {reason}", path=dest, reason=exc.strerror or exc) from None
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
                  cancel: threading.Event | None = None, deadline: float | None = None,
                  max_bytes: int | None = None, kind: str | None = None) -> Path:
    """Download `kind`'s archive (default HetRec) to a temp folder beside `dest`, validate, extract,
    check it loads, then swap it into `dest`. On any failure nothing at `dest` changes and the temp
    folder is removed (a resumable download is kept for the next try; see the module docstring)."""
    spec = archive_for(kind)
    dest = check_destination(dest if dest is not None else default_data_dir(spec.kind))
    url = check_url(url or dataset_url(spec.kind))
    deadline = spec.deadline if deadline is None else deadline
    max_bytes = spec.max_bytes if max_bytes is None else max_bytes
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _clean_leftovers(dest.parent, dest.name)
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}{_TEMP_MARK}{os.getpid()}-", dir=dest.parent))
    except OSError as exc:
        raise FetchError(f"cannot write beside {dest}: {exc.strerror or exc}") from None
    partial = dest.parent / f".{dest.name}{_PARTIAL}"
    download = partial if spec.resumable else work / "download.zip"
    try:
        _download(url, download, timeout, time.monotonic() + deadline, max_bytes, progress, cancel,
                  resume=spec.resumable)
        extracted = work / "data"
        extracted.mkdir()
        try:
            extract(download, extracted, spec)
            _check_plausible(extracted, spec)
        except FetchError:
            download.unlink(missing_ok=True)  # a bad archive is not resumed: the next try starts over
            raise
        _swap_into_place(extracted, dest, work)
        download.unlink(missing_ok=True)
    except OSError as exc:
        raise FetchError(f"cannot install the dataset at {dest}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest

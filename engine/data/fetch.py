"""`cratedig fetch`: download, validate and install the official GroupLens zip, atomically."""
from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath
from typing import Callable

from engine.data.dataset import load_dataset
from engine.data.readers import ALL_FILES
from engine.errors import CratedigError, FetchError
from engine.paths import default_data_dir
from engine.progress import DownloadProgress

OFFICIAL_URL = "https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip"
CHUNK = 1 << 16
# Smallest counts a real HetRec download can have; a file cut short fails these.
MIN_LISTENERS, MIN_ARTISTS, MIN_PLAYS = 1000, 10000, 50000


def dataset_url() -> str:
    return os.environ.get("CRATEDIG_DATA_URL") or OFFICIAL_URL


def _download(url: str, target: Path, timeout: float, progress, cancel) -> None:
    try:
        response = urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 (http(s) URL from config)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"download failed: {url} answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ValueError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot reach {url}: {reason}") from None
    total = response.headers.get("Content-Length")
    total = int(total) if total and total.isdigit() else None
    done = 0
    with response, open(target, "wb") as out:
        while True:
            if cancel is not None and cancel.is_set():
                raise FetchError("download cancelled")
            try:
                chunk = response.read(CHUNK)
            except (socket.timeout, TimeoutError):
                raise FetchError(f"download stalled: no data for {timeout:g} s from {url}") from None
            except OSError as exc:
                raise FetchError(f"download interrupted: {exc}") from None
            if not chunk:
                break
            out.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(DownloadProgress(done, total))
    if total is not None and done != total:
        raise FetchError(f"download incomplete: got {done} of {total} bytes from {url}")


def _safe_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Dataset files by base name; refuses absolute paths and `..` anywhere in the archive."""
    members = {}
    for info in archive.infolist():
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
            raise FetchError(f"archive rejected: unsafe member path {info.filename!r}")
        if not info.is_dir() and len(path.parts) <= 2:
            members[path.name] = info
    return members


def _extract(zip_path: Path, into: Path) -> None:
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = _safe_members(archive)
            missing = [spec.name for spec in ALL_FILES if spec.required and spec.name not in members]
            if missing:
                raise FetchError(f"archive is missing {', '.join(missing)}")
            bad = archive.testzip()
            if bad is not None:
                raise FetchError(f"archive is corrupt: CRC check failed for {bad}")
            for spec in ALL_FILES:
                if spec.name in members:
                    with archive.open(members[spec.name]) as src, open(into / spec.name, "wb") as dst:
                        shutil.copyfileobj(src, dst)
            if "readme.txt" in members:
                with archive.open(members["readme.txt"]) as src, open(into / "readme.txt", "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile as exc:
        raise FetchError(f"download is not a valid zip archive ({exc}); try again") from None
    except (EOFError, OSError) as exc:
        raise FetchError(f"archive is truncated or unreadable ({exc}); try again") from None


def _check_plausible(directory: Path) -> None:
    try:
        data = load_dataset(directory)
    except CratedigError as exc:
        raise FetchError(f"downloaded data is invalid: {exc}") from None
    if data.n_listeners < MIN_LISTENERS or data.n_artists < MIN_ARTISTS or len(data.plays) < MIN_PLAYS:
        raise FetchError(f"downloaded data is implausibly small ({data.n_listeners} listeners, "
                         f"{data.n_artists} artists, {len(data.plays)} plays)")


def _swap_into_place(fresh: Path, dest: Path) -> None:
    """Replace `dest` by `fresh`; until the final rename, the previous copy stays in place."""
    if not dest.exists():
        os.replace(fresh, dest)
        return
    retired = dest.with_name(f".{dest.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    os.replace(dest, retired)
    try:
        os.replace(fresh, dest)
    except OSError:
        os.replace(retired, dest)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def fetch_dataset(dest: Path | None = None, url: str | None = None, timeout: float = 30.0,
                  progress: Callable[[DownloadProgress], None] | None = None,
                  cancel: threading.Event | None = None) -> Path:
    """Download the zip to a temp file, validate, extract to a temp dir, check it loads, then swap
    it into `dest`. On any failure nothing at `dest` changes."""
    dest = Path(dest) if dest is not None else default_data_dir()
    url = url or dataset_url()
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.fetch-", dir=dest.parent))
    try:
        zip_path = work / "download.zip"
        _download(url, zip_path, timeout, progress, cancel)
        extracted = work / "data"
        extracted.mkdir()
        _extract(zip_path, extracted)
        _check_plausible(extracted)
        _swap_into_place(extracted, dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest

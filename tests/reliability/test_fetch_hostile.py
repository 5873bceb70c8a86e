"""`cratedig fetch` against hostile servers and destinations, all on 127.0.0.1: endless streams,
trickles, garbage, zip bombs, bad URLs, destinations that are not ours to replace, and runs that
are stopped or killed."""
from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cratedig.engine.data.fetch import fetch_dataset
from cratedig.engine.errors import FetchError
from tests.reliability.conftest import assert_one_line_error


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("user_artists.dat", b"0" * (300 << 20))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb()


@pytest.fixture
def hostile(bomb):
    """A loopback server with a misbehaviour per path; every loop is bounded in time."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            path = self.path
            if path == "/garbage":
                self.wfile.write(b"\x00\xffNOT HTTP AT ALL\r\n\r\n" * 10)
                return
            if path == "/close":
                return  # closes without a word
            self.send_response(200)
            if path == "/huge-length":
                self.send_header("Content-Length", str(10 << 30))
                self.end_headers()
                return
            self.send_header("Content-Type", "application/zip")
            if path == "/bomb":
                self.send_header("Content-Length", str(len(bomb)))
                self.end_headers()
                self.wfile.write(bomb)
                return
            self.end_headers()
            deadline = time.monotonic() + 20
            try:
                while not stop.is_set() and time.monotonic() < deadline:
                    if path == "/endless":
                        self.wfile.write(b"\0" * 65536)
                    else:  # /trickle: one byte a (tenth of a) second, never finishing
                        self.wfile.write(b"P")
                        self.wfile.flush()
                        time.sleep(0.1)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    stop.set()
    httpd.shutdown()
    httpd.server_close()


def _untouched(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("route, kwargs, needle", [
    ("/endless", {"max_bytes": 1 << 20}, "more than the 1,048,576 bytes allowed"),
    ("/trickle", {"deadline": 1.0}, "not finished within the deadline"),
    ("/garbage", {}, "cannot reach"),
    ("/close", {}, "cannot reach"),
    ("/huge-length", {}, "more than the"),
    ("/bomb", {}, "zip bomb"),
])
def test_hostile_servers_fail_in_bounded_time_and_leave_nothing(hostile, tmp_path, route, kwargs, needle):
    start = time.monotonic()
    with pytest.raises(FetchError, match=needle):
        fetch_dataset(tmp_path / "data", url=hostile + route, timeout=5, **kwargs)
    assert time.monotonic() - start < 15
    assert _untouched(tmp_path) == []


@pytest.mark.parametrize("url, needle", [
    ("file:///dev/zero", "only http"), ("ftp://127.0.0.1/x.zip", "only http"), ("http://", "only http"),
    ("http://127.0.0.1/\x07bell", "control characters"), ("http://127.0.0.1/a b", "control characters"),
    ("javascript:alert(1)", "only http"),
])
def test_urls_that_are_not_plain_http_are_refused_before_anything_is_written(tmp_path, url, needle):
    with pytest.raises(FetchError, match=needle):
        fetch_dataset(tmp_path / "data", url=url)
    assert _untouched(tmp_path) == []


def test_fetch_never_deletes_a_folder_that_is_not_a_dataset(cli, hostile, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("work")
    code, _, err = cli("fetch", "--dest", work, "--url", hostile + "/bomb")
    assert_one_line_error(code, err, "not part of the dataset", "notes.txt")
    assert (work / "notes.txt").read_text() == "work"


def test_fetch_never_turns_a_file_into_the_dataset_folder(cli, hostile, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("mine")
    code, _, err = cli("fetch", "--dest", target, "--url", hostile + "/bomb")
    assert_one_line_error(code, err, "not a folder")
    assert target.read_text() == "mine"


def test_fetch_refuses_the_current_directory(cli, hostile, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("fetch", "--dest", ".", "--url", hostile + "/bomb")
    assert_one_line_error(code, err, "current directory")


def test_leftovers_of_a_killed_fetch_are_removed_by_the_next(hostile, tmp_path):
    dead = tmp_path / ".data.fetch-999999-abc"
    dead.mkdir()
    (dead / "download.zip").write_bytes(b"partial")
    live = tmp_path / f".data.fetch-{os.getppid()}-abc"
    live.mkdir()
    with pytest.raises(FetchError):
        fetch_dataset(tmp_path / "data", url=hostile + "/garbage")
    assert not dead.exists() and live.exists()


def test_sigterm_during_a_download_removes_the_temporary_folder(hostile, tmp_path):
    env = {**os.environ, "CRATEDIG_DATA_URL": hostile + "/trickle"}
    process = subprocess.Popen([sys.executable, "-m", "cratedig.cli.main", "fetch", "--dest", str(tmp_path / "data")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                               cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob(".data.fetch-*/download.zip")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(tmp_path.glob(".data.fetch-*")), "the download never started"
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    finally:
        process.kill()
    assert process.returncode == 128 + signal.SIGTERM
    assert _untouched(tmp_path) == []


def test_a_port_nobody_listens_on_is_a_one_line_error(cli, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, _, err = cli("fetch", "--dest", tmp_path / "data", "--url", f"http://127.0.0.1:{port}/x.zip",
                       "--timeout", "2")
    assert_one_line_error(code, err, "cannot reach")


def test_kill_9_during_a_download_leaves_no_dataset_and_the_next_fetch_sweeps_up(hostile, tmp_path):
    env = {**os.environ, "CRATEDIG_DATA_URL": hostile + "/trickle"}
    process = subprocess.Popen([sys.executable, "-m", "cratedig.cli.main", "fetch", "--dest", str(tmp_path / "data")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                               cwd=Path(__file__).resolve().parents[2])
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".data.fetch-*/download.zip")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()
    process.wait(20)
    assert not (tmp_path / "data").exists() and list(tmp_path.glob(".data.fetch-*"))
    with pytest.raises(FetchError):
        fetch_dataset(tmp_path / "data", url=hostile + "/garbage")
    assert _untouched(tmp_path) == []

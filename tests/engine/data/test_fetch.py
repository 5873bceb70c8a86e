"""`cratedig fetch` against a real HTTP server on 127.0.0.1 (no internet)."""
from __future__ import annotations

import io
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cratedig.engine.errors import FetchError
from cratedig.engine.data.fetch import fetch_dataset

STALL_SECONDS = 3


@pytest.fixture
def server():
    """Serves `routes[path] = bytes`; '/stall' sends half a file then goes quiet."""
    routes: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/stall":
                self.send_response(200)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(b"PK" + b"\0" * 1000)
                self.wfile.flush()
                time.sleep(STALL_SECONDS)
                return
            body = routes.get(self.path)
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield routes, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def zip_of(directory, prefix="", extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, prefix + path.name)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def real_zip(real_data_dir) -> bytes:
    return zip_of(real_data_dir)


def test_fetch_downloads_validates_and_installs(server, real_zip, tmp_path):
    routes, base = server
    routes["/hetrec.zip"] = real_zip
    seen = []
    dest = fetch_dataset(tmp_path / "data", url=f"{base}/hetrec.zip", progress=seen.append)
    assert (dest / "user_artists.dat").is_file() and (dest / "artists.dat").is_file()
    assert seen[-1].done_bytes == len(real_zip) == seen[-1].total_bytes
    assert [p.name for p in tmp_path.iterdir()] == ["data"]  # no temp dirs left behind


def test_fetch_accepts_files_inside_one_top_folder(server, real_zip, real_data_dir, tmp_path):
    routes, base = server
    routes["/nested.zip"] = zip_of(real_data_dir, prefix="hetrec2011-lastfm-2k/")
    dest = fetch_dataset(tmp_path / "data", url=f"{base}/nested.zip")
    assert (dest / "tags.dat").is_file()


def test_url_comes_from_environment_for_mirrors(server, real_zip, tmp_path, monkeypatch):
    routes, base = server
    routes["/mirror.zip"] = real_zip
    monkeypatch.setenv("CRATEDIG_DATA_URL", f"{base}/mirror.zip")
    assert (fetch_dataset(tmp_path / "data") / "artists.dat").is_file()


def _previous_copy(tmp_path):
    dest = tmp_path / "data"
    dest.mkdir()
    (dest / "readme.txt").write_text("previous good copy")
    return dest


@pytest.mark.parametrize("case, message", [
    ("truncated", "not a valid zip"),
    ("traversal", "unsafe member path"),
    ("missing", "HTTP 404"),
])
def test_bad_downloads_fail_cleanly_and_keep_the_previous_copy(server, real_zip, real_data_dir, tmp_path,
                                                               case, message):
    routes, base = server
    routes["/truncated.zip"] = real_zip[: len(real_zip) // 2]
    routes["/traversal.zip"] = zip_of(real_data_dir, extra={"../../evil.txt": b"x"})
    dest = _previous_copy(tmp_path)
    with pytest.raises(FetchError, match=message):
        fetch_dataset(dest, url=f"{base}/{case}.zip")
    assert (dest / "readme.txt").read_text() == "previous good copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_stalled_connection_times_out(server, tmp_path):
    _, base = server
    dest = _previous_copy(tmp_path)
    start = time.perf_counter()
    with pytest.raises(FetchError, match="stalled"):
        fetch_dataset(dest, url=f"{base}/stall", timeout=0.5)
    assert time.perf_counter() - start < STALL_SECONDS
    assert (dest / "readme.txt").exists()


def test_a_zip_missing_dataset_files_is_rejected(server, tmp_path):
    routes, base = server
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    routes["/empty.zip"] = buffer.getvalue()
    with pytest.raises(FetchError, match="missing artists.dat"):
        fetch_dataset(tmp_path / "data", url=f"{base}/empty.zip")
    assert not (tmp_path / "data").exists()


def test_cancelling_stops_the_download(server, real_zip, tmp_path):
    routes, base = server
    routes["/hetrec.zip"] = real_zip
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(FetchError, match="cancelled"):
        fetch_dataset(tmp_path / "data", url=f"{base}/hetrec.zip", cancel=cancel)
    assert not (tmp_path / "data").exists()


def test_cli_fetch_error_is_one_line_with_exit_code_2(server, tmp_path, capsys):
    from cratedig.cli.main import main

    _, base = server
    assert main(["fetch", "--dest", str(tmp_path / "d"), "--url", f"{base}/nothing.zip"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "HTTP 404" in err[0]

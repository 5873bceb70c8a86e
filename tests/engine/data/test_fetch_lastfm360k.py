"""`cratedig fetch --dataset lastfm-360k` against an HTTP server on 127.0.0.1: the tar.gz layout,
only the two data files unpacked, an interrupted download resumed with a range request."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cratedig.engine.data.loader import load_dataset

from cratedig.engine.data.types import LASTFM_360K
from cratedig.engine.data.fetch import fetch_dataset
from cratedig.engine.errors import FetchError
from tests.handmade import tar_gz_of, write_lastfm360k


@pytest.fixture
def server():
    """Serves `routes[path] = bytes`, honouring `Range: bytes=N-`; a path in `cut` sends only its
    first `cut[path]` bytes (then closes), once. `seen` records each request's Range header."""
    routes: dict[str, bytes] = {}
    cut: dict[str, int] = {}
    seen: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = routes.get(self.path)
            if body is None:
                self.send_error(404, "Not Found")
                return
            asked = self.headers.get("Range")
            seen.append(asked)
            start = int(asked.split("=")[1].rstrip("-")) if asked else 0
            if start >= len(body):
                self.send_error(416, "Range Not Satisfiable")
                return
            self.send_response(206 if asked else 200)
            self.send_header("Content-Length", str(len(body) - start))
            self.end_headers()
            limit = cut.pop(self.path, None)
            self.wfile.write(body[start:] if limit is None else body[start:limit])

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield routes, cut, seen, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> bytes:
    data = write_lastfm360k(tmp_path_factory.mktemp("src") / "data")
    return tar_gz_of(data, extra={"README.txt": b"Last.fm Dataset - 360K users\n", "mbox_sha1sum.py": b"print(1)\n"})


def test_only_the_two_data_files_are_unpacked_and_they_load(server, archive, tmp_path):
    routes, _, _, base = server
    routes["/lastfm-dataset-360K.tar.gz"] = archive
    dest = fetch_dataset(tmp_path / "360k", url=f"{base}/lastfm-dataset-360K.tar.gz", kind=LASTFM_360K)
    assert sorted(p.name for p in dest.iterdir()) == ["usersha1-artmbid-artname-plays.tsv", "usersha1-profile.tsv"]
    assert load_dataset(dest).n_listeners == 4
    assert [p.name for p in tmp_path.iterdir()] == ["360k"]  # no temporary or partial file left


def test_an_interrupted_download_is_resumed_from_where_it_stopped(server, archive, tmp_path):
    routes, cut, seen, base = server
    routes["/a.tar.gz"] = archive
    cut["/a.tar.gz"] = len(archive) // 2
    with pytest.raises(FetchError, match="download incomplete"):
        fetch_dataset(tmp_path / "360k", url=f"{base}/a.tar.gz", kind=LASTFM_360K)
    partial = tmp_path / ".360k.partial"
    assert partial.stat().st_size == len(archive) // 2 and not (tmp_path / "360k").exists()
    dest = fetch_dataset(tmp_path / "360k", url=f"{base}/a.tar.gz", kind=LASTFM_360K)
    assert seen == [None, f"bytes={len(archive) // 2}-"]
    assert load_dataset(dest).n_listeners == 4 and not partial.exists()


def test_a_corrupt_archive_is_refused_and_not_resumed(server, archive, tmp_path):
    routes, _, _seen, base = server
    routes["/bad.tar.gz"] = archive[:100] + b"\x00" * (len(archive) - 100)
    with pytest.raises(FetchError, match="archive|tar"):
        fetch_dataset(tmp_path / "360k", url=f"{base}/bad.tar.gz", kind=LASTFM_360K)
    assert not (tmp_path / ".360k.partial").exists() and not (tmp_path / "360k").exists()


def test_an_archive_without_the_plays_file_is_refused(server, tmp_path):
    routes, _, _, base = server
    source = tmp_path / "src"
    source.mkdir()
    (source / "usersha1-profile.tsv").write_text("x\tm\t20\tPoland\tJan 1, 2006\n")
    routes["/no-plays.tar.gz"] = tar_gz_of(source)
    with pytest.raises(FetchError, match="missing usersha1-artmbid-artname-plays.tsv"):
        fetch_dataset(tmp_path / "360k", url=f"{base}/no-plays.tar.gz", kind=LASTFM_360K)


def test_unsafe_member_paths_are_refused(server, archive, tmp_path):
    routes, _, _, base = server
    source = write_lastfm360k(tmp_path / "src")
    routes["/evil.tar.gz"] = tar_gz_of(source, prefix="../")
    with pytest.raises(FetchError, match="unsafe member path"):
        fetch_dataset(tmp_path / "360k", url=f"{base}/evil.tar.gz", kind=LASTFM_360K)
    assert not (tmp_path / "usersha1-profile.tsv").exists()


def test_a_download_larger_than_allowed_is_refused(server, archive, tmp_path):
    routes, _, _, base = server
    routes["/big.tar.gz"] = archive
    with pytest.raises(FetchError, match="more than the 100 allowed"):
        fetch_dataset(tmp_path / "360k", url=f"{base}/big.tar.gz", kind=LASTFM_360K, max_bytes=100)

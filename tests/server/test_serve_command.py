"""`cratedig serve` as a user starts it: a process of its own, on a cold model cache."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.api_load import free_port
from cratedig.engine.data.loader import load_dataset


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="reads /proc/PID/maps (Linux)")
def test_serve_on_a_cold_cache_trains_in_a_child_and_serves_without_tensorflow(small_data_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CRATEDIG_CACHE", str(cache))
    port = free_port()
    log = tmp_path / "serve.log"  # a file, not a pipe: training's progress output can never fill it and block
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "cratedig.cli.main", "--data", str(small_data_dir), "serve",
                                   "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=5) as response:
                    assert json.loads(response.read())["status"] == "ok"
                break
            except OSError:
                assert server.poll() is None, "the server stopped before answering"
                assert time.monotonic() < deadline, "the server did not answer within 300 s"
                time.sleep(0.5)
        listener = int(load_dataset(small_data_dir).listener_ids[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/recommendations?listener={listener}&k=3",
                                    timeout=30) as response:
            body = json.loads(response.read())
        assert body["ranked"] is True and len(body["suggestions"]) == 3
        trained = {path.name.split("-")[0] for path in (cache / "models").glob("*.npz")}
        assert {"mf", "retrieval", "ranking", "context"} <= trained
        mapped = Path(f"/proc/{server.pid}/maps").read_text()
        assert "tensorflow" not in mapped, "the serving process has TensorFlow loaded"
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "in a process of their own" in log.read_text()

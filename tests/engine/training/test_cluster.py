"""Training across machines: TF_CONFIG is checked before TensorFlow sees it; two workers on
127.0.0.1 train like one process with the same global batch, and only the chief writes; a missing
or killed peer is one line and exit code 2 in bounded time, with no cache file written."""
from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.data.split import holdout_split
from cratedig.engine.errors import UsageError
from cratedig.engine.training.cluster import Cluster, cluster_from_environment, parse_tf_config

REPO = Path(__file__).resolve().parents[3]
TWO = {"cluster": {"worker": ["127.0.0.1:2222", "127.0.0.1:2223"]}, "task": {"type": "worker", "index": 1}}


def test_a_well_formed_tf_config_names_the_task_and_its_chief():
    worker = parse_tf_config(json.dumps(TWO))
    assert (worker.task_type, worker.task_index, worker.size, worker.is_chief) == ("worker", 1, 2, False)
    assert parse_tf_config(json.dumps({**TWO, "task": {"type": "worker", "index": 0}})).is_chief
    with_chief = {"cluster": {"chief": ["10.0.0.1:1"], "worker": ["10.0.0.2:1"]}, "task": {"type": "chief"}}
    assert parse_tf_config(json.dumps(with_chief)).is_chief
    assert not parse_tf_config(json.dumps({**with_chief, "task": {"type": "worker", "index": 0}})).is_chief


@pytest.mark.parametrize("text, says", [
    ("{\"cluster\": ", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    (json.dumps({"task": TWO["task"]}), "\"cluster\" must be an object"),
    (json.dumps({**TWO, "cluster": {"worker": []}}), "non-empty list"),
    (json.dumps({**TWO, "cluster": {"ps": ["a:1"], "worker": ["b:1"]}}), "'ps' is not supported"),
    (json.dumps({**TWO, "cluster": {"worker": ["127.0.0.1"]}}), "cluster.worker[0] must be \"host:port\""),
    (json.dumps({**TWO, "cluster": {"worker": ["h:1", "h:70000"]}}), "port from 1 to 65535"),
    (json.dumps({**TWO, "cluster": {"worker": ["h:1", "h:1"]}}), "appears twice"),
    (json.dumps({**TWO, "task": "worker"}), "\"task\" must be an object"),
    (json.dumps({**TWO, "task": {"type": "evaluator", "index": 0}}), "task.type 'evaluator'"),
    (json.dumps({**TWO, "task": {"type": "worker", "index": 2}}), "from 0 to 1"),
    (json.dumps({**TWO, "task": {"type": "worker", "index": "1"}}), "from 0 to 1"),
])
def test_a_malformed_tf_config_says_what_is_wrong(text, says):
    with pytest.raises(UsageError) as error:
        parse_tf_config(text)
    assert says in str(error.value) and "\n" not in str(error.value)


def test_no_tf_config_is_one_process_and_a_bad_timeout_is_refused():
    assert cluster_from_environment({}) is None and cluster_from_environment({"TF_CONFIG": " "}) is None
    assert cluster_from_environment({"TF_CONFIG": json.dumps(TWO), "CRATEDIG_CLUSTER_TIMEOUT": "7"}).startup_timeout == 7
    for bad in ("soon", "0", "-3", "nan"):
        with pytest.raises(UsageError, match="CRATEDIG_CLUSTER_TIMEOUT"):
            cluster_from_environment({"TF_CONFIG": json.dumps(TWO), "CRATEDIG_CLUSTER_TIMEOUT": bad})


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _worker(args, index: int, ports: list[int], cache: Path, **env) -> subprocess.Popen:
    config = {"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]}, "task": {"type": "worker", "index": index}}
    environ = {**os.environ, "TF_CONFIG": json.dumps(config), "CRATEDIG_CACHE": str(cache), **env}
    return subprocess.Popen([sys.executable, "-m", "cratedig.cli.main", *map(str, args)], cwd=REPO, env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "models").glob("*.npz")) if (cache / "models").exists() else []


def test_malformed_tf_config_on_the_command_line_is_exit_2_before_any_work(small_data_dir, tmp_path):
    env = {**os.environ, "TF_CONFIG": "{\"cluster\": {\"worker\": [\"nohost\"]}, \"task\": {}}",
           "CRATEDIG_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "cratedig.cli.main", "train", "--data", str(small_data_dir)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["cratedig: error: TF_CONFIG: cluster.worker[0] must be "
                                                "\"host:port\", got 'nohost'"]
    assert not _cache_files(tmp_path / "cache")


def _recall_at_10(cache: Path, data_dir: Path, split) -> float:
    from cratedig.engine.evaluation.metrics import evaluated_listeners, measure
    from cratedig.engine.models.pipeline import recommend
    from cratedig.engine.models.query import listeners_query
    from cratedig.engine.training.cache import ModelCache
    from cratedig.engine.training.store import ModelStore

    data = load_dataset(data_dir)
    model = ModelStore(data, cache=ModelCache(cache)).cached("mf")
    assert model is not None, f"no usable mf in {cache}"
    query = listeners_query(data, evaluated_listeners(split))
    return measure(recommend(model, query, 10).artists, split, (10,))["recall@10"]


@pytest.mark.slow
def test_two_workers_train_like_one_process_and_only_the_chief_writes(small_data_dir, tmp_path):
    # The training part of a hold-out split as a dataset directory, so the cached models can be scored.
    data = load_dataset(small_data_dir)
    split = holdout_split(data, seed=5)
    train_dir = tmp_path / "train"
    shutil.copytree(small_data_dir, train_dir)
    plays = pd.read_csv(small_data_dir / "user_artists.dat", sep="\t")
    held = set(zip(data.listener_ids[split.test_listener].tolist(), data.artist_ids[split.test_artist].tolist()))
    keep = [(u, a) not in held for u, a in zip(plays.userID.tolist(), plays.artistID.tolist())]
    plays[keep].to_csv(train_dir / "user_artists.dat", sep="\t", index=False)
    train = load_dataset(train_dir)
    assert np.array_equal(train.artist_ids, data.artist_ids) and np.array_equal(train.listener_ids, data.listener_ids)

    ports = _free_ports(2)
    workers = [_worker(["train", "--models", "mf", "--data", train_dir], i, ports, tmp_path / f"worker{i}")
               for i in range(2)]
    try:
        outputs = [w.communicate(timeout=300) for w in workers]
    finally:
        for w in workers:
            w.kill()
    for w, (_, err) in zip(workers, outputs):
        assert w.returncode == 0, err[-3000:]
    assert "chief" in outputs[0][1] and "not the chief: nothing written" in outputs[1][1]
    assert [p.name.split("-")[0] for p in _cache_files(tmp_path / "worker0")] == ["mf"]
    assert _cache_files(tmp_path / "worker1") == []

    single = subprocess.run([sys.executable, "-m", "cratedig.cli.main", "train", "--models", "mf", "--data", str(train_dir)],
                            cwd=REPO, env={**os.environ, "CRATEDIG_CACHE": str(tmp_path / "single")},
                            capture_output=True, text=True, timeout=300)
    assert single.returncode == 0, single.stderr[-3000:]
    clustered = _recall_at_10(tmp_path / "worker0", train_dir, split)
    alone = _recall_at_10(tmp_path / "single", train_dir, split)
    print(f"Recall@10: two workers {clustered:.4f}, one process {alone:.4f}")
    assert alone > 0.05  # a model that learnt something, so the comparison means something
    assert abs(clustered - alone) <= 0.02 * alone


@pytest.mark.slow
def test_a_peer_that_never_comes_is_exit_2_in_bounded_time(small_data_dir, tmp_path):
    ports = _free_ports(2)
    start = time.monotonic()
    alone = _worker(["train", "--models", "mf", "--data", small_data_dir], 0, ports, tmp_path / "cache",
                    CRATEDIG_CLUSTER_TIMEOUT="3")
    _, err = alone.communicate(timeout=120)
    assert alone.returncode == 2, err[-3000:]
    assert time.monotonic() - start < 60
    last = err.strip().splitlines()[-1]
    assert last.startswith("cratedig: error: the cluster in TF_CONFIG did not come up within 3 s")
    assert f"127.0.0.1:{ports[1]}" in last and "Traceback" not in err
    assert _cache_files(tmp_path / "cache") == []


def _stderr_lines(process: subprocess.Popen) -> queue.Queue:
    """The process's stderr, line by line, read on a thread (so the test can wait for one line)."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _wait_for_line(lines: queue.Queue, needle: str, seconds: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"no line with {needle!r} within {seconds:g} s; stderr so far: {''.join(seen)[-2000:]}")


@pytest.mark.slow
def test_a_worker_killed_mid_training_stops_the_chief_with_exit_2_and_no_cache(small_data_dir, tmp_path):
    ports = _free_ports(2)
    # a short startup bound too, so even a slow machine cannot turn a kill during startup into a long wait
    workers = [_worker(["train", "--models", "ranking", "--data", small_data_dir], i, ports, tmp_path / f"w{i}",
                       CRATEDIG_CLUSTER_TIMEOUT="30") for i in range(2)]
    try:
        chief = _stderr_lines(workers[0])
        seen = _wait_for_line(chief, "tasks of the cluster joined: training", 180)
        time.sleep(2)  # into the first steps (mf, then the ranker: ~20 s in all here)
        assert workers[0].poll() is None, "the chief finished before the other worker was killed"
        workers[1].kill()
        killed = time.monotonic()
        workers[0].wait(timeout=120)
        elapsed = time.monotonic() - killed
        while (line := chief.get(timeout=10)) is not None:
            seen.append(line)
    finally:
        for w in workers:
            w.kill()
    err = "".join(seen)
    assert workers[0].returncode == 2, err[-3000:]
    assert elapsed < 60
    last = err.strip().splitlines()[-1]
    assert last.startswith("cratedig: error: "), err[-3000:]
    assert "Traceback" not in err
    assert _cache_files(tmp_path / "w0") == [] and _cache_files(tmp_path / "w1") == []


def test_cluster_describes_its_role():
    cluster = Cluster({"worker": ["a:1", "b:1", "c:1"]}, "worker", 2)
    assert cluster.describe() == "worker 2 of a 3-task cluster (not the chief: writes no cache)"

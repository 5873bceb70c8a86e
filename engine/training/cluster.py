"""Training across machines, TensorFlow's way: when the standard `TF_CONFIG` environment variable
describes a cluster, `cratedig train` runs under `tf.distribute.MultiWorkerMirroredStrategy`.

Every worker runs the same command on its own copy of the data; each global batch is split across
the workers (engine.models.keras.fit) and the gradients summed by the strategy's all-reduce. Only
the chief (the `chief` task, or worker 0 when there is none) writes the model cache, once every
model has trained; the others write nothing.

TF_CONFIG is checked here before TensorFlow sees it, so a malformed one is one line naming what is
wrong. The strategy waits at most `startup_timeout` seconds for its peers, and a peer that stops
answering during training is noticed by TensorFlow's health check within about
`PEER_CHECK_INTERVAL + PEER_CHECK_TIMEOUT * PEER_CHECK_RETRIES` seconds, which aborts the
collectives: both become ClusterError (exit code 2), never a hang."""
from __future__ import annotations

import importlib
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cratedig.engine.errors import ClusterError, UsageError

#: seconds every worker waits for the whole cluster to come up (CRATEDIG_CLUSTER_TIMEOUT overrides)
STARTUP_TIMEOUT = 120.0
PEER_CHECK_INTERVAL = 5
PEER_CHECK_TIMEOUT = 3
PEER_CHECK_RETRIES = 2
TASK_TYPES = ("chief", "worker")


@dataclass(frozen=True)
class Cluster:
    """The cluster TF_CONFIG describes, and which task this process is."""

    tasks: dict[str, list[str]]
    task_type: str
    task_index: int
    startup_timeout: float = STARTUP_TIMEOUT

    @property
    def size(self) -> int:
        return sum(len(addresses) for addresses in self.tasks.values())

    @property
    def is_chief(self) -> bool:
        """The one task that writes: `chief`, or worker 0 when the cluster names no chief."""
        if "chief" in self.tasks:
            return self.task_type == "chief"
        return self.task_type == "worker" and self.task_index == 0

    def describe(self) -> str:
        role = "chief" if self.is_chief else "not the chief: writes no cache"
        return f"{self.task_type} {self.task_index} of a {self.size}-task cluster ({role})"


def _address(value: Any, where: str) -> str:
    if not isinstance(value, str) or value.count(":") < 1:
        raise UsageError(f"TF_CONFIG: {where} must be \"host:port\", got {value!r}")
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"TF_CONFIG: {where} must be \"host:port\" with a port from 1 to 65535, got {value!r}")
    return value


def parse_tf_config(text: str, startup_timeout: float = STARTUP_TIMEOUT) -> Cluster:
    """A Cluster from TF_CONFIG's text, or UsageError naming what is wrong with it."""
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"TF_CONFIG is not valid JSON ({exc})") from None
    if not isinstance(config, dict):
        raise UsageError("TF_CONFIG must be a JSON object with \"cluster\" and \"task\"")
    cluster, task = config.get("cluster"), config.get("task")
    if not isinstance(cluster, dict) or not cluster:
        raise UsageError("TF_CONFIG: \"cluster\" must be an object such as {\"worker\": [\"host:port\", ...]}")
    tasks: dict[str, list[str]] = {}
    for kind, addresses in cluster.items():
        if kind not in TASK_TYPES:
            raise UsageError(f"TF_CONFIG: cluster task type {kind!r} is not supported here "
                             f"(MultiWorkerMirroredStrategy takes {' and '.join(TASK_TYPES)})")
        if not isinstance(addresses, list) or not addresses:
            raise UsageError(f"TF_CONFIG: cluster.{kind} must be a non-empty list of \"host:port\"")
        tasks[kind] = [_address(a, f"cluster.{kind}[{i}]") for i, a in enumerate(addresses)]
    if len(tasks.get("chief", [])) > 1:
        raise UsageError("TF_CONFIG: a cluster has at most one chief")
    every = [a for addresses in tasks.values() for a in addresses]
    if len(set(every)) != len(every):
        raise UsageError("TF_CONFIG: the same host:port appears twice in the cluster")
    if not isinstance(task, dict):
        raise UsageError("TF_CONFIG: \"task\" must be an object such as {\"type\": \"worker\", \"index\": 0}")
    kind, index = task.get("type"), task.get("index", 0)
    if kind not in tasks:
        raise UsageError(f"TF_CONFIG: task.type {kind!r} is not a task type of the cluster "
                         f"({', '.join(tasks)})")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(tasks[kind]):
        raise UsageError(f"TF_CONFIG: task.index must be a whole number from 0 to {len(tasks[kind]) - 1} "
                         f"for {kind}, got {index!r}")
    return Cluster(tasks, kind, index, startup_timeout)


def cluster_from_environment(environ: Mapping[str, str] | None = None) -> Cluster | None:
    """The cluster TF_CONFIG describes, None when it is unset or empty; UsageError when malformed."""
    environ = os.environ if environ is None else environ
    text = environ.get("TF_CONFIG", "").strip()
    if not text:
        return None
    timeout = environ.get("CRATEDIG_CLUSTER_TIMEOUT", "").strip()
    try:
        seconds = float(timeout) if timeout else STARTUP_TIMEOUT
    except ValueError:
        raise UsageError(f"CRATEDIG_CLUSTER_TIMEOUT must be a number of seconds, got {timeout!r}") from None
    if not 0 < seconds <= 86400:
        raise UsageError(f"CRATEDIG_CLUSTER_TIMEOUT must be more than 0 and at most 86400 seconds, got {timeout}")
    return parse_tf_config(text, seconds)


def wait_for_peers(cluster: Cluster) -> None:
    """Meet every peer before TensorFlow does: listen on this task's address and connect to each
    peer's until all answer, at most `cluster.startup_timeout` seconds (TensorFlow itself would
    wait for a missing peer forever, deaf to signals). ClusterError naming who did not come."""
    own = cluster.tasks[cluster.task_type][cluster.task_index]
    host, _, port = own.rpartition(":")
    try:
        listener = socket.create_server((host.strip("[]"), int(port)), backlog=64)
    except OSError as exc:
        raise ClusterError(f"TF_CONFIG: this task's address {own} cannot be listened on "
                           f"({exc.strerror or exc}): is it this machine, and is the port free?") from None
    pending = set(_peers(cluster))
    deadline = time.monotonic() + cluster.startup_timeout
    try:
        while pending and time.monotonic() < deadline:
            for peer in sorted(pending):
                peer_host, _, peer_port = peer.rpartition(":")
                try:
                    socket.create_connection((peer_host.strip("[]"), int(peer_port)), timeout=1).close()
                    pending.discard(peer)
                except OSError:
                    pass
            if pending:
                time.sleep(0.2)
    finally:
        listener.close()
    if pending:
        raise ClusterError(f"the cluster in TF_CONFIG did not come up within {cluster.startup_timeout:g} s: "
                           f"no answer from {', '.join(sorted(pending))} (is every worker started with the "
                           "same TF_CONFIG but its own task, and reachable?)")


def cluster_strategy(cluster: Cluster):
    """MultiWorkerMirroredStrategy for `cluster` (reads TF_CONFIG, as TensorFlow does), once every
    peer answers (`wait_for_peers`)."""
    wait_for_peers(cluster)
    # runtime first: it sets how TensorFlow is imported
    from cratedig.engine.models.keras.runtime import tf

    collective = importlib.import_module("tensorflow.python.distribute.collective_all_reduce_strategy")

    # The strategy's own health check: its first all-reduce waits for the cluster (no limit by
    # default), then every peer is probed every few seconds; a dead one aborts the collectives.
    extended = collective.CollectiveAllReduceExtended
    extended._check_health_initial_timeout = max(1, int(cluster.startup_timeout))
    extended._check_health_interval = PEER_CHECK_INTERVAL
    extended._check_health_timeout = PEER_CHECK_TIMEOUT
    extended._check_health_retry_limit = PEER_CHECK_RETRIES
    # A peer that vanishes between wait_for_peers and here would leave TensorFlow waiting for it
    # forever inside C++ code, where no exception or signal handler can reach: a last resort ends
    # the process (nothing has been written yet).
    late = (f"the cluster in TF_CONFIG did not come up within {cluster.startup_timeout:g} s (a peer stopped "
            "answering while TensorFlow started)")
    watchdog = threading.Timer(cluster.startup_timeout, _give_up, (late,))
    watchdog.daemon = True
    watchdog.start()
    try:
        return tf.distribute.MultiWorkerMirroredStrategy()
    except RuntimeError as exc:
        if "Timeout waiting for the cluster" in str(exc):
            raise ClusterError(f"the cluster in TF_CONFIG did not come up within {cluster.startup_timeout:g} s "
                               f"(is every worker started, and are {', '.join(_peers(cluster))} reachable?)"
                               ) from None
        raise ClusterError(f"cannot start {cluster.describe()}: {_first_line(exc)}") from None
    except (tf.errors.OpError, ValueError) as exc:
        raise ClusterError(f"cannot start {cluster.describe()}: {_first_line(exc)}") from None
    finally:
        watchdog.cancel()


def _give_up(message: str) -> None:
    sys.stderr.write(f"cratedig: error: {message}\n")
    sys.stderr.flush()
    os._exit(2)


def _peers(cluster: Cluster) -> list[str]:
    own = cluster.tasks[cluster.task_type][cluster.task_index]
    return [a for addresses in cluster.tasks.values() for a in addresses if a != own]


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def training_failure(exc: BaseException, cluster: Cluster) -> ClusterError:
    """What a TensorFlow error raised while training in a cluster means, in one line."""
    return ClusterError(f"training stopped: a peer of {cluster.describe()} failed or became unreachable "
                        f"({type(exc).__name__}); nothing was written to the cache")


def train_in_cluster(cluster: Cluster, train: Callable[[], Any]) -> Any:
    """`train()` under `cluster`'s strategy, a TensorFlow error (a peer down, collectives aborted)
    turned into one ClusterError line."""
    from cratedig.engine.models.keras.runtime import tf

    try:
        return train()
    except tf.errors.OpError as exc:
        raise training_failure(exc, cluster) from None

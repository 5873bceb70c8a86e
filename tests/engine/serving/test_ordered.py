"""Batches computed on a few threads come back in order, at most `workers` at a time, and an
error or an early stop ends the stream cleanly."""
from __future__ import annotations

import threading
import time

import pytest

from cratedig.engine.serving.ordered import ordered_map


def test_results_come_in_the_items_order_with_at_most_workers_in_flight():
    lock, running, most = threading.Lock(), [0], [0]

    def slow(item):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02 if item % 3 else 0.05)  # later items often finish first
        with lock:
            running[0] -= 1
        return item * 10

    assert list(ordered_map(slow, range(12), workers=2)) == [i * 10 for i in range(12)]
    assert most[0] == 2
    assert list(ordered_map(slow, range(5), workers=1)) == [0, 10, 20, 30, 40]


def test_an_error_in_a_batch_is_raised_in_order_after_the_batches_before_it():
    def fails_at_three(item):
        if item == 3:
            raise ValueError("batch 3")
        return item

    got = []
    with pytest.raises(ValueError, match="batch 3"):
        for value in ordered_map(fails_at_three, range(8), workers=2):
            got.append(value)
    assert got == [0, 1, 2]


def test_stopping_early_starts_no_more_batches():
    started = []

    def record(item):
        started.append(item)
        time.sleep(0.01)
        return item

    stream = ordered_map(record, range(100), workers=2)
    assert [next(stream), next(stream)] == [0, 1]
    stream.close()
    time.sleep(0.05)
    assert len(started) <= 4


def test_the_all_listeners_stream_on_threads_is_the_one_computed_serially(small_engine, monkeypatch):
    from cratedig.engine.serving import ordered

    threaded = list(small_engine.recommend_all_listeners(5, batch=16))
    monkeypatch.setattr(ordered, "WORKERS", 1)
    serial = list(small_engine.recommend_all_listeners(5, batch=16))
    assert len(threaded) == -(-small_engine.dataset.n_listeners // 16) > 2
    assert [b.listener_ids for b in threaded] == [b.listener_ids for b in serial]
    assert [b.artist_ids for b in threaded] == [b.artist_ids for b in serial]
    assert [b.scores for b in threaded] == [b.scores for b in serial]

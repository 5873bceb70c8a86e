"""A function over a stream of items on a few threads, results in the items' order.

NumPy, SciPy's sparse products and BLAS release the GIL for their heavy loops, so two batches of
listeners computed side by side use both cores of a two-core machine (the all-listeners export:
1.3x). At most `workers` items are in flight, so memory stays flat in the number of items."""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
#: threads for a stream of batches: two cores are what this machine (and CI) has
WORKERS = min(2, os.cpu_count() or 1)


def ordered_map(fn: Callable[[Item], Result], items: Iterable[Item], workers: int | None = None) -> Iterator[Result]:
    """fn(item) for each item on `workers` threads (default WORKERS), yielded in order; an
    exception raised by fn is raised here, and closing the iterator early cancels what has not
    started."""
    workers = WORKERS if workers is None else workers
    if workers <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="cratedig-batch") as pool:
        pending: deque = deque()
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) >= workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

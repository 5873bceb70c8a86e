"""Progress reported by long engine jobs through a plain callback; CLI and app draw their own bars."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class TrainProgress:
    model: str
    epoch: int
    epochs: int
    loss: float


@dataclass(frozen=True)
class DownloadProgress:
    done_bytes: int
    total_bytes: int | None


ProgressFn = Callable[[TrainProgress], None]

"""Where an output may go, with cratedig's own folders named (the files layer does not know them)."""
from __future__ import annotations

from pathlib import Path

from cratedig.engine import files
from cratedig.engine.paths import own_folders


def output_target(name: str) -> Path | None:
    """files.output_target with cratedig's state and cache folders refused."""
    return files.output_target(name, own_folders())

"""Hyperparameters chosen on the validation split by `python -m bench.tune --write` (never on the
test split), kept in tuned.json beside this file. A model's defaults are its class's `defaults`
updated by these; `tuned.json` also records the split and the search that chose them."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

TUNED_FILE = "tuned.json"


def tuned_path() -> Path:
    return Path(str(resources.files(__package__).joinpath(TUNED_FILE)))


@cache
def tuned_values() -> dict[str, dict[str, Any]]:
    """{model name: {param: value}}; empty when the file is missing (a checkout before tuning)."""
    try:
        payload = json.loads(tuned_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {name: dict(values) for name, values in payload.get("chosen", {}).items()}

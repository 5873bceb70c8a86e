"""What a front end asks before there is an Engine: where the data is, which pipeline answers for
a model, whether a number of seeds is acceptable. Cheap checks, made before any work."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cratedig.engine.data import synthetic
from cratedig.engine.data.types import KINDS
from cratedig.engine.data.lastfm360k import PLAYS_FILE
from cratedig.engine.errors import SettingError
from cratedig.engine.models.registry import DEFAULT_RANKER, DEFAULT_RETRIEVER, MODELS, RANKERS, check_model
from cratedig.engine.paths import resolve_data_dir

MAX_LIKED = 200
MAX_SEEDS = 20
MODEL_NAMES = tuple(MODELS)


def locate_data(data: str | Path | None = None, demo: bool = False, kind: str | None = None) -> Path:
    """The dataset directory: the demo data (made on first use), else `data`, else $CRATEDIG_DATA,
    else the user data dir (of `kind`, when given)."""
    return synthetic.ensure_demo_data() if demo else resolve_data_dir(data, check_kind(kind))


def check_kind(kind: str | None) -> str | None:
    """`kind` if it is a dataset kind cratedig reads (or None: told from the files)."""
    if kind is not None and kind not in KINDS:
        raise SettingError("dataset", "{setting} must be one of {kinds}, got {value!r}", kinds=", ".join(KINDS), value=kind)
    return kind


def dataset_present(directory: Path) -> bool:
    """Whether `directory` looks like it holds a dataset (cheap: no loading)."""
    return any((Path(directory) / name).is_file() for name in ("user_artists.dat", PLAYS_FILE))


def check_seeds(seeds: int) -> int:
    """`seeds` if it is a whole number from 1 to MAX_SEEDS, else a UsageError saying so."""
    if not 1 <= seeds <= MAX_SEEDS:
        raise SettingError("seeds", "{setting} must be between 1 and {most}, got {value}", most=MAX_SEEDS, value=seeds)
    return seeds


@dataclass(frozen=True)
class Stages:
    """Which model retrieves and which (if any) re-ranks."""

    retriever: str
    ranker: str | None


def stages_for(model: str | None = None, retriever: str | None = None) -> Stages:
    """The pipeline that answers for `model` (default: the default ranker): a ranker on
    `retriever`'s candidates (default retriever when None), or a retriever alone."""
    model = check_model(model or DEFAULT_RANKER)
    if model in RANKERS:
        return Stages(check_model(retriever or DEFAULT_RETRIEVER, "retriever"), model)
    if retriever:
        raise SettingError("retriever", "{setting} only goes with a ranking model ({rankers})",
                           rankers=" or ".join(RANKERS))
    return Stages(check_model(model, "retriever"), None)

"""Model names -> classes. The only place that lists them."""
from __future__ import annotations

from engine.errors import UsageError
from engine.models import MODEL_NAMES
from engine.models.base import Recommender
from engine.models.baselines import ItemKNN, MostPopular
from engine.models.context import ContextModel
from engine.models.mf import MatrixFactorizationModel
from engine.models.ranking import RankingModel
from engine.models.retrieval import TwoTowerModel

MODELS: dict[str, type[Recommender]] = {
    cls.name: cls for cls in (MatrixFactorizationModel, TwoTowerModel, RankingModel, ContextModel)
}
assert tuple(MODELS) == MODEL_NAMES, "engine.models.MODEL_NAMES is out of date"
BASELINES: dict[str, type[Recommender]] = {cls.name: cls for cls in (MostPopular, ItemKNN)}
RETRIEVERS = tuple(name for name, cls in MODELS.items() if cls.stage == "retrieval")
DEFAULT_RETRIEVER = "mf"


def parse_model_names(text: str | None) -> list[str]:
    """'mf,retrieval' -> ['mf', 'retrieval']; all four for None/'all'; UsageError for unknown names."""
    if text is None or text.strip() in ("", "all"):
        return list(MODELS)
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in MODELS]
    if unknown or not names:
        raise UsageError(f"unknown model name(s) {', '.join(unknown) or repr(text)}; "
                         f"choose from {', '.join(MODELS)}")
    return list(dict.fromkeys(names))

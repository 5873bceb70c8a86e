"""Model names -> classes, and which role each plays. The only place that names a model."""
from __future__ import annotations

from cratedig.engine.errors import UsageError
from cratedig.engine.models.base import Ranker, Recommender, Retriever
from cratedig.engine.models.baselines import Ease, ItemKNN, MostPopular, RP3Beta
from cratedig.engine.models.context import ContextModel
from cratedig.engine.models.graph_filter import GraphFilter
from cratedig.engine.models.mf import MatrixFactorizationModel
from cratedig.engine.models.ranking.model import RankingModel
from cratedig.engine.models.retrieval import TwoTowerModel

#: the four models, in display order
MODELS: dict[str, type[Recommender]] = {
    cls.name: cls for cls in (MatrixFactorizationModel, TwoTowerModel, RankingModel, ContextModel)
}
#: what every model must beat; fitted when asked for (seconds at most), never cached
BASELINES: dict[str, type[Recommender]] = {cls.name: cls for cls in (MostPopular, ItemKNN, Ease, RP3Beta, GraphFilter)}
RETRIEVERS = tuple(name for name, cls in MODELS.items() if issubclass(cls, Retriever))
RANKERS = tuple(name for name, cls in MODELS.items() if issubclass(cls, Ranker))
DEFAULT_RETRIEVER = "mf"
DEFAULT_RANKER = RANKERS[0]


def model_class(name: str) -> type[Recommender]:
    """The class of a model or baseline by name."""
    return {**MODELS, **BASELINES}[name]


def check_model(name: str, role: str = "model") -> str:
    """`name` if it is one of the four models (role "model") or a retriever (role "retriever"),
    else a UsageError listing the choices."""
    choices = MODELS if role == "model" else RETRIEVERS
    if name not in choices:
        what = f"unknown model {name!r}" if name not in MODELS else f"{name!r} cannot retrieve"
        raise UsageError(f"{what}; choose from {', '.join(choices)}")
    return name


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

"""What the conversation answers: one small dataclass per kind of reply. Front ends render each
kind their own way; `text` is always a plain sentence (data, never markup)."""
from __future__ import annotations

from dataclasses import dataclass, field

from cratedig.engine.api import EvaluationReport, Neighbours, Recommendations


@dataclass(frozen=True)
class Reply:
    text: str
    #: whether who we recommend for (or what they like) changed: the front end redraws its state
    state_changed: bool = False
    #: False when the prompt could not be answered (an error, or words not understood)
    answered: bool = True
    #: artists the prompt named that matched (confidently), names that matched none, and the
    #: "did you mean" choices offered for those ({name: [ArtistHit]})
    matched: tuple = field(default=(), kw_only=True)
    unknown: tuple = field(default=(), kw_only=True)
    did_you_mean: dict = field(default_factory=dict, kw_only=True)

    @property
    def kind(self) -> str:
        """"suggestions", "error", "help"...: the class's name, for front ends that label replies."""
        return type(self).__name__.removesuffix("Reply").lower()


@dataclass(frozen=True)
class TextReply(Reply):
    pass


@dataclass(frozen=True)
class HelpReply(Reply):
    pass


@dataclass(frozen=True)
class ErrorReply(Reply):
    answered: bool = False


@dataclass(frozen=True)
class SuggestionsReply(Reply):
    recommendations: Recommendations = field(kw_only=True)


@dataclass(frozen=True)
class NeighboursReply(Reply):
    neighbours: Neighbours = field(kw_only=True)


@dataclass(frozen=True)
class CopyReply(Reply):
    #: what the front end puts on the clipboard
    clipboard: str = field(kw_only=True)


@dataclass(frozen=True)
class EvaluationReply(Reply):
    report: EvaluationReport = field(kw_only=True)

"""A small, predictable parser from plain words to the engine's actions (no language model).

Each form is a regular expression; the first that matches wins. Artist names inside are left as
text for the caller to resolve with fuzzy search."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_PROMPT_CHARS = 500


@dataclass(frozen=True)
class Intent:
    action: str  # like, dislike, more_like, listener, genre_listener, neighbours, why, eval, recommend, reset, help, unknown
    artists: list[str] = field(default_factory=list)
    excluded_genres: list[str] = field(default_factory=list)
    listener: int | None = None
    genre: str | None = None
    text: str = ""


EXAMPLES = (
    "I like Björk and Sigur Rós",
    "I don't like Coldplay",
    "more like Muse but not rock",
    "be listener 2",
    "a listener who likes post-rock",
    "who is close to Adele",
    "why Radiohead?",
    "how good are the models?",
    "recommend",
    "reset",
)

_SPLIT = re.compile(r"\s*(?:,|;|\+|\bplus\b)\s*", re.IGNORECASE)
_AND = re.compile(r"\s+(?:and|&|n)\s+", re.IGNORECASE)
_TRAILING = re.compile(r"[\s.!?]+$")


def split_artists(text: str) -> list[str]:
    """'Björk, Sigur Rós and Muse' -> ['Björk', 'Sigur Rós and Muse']: split on commas only; a
    part joined by 'and' is split by `and_alternatives` when it is not itself an artist."""
    parts = [p.strip(" '\"") for p in _SPLIT.split(_TRAILING.sub("", text))]
    return [p for p in parts if p]


def and_alternatives(phrase: str) -> list[str]:
    """'Sigur Rós and Muse' -> ['Sigur Rós', 'Muse'] (empty when there is no 'and' to split)."""
    parts = [p.strip(" '\"") for p in _AND.split(phrase)]
    return [p for p in parts if p] if len(parts) > 1 else []


_FORMS: list[tuple[str, re.Pattern]] = [
    ("help", re.compile(r"^(help|\?|what can (you|i) (do|say)|commands)$", re.I)),
    ("reset", re.compile(r"^(reset|clear|start over|forget (it|everything))$", re.I)),
    ("eval", re.compile(r"^(how good are (the )?models|(model )?(sanity )?checks?|eval(uate|uation)?|"
                        r"are the models (any )?good|show (the )?(eval(uation)?|metrics))$", re.I)),
    ("listener", re.compile(r"^(?:be|pick|use|switch to|as)?\s*(?:listener|user)\s*#?\s*(?P<id>\d+)$", re.I)),
    ("genre_listener", re.compile(r"^(?:be |simulate )?(?:a|an|some) (?:listener|user|fan|person|someone)"
                                  r" (?:who )?(?:likes?|loves?|into|of)\s+(?P<genre>.+)$", re.I)),
    ("neighbours", re.compile(r"^(?:who(?:'s| is| are)? (?:close|similar|near) to|similar to|"
                              r"neighbou?rs? of|artists like|near)\s+(?P<artist>.+)$", re.I)),
    ("why", re.compile(r"^why\s+(?:is\s+|did you suggest\s+|recommend\s+)?(?P<artist>.+)$", re.I)),
    ("more_like", re.compile(r"^(?:more|something|anything|music|stuff) like\s+(?P<artist>.+?)"
                             r"(?:\s*,?\s+but\s+(?:not|no)\s+(?P<genres>.+))?$", re.I)),
    ("dislike", re.compile(r"^(?:i\s+)?(?:don'?t|do not|dont|never) (?:like|want|play)\s+(?P<artists>.+)$|"
                           r"^(?:i\s+)?(?:dislike|hate|not|no more|no|skip|ban)\s+(?P<artists2>.+)$", re.I)),
    ("like", re.compile(r"^(?:i\s+)?(?:really\s+)?(?:like|love|enjoy|dig|play|listen to|am into|'m into)"
                        r"\s+(?P<artists>.+)$|^(?:add|plus)\s+(?P<artists2>.+)$", re.I)),
    ("recommend", re.compile(r"^(recommend|suggest|more|go|suggestions|what should i (listen to|play)"
                             r"( next)?|anything else|refresh)$", re.I)),
]


def parse(prompt: str) -> Intent:
    """The first form that matches the prompt, or an `unknown` intent."""
    text = "".join(ch for ch in prompt if ch.isprintable())[:MAX_PROMPT_CHARS]
    text = " ".join(_TRAILING.sub("", text.strip()).split())
    if not text:
        return Intent("unknown", text=text)
    for action, pattern in _FORMS:
        match = pattern.match(text)
        if not match:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v}
        if action == "listener":
            return Intent(action, listener=int(groups["id"]), text=text)
        if action == "genre_listener":
            return Intent(action, genre=groups["genre"].strip().lower(), text=text)
        if action in ("neighbours", "why"):
            return Intent(action, artists=[groups["artist"].strip(" '\"")], text=text)
        if action == "more_like":
            excluded = split_artists(groups.get("genres", "")) if groups.get("genres") else []
            return Intent(action, artists=split_artists(groups["artist"]),
                          excluded_genres=[g.lower() for g in excluded], text=text)
        if action in ("like", "dislike"):
            return Intent(action, artists=split_artists(groups.get("artists") or groups.get("artists2", "")),
                          text=text)
        return Intent(action, text=text)
    return Intent("unknown", text=text)

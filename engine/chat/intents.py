"""A small, predictable parser from plain words to typed intents (no language model).

Each form is a regular expression; the first that matches wins. Artist names inside are left as
text for the engine to resolve with fuzzy search."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

MAX_PROMPT_CHARS = 500


class Intent:
    """What a prompt asks for; one small dataclass per kind below."""


@dataclass(frozen=True)
class Like(Intent):
    artists: list[str]
    #: what the same sentence said no to ("I like Björk but not Coldplay", "I like Muse, no metal"):
    #: artists or genres, the conversation tells which
    unwanted: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Dislike(Intent):
    artists: list[str]


@dataclass(frozen=True)
class MoreLike(Intent):
    artists: list[str]
    unwanted: list[str] = field(default_factory=list)  # artists or genres


@dataclass(frozen=True)
class ShowK(Intent):
    k: int


@dataclass(frozen=True)
class Popularity(Intent):
    level: int  # -1 less mainstream, 0 anything, +1 more popular


@dataclass(frozen=True)
class OnlyGenre(Intent):
    genres: list[str]


@dataclass(frozen=True)
class Save(Intent):
    path: str | None = None  # None: a default name in the default folder


@dataclass(frozen=True)
class Copy(Intent):
    pass


@dataclass(frozen=True)
class BeListener(Intent):
    listener_id: int | str  # a HetRec number, or (a prefix of) a Last.fm-360K SHA-1


@dataclass(frozen=True)
class ImportHistory(Intent):
    path: str
    name: str = "me"


@dataclass(frozen=True)
class UseHistory(Intent):
    name: str  # a saved history ("me" unless another name was given)


@dataclass(frozen=True)
class Unmatched(Intent):
    pass


@dataclass(frozen=True)
class Choose(Intent):
    number: int  # 1-based: which of the "did you mean" choices


@dataclass(frozen=True)
class GenreListener(Intent):
    genre: str


@dataclass(frozen=True)
class NeighboursOf(Intent):
    artist: str


@dataclass(frozen=True)
class Why(Intent):
    artist: str


@dataclass(frozen=True)
class Evaluate(Intent):
    pass


@dataclass(frozen=True)
class Recommend(Intent):
    pass


@dataclass(frozen=True)
class Reset(Intent):
    pass


@dataclass(frozen=True)
class Help(Intent):
    pass


@dataclass(frozen=True)
class Unknown(Intent):
    text: str


EXAMPLES = (
    "import ~/Downloads/my_spotify_data.zip",
    "be me",
    "what didn't match?",
    "I like Björk and Sigur Rós",
    "I like Björk but not Coldplay",
    "I don't like Coldplay",
    "more like Muse but not rock",
    "not metal",
    "only electronic",
    "something less mainstream",
    "show me 20",
    "save these as picks.md",
    "copy",
    "be listener 2",
    "a listener who likes post-rock",
    "who is close to Adele",
    "why Radiohead?",
    "how good are the models?",
    "recommend",
    "reset",
)



def help_text() -> str:
    """What the prompt understands, as plain lines (the front ends add their own keys)."""
    return "\n".join(["I understand plain requests like:"] + [f"  • {e}" for e in EXAMPLES])


_SPLIT = re.compile(r"\s*(?:,|;|\+|\bplus\b)\s*", re.IGNORECASE)
_TRAILING = re.compile(r"[\s.!?]+$")


def split_artists(text: str) -> list[str]:
    """'Björk, Sigur Rós and Muse' -> ['Björk', 'Sigur Rós and Muse']: split on commas only; the
    engine splits a part joined by 'and' when it is not itself an artist."""
    parts = [p.strip(" '\"") for p in _SPLIT.split(_TRAILING.sub("", text))]
    return [p for p in parts if p]


def _artist(groups: dict) -> str:
    return groups["artist"].strip(" '\"")


def _artists(groups: dict) -> list[str]:
    return split_artists(groups.get("artists") or groups.get("artists2", ""))


#: where a sentence turns from what is wanted to what is not: "X but not Y", "X, no Y", "X except Y"
_BUT_NOT = re.compile(r"(?:\s*,\s*|\s+)(?:but\s+)?(?:not|no|except|without)\s+", re.IGNORECASE)


def _like(groups: dict) -> Like:
    wanted, unwanted = _split_but_not(groups.get("artists") or groups.get("artists2", ""))
    return Like(split_artists(wanted), split_artists(unwanted))


def _split_but_not(text: str) -> tuple[str, str]:
    parts = _BUT_NOT.split(text, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (text, "")


def _save_path(groups: dict) -> str | None:
    """A file name only when it looks like one ("picks.csv", "~/x/", "out.txt": an unknown extension
    is answered, never replaced by the default); "a playlist" is not."""
    path = (groups.get("path") or "").strip(" '\"")
    return path if path and ("/" in path or re.search(r"\.\w{1,12}$", path)) else None


_FORMS: list[tuple[re.Pattern, Callable[[dict], Intent]]] = [
    (re.compile(r"^(help|\?|what can (you|i) (do|say)|commands)$", re.I), lambda g: Help()),
    (re.compile(r"^(?:(?P<n>[1-9])|yes|y|yeah|yep|ok|sure)$", re.I), lambda g: Choose(int(g.get("n", 1)))),
    (re.compile(r"^(reset|clear|start over|new|new session|start again|forget (it|everything))$", re.I),
     lambda g: Reset()),
    (re.compile(r"^(?:show|give|list)(?: me)? (?P<k>\d{1,6})(?: (?:more|suggestions|artists|results))?$|"
                r"^top (?P<k2>\d{1,6})$", re.I), lambda g: ShowK(int(g.get("k") or g["k2"]))),
    (re.compile(r"^(?:something |anything |music |stuff |more )?(?:less mainstream|less popular|more obscure|"
                r"more underground|obscure|underground|deeper cuts)$", re.I), lambda g: Popularity(-1)),
    (re.compile(r"^(?:something |anything |music |stuff )?(?:more popular|more mainstream|popular|mainstream|"
                r"the hits|hits)$", re.I), lambda g: Popularity(1)),
    (re.compile(r"^(?:any popularity|anything|whatever|any)$", re.I), lambda g: Popularity(0)),
    (re.compile(r"^(?:only|just) (?P<genres>.+)$", re.I), lambda g: OnlyGenre(split_artists(g["genres"]))),
    (re.compile(r"^(?:save|export|keep)(?: (?:these|them|this|it|the suggestions|suggestions))?"
                r"(?: (?:as|to|in|into) (?P<path>.+))?$", re.I), lambda g: Save(_save_path(g))),
    (re.compile(r"^copy(?: (?:these|them|this|it|the suggestions|suggestions))?(?: to (?:the )?clipboard)?$", re.I),
     lambda g: Copy()),
    (re.compile(r"^(how good are (the )?models|(model )?(sanity )?checks?|eval(uate|uation)?|"
                r"are the models (any )?good|show (the )?(eval(uation)?|metrics))$", re.I), lambda g: Evaluate()),
    (re.compile(r"^(?:be|pick|use|switch to|as)?\s*(?:listener|user)\s*#?\s*(?P<id>\d+|[0-9a-f]{4,40})…?$", re.I),
     lambda g: BeListener(int(g["id"]) if g["id"].isdigit() else g["id"].lower())),
    (re.compile(r"^import\s+(?P<path>.+?)(?:\s+as\s+(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]{0,63}))?$", re.I),
     lambda g: ImportHistory(g["path"].strip(" '\""), g.get("name", "me"))),
    (re.compile(r"^(?:be me|use my (?:history|listening|scrobbles|plays)|(?:recommend )?from my history|"
                r"my history)$", re.I), lambda g: UseHistory("me")),
    (re.compile(r"^(?:what|which)(?: artists| names)? (?:didn'?t|did not|couldn'?t|could not) (?:match|"
                r"you (?:find|match))$|^unmatched$", re.I), lambda g: Unmatched()),
    (re.compile(r"^(?:be|use) (?P<name>[A-Za-z0-9][A-Za-z0-9_.-]{0,63})(?:'s)?(?: history)?$", re.I),
     lambda g: UseHistory(g["name"])),
    (re.compile(r"^(?:be |simulate )?(?:a|an|some) (?:listener|user|fan|person|someone)"
                r" (?:who )?(?:likes?|loves?|into|of)\s+(?P<genre>.+)$", re.I),
     lambda g: GenreListener(g["genre"].strip().lower())),
    (re.compile(r"^(?:who(?:'s| is| are)? (?:close|similar|near) to|similar to|"
                r"neighbou?rs? of|artists like|near)\s+(?P<artist>.+)$", re.I), lambda g: NeighboursOf(_artist(g))),
    (re.compile(r"^why\s+(?:is\s+|did you suggest\s+|recommend\s+)?(?P<artist>.+)$", re.I), lambda g: Why(_artist(g))),
    (re.compile(r"^(?:more|something|anything|music|stuff) like\s+(?P<artist>.+?)"
                r"(?:\s*,?\s+but\s+(?:not|no)\s+(?P<genres>.+))?$", re.I),
     lambda g: MoreLike(split_artists(g["artist"]), split_artists(g.get("genres", "")))),
    (re.compile(r"^(?:i\s+)?(?:don'?t|do not|dont|never) (?:like|want|play)\s+(?P<artists>.+)$|"
                r"^(?:i\s+)?(?:dislike|hate|not|no more|no|skip|ban)\s+(?P<artists2>.+)$", re.I),
     lambda g: Dislike(_artists(g))),
    (re.compile(r"^(?:i\s+)?(?:really\s+)?(?:like|love|enjoy|dig|play|listen to|am into|'m into)"
                r"\s+(?P<artists>.+)$|^(?:add|plus)\s+(?P<artists2>.+)$", re.I), _like),
    (re.compile(r"^(recommend|suggest|more|go|suggestions|what should i (listen to|play)"
                r"( next)?|anything else|refresh)$", re.I), lambda g: Recommend()),
]


def clean(prompt: str) -> str:
    """The prompt as the parser reads it: printable characters only, at most MAX_PROMPT_CHARS,
    spaces collapsed, trailing punctuation dropped."""
    text = "".join(ch for ch in prompt if ch.isprintable())[:MAX_PROMPT_CHARS]
    return " ".join(_TRAILING.sub("", text.strip()).split())


def parse(prompt: str) -> Intent:
    """The first form that matches the prompt, or `Unknown`."""
    text = clean(prompt)
    if text:
        for pattern, build in _FORMS:
            match = pattern.match(text)
            if match:
                return build({k: v for k, v in match.groupdict().items() if v})
    return Unknown(text)

"""Who the conversation recommends for, and how: a real listener or liked artists, what is left
out or kept to, popularity, retriever and k. Saved with the session by Last.FM ids."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from cratedig.engine.api import DEFAULT_RETRIEVER, Engine, saved_histories, short_id

POPULARITY_WORDS = {-1: "leaning towards less mainstream artists", 0: "any popularity",
                    1: "leaning towards more popular artists"}


@dataclass(frozen=True)
class LikedArtist:
    artist_id: int  # Last.FM id
    name: str


@dataclass(frozen=True)
class ConversationState:
    """Who we recommend for: a real listener, or a simulated one from liked artists."""

    listener_id: int | str | None = None
    liked: tuple[LikedArtist, ...] = ()
    disliked: tuple[LikedArtist, ...] = ()
    excluded_genres: tuple[str, ...] = ()
    only_genres: tuple[str, ...] = ()
    popularity: int = 0  # -1 less mainstream, 0 as ranked, +1 more popular
    retriever: str = DEFAULT_RETRIEVER
    k: int = 10
    history: str | None = None  # a saved listening history recommended from
    history_summary: str = ""  # "me: 412 of 450 artists matched (97 % of plays)"

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, payload: dict, engine: Engine) -> "ConversationState":
        """A state saved by `as_dict`, checked against `engine`'s data: unknown listeners or artists,
        retrievers or values are dropped (to the defaults)."""
        def artists(key: str) -> tuple[LikedArtist, ...]:
            found = []
            for item in payload.get(key, []):
                hit = engine.resolve_artist(int(item["artist_id"]))
                if hit is not None:
                    found.append(LikedArtist(hit.artist_id, hit.name))
            return tuple(found)

        history = payload.get("history")
        history = history if isinstance(history, str) and history in saved_histories() else None
        listener = payload.get("listener_id")
        index = engine.dataset.listener_index(listener) if isinstance(listener, (int, str)) else None
        popularity = int(payload.get("popularity", 0))
        k = int(payload.get("k", 10))
        return cls(listener_id=None if index is None else engine.dataset.listener_id(index),
                   liked=artists("liked"), disliked=artists("disliked"),
                   excluded_genres=tuple(str(g) for g in payload.get("excluded_genres", [])),
                   only_genres=tuple(str(g) for g in payload.get("only_genres", [])),
                   popularity=popularity if popularity in (-1, 0, 1) else 0,
                   retriever=payload.get("retriever") if payload.get("retriever") in engine.retrievers
                   else DEFAULT_RETRIEVER, k=k if 1 <= k <= 1000 else 10,
                   history=history, history_summary=str(payload.get("history_summary", ""))[:200] if history else "")

    @property
    def who(self) -> str:
        if self.listener_id is not None:
            return f"listener {short_id(self.listener_id)}"
        if self.history is not None:
            return self.history_summary or f"history {self.history}"
        if self.liked:
            return "a listener who likes " + ", ".join(a.name for a in self.liked[:4]) + (
                "…" if len(self.liked) > 4 else "")
        return "nobody yet"

"""The typed results the facade returns to the front ends. Artists and listeners are named by
their Last.FM ids, never by the engine's internal indices."""
from __future__ import annotations

from dataclasses import dataclass, field


def short_id(listener_id: int | str) -> str:
    """A listener id as shown: a HetRec number whole, a Last.fm-360K SHA-1 as its first 8 characters
    and an ellipsis (any unique prefix is accepted back)."""
    text = str(listener_id)
    return text[:8] + "…" if isinstance(listener_id, str) and len(text) > 12 else text


@dataclass(frozen=True)
class ArtistHit:
    """An artist a name or id resolved to; `score` is the search score (0..100, plus at most 1 for
    popularity; 100 for an id)."""

    artist_id: int
    name: str
    score: float
    url: str = ""  # the artist's Last.fm page
    mbid: str = ""  # its MusicBrainz id, where the data has one


@dataclass(frozen=True)
class Steering:
    """What the listener asked of the suggestions beyond who they are: artists (Last.FM ids) and
    genre families to leave out, genre families to keep to (none: any), and popularity (-1 less
    mainstream, 0 as ranked, +1 more popular)."""

    artist_ids: tuple[int, ...] = ()
    genres: tuple[str, ...] = ()
    only_genres: tuple[str, ...] = ()
    popularity: int = 0


@dataclass(frozen=True)
class Suggestion:
    artist_id: int
    name: str
    genre: str
    retrieval_score: float
    ranking_score: float | None
    rank_before: int  # 1-based position in the retrieval order
    rank_after: int  # 1-based position after ranking
    model_scores: dict[str, float]
    reason: str
    because_artist_id: int | None
    url: str = ""  # the artist's Last.fm page
    mbid: str = ""  # the artist's MusicBrainz id, where the data has one (Last.fm-360K)

    @property
    def movement(self) -> int:
        """Places gained by ranking (positive: moved up)."""
        return self.rank_before - self.rank_after

    def as_json(self) -> dict:
        """The one JSON shape of a suggestion, in `ask`, `recommend`, the HTTP API and JSON exports.
        The keys after `mbid` are the two earlier shapes' names for the same values, kept for one
        release (README: "JSON shapes")."""
        scores = dict(self.model_scores)
        return {"rank": self.rank_after, "artist_id": self.artist_id, "name": self.name, "genre": self.genre,
                "reason": self.reason, "because_artist_id": self.because_artist_id, "rank_before": self.rank_before,
                "retrieval_score": self.retrieval_score, "ranking_score": self.ranking_score, "scores": scores,
                "url": self.url, "mbid": self.mbid,
                "rank_after": self.rank_after, "model_scores": scores, "ranking": self.ranking_score,
                "retrieval": self.retrieval_score}


@dataclass(frozen=True)
class Recommendations:
    retriever: str
    ranked: bool
    suggestions: list[Suggestion]
    liked: list[ArtistHit] = field(default_factory=list)  # resolved liked artists (cold start)
    unknown: list[str] = field(default_factory=list)  # liked names/ids that matched nothing
    history: str = ""  # for a saved history: "me: 412 of 450 artists matched (97 % of plays)"
    has_mbids: bool = False  # whether the data names artists by MusicBrainz id (Last.fm-360K)


@dataclass(frozen=True)
class ListenerBatch:
    """Recommendations for many listeners at once, as arrays (the batch export): row i is for
    `listener_ids[i]`, columns best first."""

    listener_ids: list[int]
    artist_ids: list[list[int]]
    names: list[list[str]]
    scores: list[list[float]]


@dataclass(frozen=True)
class Neighbour:
    artist_id: int
    name: str
    genre: str
    score: float
    same_genre: bool
    url: str = ""  # the artist's Last.fm page


@dataclass(frozen=True)
class Neighbours:
    artist_id: int
    name: str
    genre: str
    model: str
    cosine: list[Neighbour]
    dot: list[Neighbour]
    nearest_genres: list[tuple[str, float]]


@dataclass(frozen=True)
class ListenerSummary:
    listener_id: int | str  # a number on HetRec, a SHA-1 string on Last.fm-360K
    n_artists: int
    top_artists: list[str]
    top_genres: list[str]
    profile: str = ""  # "United Kingdom, 24, f" on Last.fm-360K


@dataclass(frozen=True)
class ArtistSummary:
    artist_id: int
    name: str
    genre: str
    listeners: int
    plays: int
    tags: list[str]
    top_listeners: list[tuple[int, int]]  # (listener id, plays), most plays first
    url: str = ""  # the artist's Last.fm page


@dataclass(frozen=True)
class DatasetSummary:
    source: str
    listeners: int
    artists: int
    plays: int
    tags: int
    tag_assignments: int
    friend_pairs: int
    quirks: tuple[tuple[str, str, int], ...]  # (quirk, file, count)
    kind: str = "hetrec-2k"
    profiles: int = 0  # listeners with a known profile (Last.fm-360K)


@dataclass(frozen=True)
class TrainedModel:
    name: str
    losses: list[float]
    train_seconds: float


@dataclass(frozen=True)
class MatchedName:
    """A name from a history and the catalogue artist it matched: how (engine.serving.matching.HOW:
    "mbid", "url", "exact", "normalised", "ambiguous", "cut", "fuzzy") and how well (0..100)."""

    name: str
    artist_id: int
    catalogue_name: str
    how: str
    score: float
    plays: int


@dataclass(frozen=True)
class UnmatchedName:
    name: str
    plays: int


@dataclass(frozen=True)
class HistoryReport:
    """What an import read and how it matched the catalogue (the summary `history import` prints)."""

    name: str
    files: list[str]
    formats: dict[str, int]
    listens: int
    skipped: dict[str, int]
    examples: list[str]
    matched: list[MatchedName]  # most played first
    unmatched: list[UnmatchedName]  # most played first
    matched_share_of_plays: float
    dataset: str  # the dataset kind matched against
    catalogue_ends: int  # the year the catalogue's listening ends
    saved: bool = True

    @property
    def artists(self) -> int:
        return len(self.matched) + len(self.unmatched)

    def headline(self) -> str:
        return history_headline(self.name, len(self.matched), self.artists, self.matched_share_of_plays)


def history_headline(name: str, matched: int, names: int, share: float) -> str:
    """"me: 412 of 450 artists matched (97 % of plays)"."""
    return f"{name}: {matched:,} of {names:,} artists matched ({100 * share:.0f} % of plays)"

"""The conversation: parsed prompts plus state (who is listening, what they like) -> replies.

No UI here: front ends render `Reply` objects; tests drive `Conversation.handle` directly."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from engine.api import DEFAULT_RETRIEVER, Engine, Exclusions, Recommendations
from engine.chat import intents
from engine.chat.intents import (BeListener, Dislike, Evaluate, GenreListener, Help, Intent, Like, MoreLike,
                                 NeighboursOf, Recommend, Reset, Unknown, Why, help_text)
from engine.chat.replies import (ErrorReply, EvaluationReply, HelpReply, NeighboursReply, Reply, SuggestionsReply,
                                 TextReply)
from engine.errors import UsageError


@dataclass(frozen=True)
class LikedArtist:
    artist_id: int  # Last.FM id
    name: str


@dataclass(frozen=True)
class ConversationState:
    """Who we recommend for: a real listener, or a simulated one from liked artists."""

    listener_id: int | None = None
    liked: tuple[LikedArtist, ...] = ()
    disliked: tuple[LikedArtist, ...] = ()
    excluded_genres: tuple[str, ...] = ()
    retriever: str = DEFAULT_RETRIEVER
    k: int = 10

    @property
    def who(self) -> str:
        if self.listener_id is not None:
            return f"listener {self.listener_id}"
        if self.liked:
            return "a listener who likes " + ", ".join(a.name for a in self.liked[:4]) + (
                "…" if len(self.liked) > 4 else "")
        return "nobody yet"


@dataclass
class Conversation:
    engine: Engine
    state: ConversationState = field(default_factory=ConversationState)
    last: Recommendations | None = None

    def handle(self, prompt: str) -> Reply:
        try:
            return self._answer(intents.parse(prompt))
        except UsageError as exc:
            return ErrorReply(str(exc))

    def _answer(self, intent: Intent) -> Reply:
        match intent:
            case Help():
                return HelpReply(help_text())
            case Unknown(text=""):
                return ErrorReply("Say something, for example: " + intents.EXAMPLES[0])
            case Unknown(text=text):
                return HelpReply(f"Sorry, I didn't understand {text[:80]!r}.\n" + help_text())
            case Reset():
                self.state = ConversationState(retriever=self.state.retriever, k=self.state.k)
                self.last = None
                return TextReply("Starting over: nobody is listening yet.", state_changed=True)
            case BeListener(listener_id=listener_id):
                return self.set_listener(listener_id)
            case Like(artists=artists):
                return self.add_liked(artists)
            case Dislike(artists=artists):
                return self._dislike(artists)
            case MoreLike(artists=artists, excluded_genres=genres):
                return self._more_like(artists, genres)
            case GenreListener(genre=genre):
                return self._genre_listener(genre)
            case Recommend():
                return self._with_suggestions("")
            case NeighboursOf(artist=artist):
                result = self.engine.neighbours(artist, self.state.retriever)
                return NeighboursReply(f"Nearest to {result.name} ({result.genre}) in the {result.model} space:",
                                       neighbours=result)
            case Why(artist=artist):
                return self._why(artist)
            case Evaluate():
                return self._evaluation()
        raise AssertionError(f"no answer for {intent!r}")

    # -- state changes ---------------------------------------------------------------------
    def set_listener(self, listener_id: int) -> Reply:
        summary = self.engine.listener_summary(listener_id)  # raises UsageError when unknown
        self.state = replace(self.state, listener_id=listener_id, liked=(), disliked=())
        text = (f"You are now listener {listener_id}: {summary.n_artists} artists, mostly "
                f"{', '.join(summary.top_genres) or 'untagged music'}; top artists "
                f"{', '.join(summary.top_artists[:3])}.")
        return self._with_suggestions(text)

    def add_liked(self, refs: list[str | int]) -> Reply:
        hits, unknown = self.engine.resolve_phrases(refs)
        known = {a.artist_id for a in self.state.liked}
        added = [LikedArtist(h.artist_id, h.name) for h in hits if h.artist_id not in known]
        added_ids = {a.artist_id for a in added}
        self.state = replace(self.state, listener_id=None, liked=self.state.liked + tuple(dict.fromkeys(added)),
                             disliked=tuple(d for d in self.state.disliked if d.artist_id not in added_ids))
        parts = []
        if added:
            parts.append("Noted that you like " + ", ".join(a.name for a in added) + ".")
        if unknown:
            parts.append("I couldn't find " + ", ".join(repr(u) for u in unknown) + ".")
        if not self.state.liked:
            return ErrorReply(" ".join(parts) or "Tell me an artist you like.")
        return self._with_suggestions(" ".join(parts))

    def remove_liked(self, artist_id: int) -> None:
        self.state = replace(self.state, liked=tuple(a for a in self.state.liked if a.artist_id != artist_id))

    def remove_disliked(self, artist_id: int) -> None:
        self.state = replace(self.state, disliked=tuple(a for a in self.state.disliked if a.artist_id != artist_id))

    def set_retriever(self, name: str) -> None:
        if name not in self.engine.retrievers:
            raise UsageError(f"{name!r} cannot retrieve; choose from {', '.join(self.engine.retrievers)}")
        self.state = replace(self.state, retriever=name)

    def next_retriever(self) -> str:
        """Switch to the next retriever (in the engine's order) and name it."""
        retrievers = self.engine.retrievers
        self.set_retriever(retrievers[(retrievers.index(self.state.retriever) + 1) % len(retrievers)])
        return self.state.retriever

    def recommend(self) -> Recommendations:
        state = self.state
        exclude = Exclusions(tuple(a.artist_id for a in state.disliked), state.excluded_genres)
        if state.listener_id is not None:
            result = self.engine.recommend_listener(state.listener_id, state.k, state.retriever, exclude=exclude)
        elif state.liked:
            result = self.engine.recommend_liked([a.artist_id for a in state.liked], state.k, state.retriever,
                                                 exclude=exclude)
        else:
            raise UsageError("tell me an artist you like, or pick a listener (\"be listener 2\")")
        self.last = result
        return result

    def _with_suggestions(self, text: str) -> Reply:
        result = self.recommend()
        header = f"{text} Here is what {self.state.retriever} retrieved and the ranker ordered:".strip()
        return SuggestionsReply(header, recommendations=result, state_changed=True)

    # -- the other intents -------------------------------------------------------------------
    def _dislike(self, artists: list[str]) -> Reply:
        hits, unknown = self.engine.resolve_phrases(artists)
        if not hits:
            return ErrorReply("I couldn't find " + ", ".join(repr(u) for u in unknown) + ".")
        known = {a.artist_id for a in self.state.disliked}
        hit_ids = {h.artist_id for h in hits}
        added = tuple(LikedArtist(h.artist_id, h.name) for h in hits if h.artist_id not in known)
        self.state = replace(self.state, disliked=self.state.disliked + added,
                             liked=tuple(a for a in self.state.liked if a.artist_id not in hit_ids))
        text = "I'll leave out " + ", ".join(h.name for h in hits) + "."
        if self.state.listener_id is None and not self.state.liked:
            return TextReply(text, state_changed=True)
        return self._with_suggestions(text)

    def _more_like(self, artists: list[str], excluded_genres: list[str]) -> Reply:
        self.state = replace(self.state, listener_id=None, liked=(), excluded_genres=tuple(excluded_genres))
        reply = self.add_liked(artists)
        if excluded_genres and isinstance(reply, SuggestionsReply):
            return replace(reply, text=reply.text + f" (leaving out {', '.join(excluded_genres)})")
        return reply

    def _genre_listener(self, genre: str) -> Reply:
        name, artists = self.engine.genre_seed(genre)
        self.state = replace(self.state, listener_id=None, liked=(), excluded_genres=())
        reply = self.add_liked(artists)
        return replace(reply, text=f"Simulating a {name} fan from its most played artists. " + reply.text)

    def _why(self, artist: str) -> Reply:
        hit = self.engine.resolve_artist(artist)
        if hit is None:
            return ErrorReply(f"I couldn't find {artist!r}.")
        for s in (self.last.suggestions if self.last else []):
            if s.artist_id == hit.artist_id:
                scores = ", ".join(f"{m} {v:.3f}" for m, v in s.model_scores.items())
                move = s.movement
                moved = f"moved up {move}" if move > 0 else (f"moved down {-move}" if move < 0 else "kept its place")
                return TextReply(f"{s.name} ({s.genre}): {s.reason}. It was #{s.rank_before} after "
                                 f"retrieval and {moved} to #{s.rank_after} after ranking. Scores: {scores}.")
        return TextReply(f"{hit.name} is not in the current suggestions. Ask \"who is close to "
                         f"{hit.name}\" to see its neighbours.")

    def _evaluation(self) -> Reply:
        report = self.engine.evaluation_report()
        if report is None:
            return TextReply("No evaluation yet: run `cratedig eval` (or the Evaluate models command) to "
                             "measure the models on a hold-out split.")
        return EvaluationReply("Hold-out evaluation (full ranking, train artists excluded):", report=report)

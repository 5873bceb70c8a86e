"""The conversation: parsed prompts plus state (who is listening, what they like) -> replies.

No UI here: the app renders `Reply` objects; tests drive `Conversation.handle` directly."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from engine import intents
from engine.errors import UsageError
from engine.models.registry import DEFAULT_RETRIEVER, RETRIEVERS
from engine.service import Engine, Exclusions, Recommendations


@dataclass(frozen=True)
class LikedArtist:
    artist: int  # dataset index
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


@dataclass(frozen=True)
class Reply:
    kind: str  # text, help, suggestions, neighbours, evaluation, error
    text: str
    payload: Any = None
    state_changed: bool = False


def help_text() -> str:
    lines = ["I understand plain requests like:"] + [f"  • {e}" for e in intents.EXAMPLES]
    lines.append("Keys: F1 help · Ctrl+P commands · Ctrl+L pick a listener · F2 model checks · F3 switch retriever")
    return "\n".join(lines)


@dataclass
class Conversation:
    engine: Engine
    state: ConversationState = field(default_factory=ConversationState)
    last: Recommendations | None = None

    def handle(self, prompt: str) -> Reply:
        intent = intents.parse(prompt)
        try:
            return getattr(self, f"_on_{intent.action}")(intent)
        except UsageError as exc:
            return Reply("error", str(exc))

    # -- state changes ---------------------------------------------------------------------
    def set_listener(self, listener_id: int) -> Reply:
        summary = self.engine.listener_summary(listener_id)  # raises UsageError when unknown
        self.state = replace(self.state, listener_id=listener_id, liked=(), disliked=())
        text = (f"You are now listener {listener_id}: {summary['n_artists']} artists, mostly "
                f"{', '.join(summary['top_genres']) or 'untagged music'}; top artists "
                f"{', '.join(summary['top_artists'][:3])}.")
        return self._with_suggestions(text)

    def add_liked(self, refs: list[str | int]) -> Reply:
        hits, unknown = self.engine.resolve_phrases(refs)
        known = {a.artist for a in self.state.liked}
        added = [LikedArtist(h.artist, h.name) for h in hits if h.artist not in known]
        self.state = replace(self.state, listener_id=None,
                             liked=self.state.liked + tuple(dict.fromkeys(added)),
                             disliked=tuple(d for d in self.state.disliked if d.artist not in {a.artist for a in added}))
        parts = []
        if added:
            parts.append("Noted that you like " + ", ".join(a.name for a in added) + ".")
        if unknown:
            parts.append("I couldn't find " + ", ".join(repr(u) for u in unknown) + ".")
        if not self.state.liked:
            return Reply("error", " ".join(parts) or "Tell me an artist you like.")
        return self._with_suggestions(" ".join(parts))

    def remove_liked(self, artist: int) -> None:
        self.state = replace(self.state, liked=tuple(a for a in self.state.liked if a.artist != artist))

    def remove_disliked(self, artist: int) -> None:
        self.state = replace(self.state, disliked=tuple(a for a in self.state.disliked if a.artist != artist))

    def set_retriever(self, name: str) -> None:
        if name not in RETRIEVERS:
            raise UsageError(f"{name!r} cannot retrieve; choose from {', '.join(RETRIEVERS)}")
        self.state = replace(self.state, retriever=name)

    def recommend(self) -> Recommendations:
        exclude = Exclusions(tuple(a.artist for a in self.state.disliked), self.state.excluded_genres)
        if self.state.listener_id is not None:
            result = self.engine.recommend_listener(self.state.listener_id, self.state.k, self.state.retriever,
                                                    exclude=exclude)
        elif self.state.liked:
            ids = [int(self.engine.dataset.artist_ids[a.artist]) for a in self.state.liked]
            result = self.engine.recommend_liked(ids, self.state.k,
                                                 self.state.retriever, exclude=exclude)
        else:
            raise UsageError("tell me an artist you like, or pick a listener (\"be listener 2\")")
        self.last = result
        return result

    def _with_suggestions(self, text: str) -> Reply:
        result = self.recommend()
        header = f"{text} Here is what {self.state.retriever} retrieved and the ranker ordered:".strip()
        return Reply("suggestions", header, result, state_changed=True)

    # -- intents ---------------------------------------------------------------------------
    def _on_help(self, intent) -> Reply:
        return Reply("help", help_text())

    def _on_unknown(self, intent) -> Reply:
        if not intent.text:
            return Reply("error", "Say something, for example: " + intents.EXAMPLES[0])
        return Reply("help", f"Sorry, I didn't understand {intent.text[:80]!r}.\n" + help_text())

    def _on_reset(self, intent) -> Reply:
        self.state = ConversationState(retriever=self.state.retriever, k=self.state.k)
        self.last = None
        return Reply("text", "Starting over: nobody is listening yet.", state_changed=True)

    def _on_listener(self, intent) -> Reply:
        return self.set_listener(intent.listener)

    def _on_like(self, intent) -> Reply:
        return self.add_liked(intent.artists)

    def _on_dislike(self, intent) -> Reply:
        hits, unknown = self.engine.resolve_phrases(intent.artists)
        if not hits:
            return Reply("error", "I couldn't find " + ", ".join(repr(u) for u in unknown) + ".")
        known = {a.artist for a in self.state.disliked}
        added = tuple(LikedArtist(h.artist, h.name) for h in hits if h.artist not in known)
        self.state = replace(self.state, disliked=self.state.disliked + added,
                             liked=tuple(a for a in self.state.liked if a.artist not in {h.artist for h in hits}))
        text = "I'll leave out " + ", ".join(h.name for h in hits) + "."
        if self.state.listener_id is None and not self.state.liked:
            return Reply("text", text, state_changed=True)
        return self._with_suggestions(text)

    def _on_more_like(self, intent) -> Reply:
        self.state = replace(self.state, listener_id=None, liked=(), excluded_genres=tuple(intent.excluded_genres))
        reply = self.add_liked(intent.artists)
        if intent.excluded_genres and reply.kind == "suggestions":
            return replace(reply, text=reply.text + f" (leaving out {', '.join(intent.excluded_genres)})")
        return reply

    def _on_genre_listener(self, intent) -> Reply:
        genre, artists = self.engine.genre_seed(intent.genre)
        self.state = replace(self.state, listener_id=None, liked=(), excluded_genres=())
        reply = self.add_liked(artists)
        return replace(reply, text=f"Simulating a {genre} fan from its most played artists. " + reply.text)

    def _on_recommend(self, intent) -> Reply:
        return self._with_suggestions("")

    def _on_neighbours(self, intent) -> Reply:
        result = self.engine.neighbours(intent.artists[0], self.state.retriever)
        return Reply("neighbours", f"Nearest to {result.name} ({result.genre}) in the {result.model} space:", result)

    def _on_why(self, intent) -> Reply:
        hit = self.engine.resolve_artist(intent.artists[0])
        if hit is None:
            return Reply("error", f"I couldn't find {intent.artists[0]!r}.")
        for s in (self.last.suggestions if self.last else []):
            if s.name == hit.name:
                scores = ", ".join(f"{m} {v:.3f}" for m, v in s.model_scores.items())
                move = s.movement
                moved = f"moved up {move}" if move > 0 else (f"moved down {-move}" if move < 0 else "kept its place")
                return Reply("text", f"{s.name} ({s.genre}): {s.reason}. It was #{s.rank_before} after "
                                     f"retrieval and {moved} to #{s.rank_after} after ranking. Scores: {scores}.")
        return Reply("text", f"{hit.name} is not in the current suggestions. Ask \"who is close to "
                             f"{hit.name}\" to see its neighbours.")

    def _on_eval(self, intent) -> Reply:
        report = self.engine.evaluation_report()
        if report is None:
            return Reply("text", "No evaluation yet: run `cratedig eval` (or the Retrain/Evaluate "
                                 "command, Ctrl+P) to measure the models on a hold-out split.")
        return Reply("evaluation", "Hold-out evaluation (full ranking, train artists excluded):", report)

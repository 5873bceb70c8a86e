"""The conversation: parsed prompts plus state (who is listening, what they like) -> replies.

No UI here: front ends render `Reply` objects; tests drive `Conversation.handle` directly."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from cratedig.engine.api import (NO_GENRES, Engine, HistoryReport, Recommendations, Steering, check_k, output_target, short_id,
                                 write_output)
from cratedig.engine.chat import choices, export, intents
from cratedig.engine.chat.intents import (BeListener, Choose, Copy, Dislike, Evaluate, GenreListener, Help, ImportHistory, Intent,
                                          Like, MoreLike, NeighboursOf, OnlyGenre, Popularity, Recommend, Reset, Save, ShowK,
                                          Unknown, Unmatched, UseHistory, Why, help_text)
from cratedig.engine.chat.replies import (CopyReply, ErrorReply, EvaluationReply, HelpReply, NeighboursReply, Reply,
                                          SuggestionsReply, TextReply)
from cratedig.engine.chat.session import SavedSession
from cratedig.engine.chat.state import POPULARITY_WORDS, ConversationState, LikedArtist
from cratedig.engine.errors import UsageError


@dataclass
class Conversation:
    engine: Engine
    state: ConversationState = field(default_factory=ConversationState)
    last: Recommendations | None = None
    pending: choices.Pending | None = None  # "did you mean" choices the next prompt may accept
    replacing: Path | None = None  # a save waiting for "yes" before it replaces an existing file

    def snapshot(self, transcript: list[tuple[str, str]]) -> SavedSession:
        """What to save of this conversation: its state, on which data, and the transcript."""
        return SavedSession(self.engine.fingerprint, self.state.as_dict(), list(transcript))

    def restore(self, saved: SavedSession) -> str:
        """Take up a saved conversation; says in one line what was restored (or dropped)."""
        if saved.data != self.engine.fingerprint:
            return "Your last session was on other data; starting fresh."
        try:
            self.state = ConversationState.from_dict(saved.state, self.engine)
        except (ValueError, TypeError, KeyError, AttributeError):
            return "Your last session could not be read; starting fresh."
        return f"Welcome back: restored your last session ({self.state.who}). Say \"new\" to start fresh."

    def handle(self, prompt: str) -> Reply:
        intent = intents.parse(prompt)
        pending, self.pending = self.pending, None  # choices hold for the next prompt only
        replacing, self.replacing = self.replacing, None
        try:
            if isinstance(intent, Choose) and replacing is not None:
                return self._write_save(replacing)
            if isinstance(intent, Choose):
                return self._choose(pending, intent.number)
            return self._answer(intent)
        except UsageError as exc:
            return ErrorReply(str(exc))

    def _choose(self, pending: choices.Pending | None, number: int) -> Reply:
        if pending is None:
            return ErrorReply("There is nothing to choose from: name an artist you like.")
        if not 1 <= number <= len(pending.choices):
            self.pending = pending
            return ErrorReply(f"Choose from 1 to {len(pending.choices)}.")
        hit = pending.choices[number - 1]
        return self.add_liked([hit.artist_id]) if pending.action == "like" else self._dislike([hit.artist_id])

    def _answer(self, intent: Intent) -> Reply:
        match intent:
            case Help():
                return HelpReply(help_text())
            case Unknown(text=""):
                return ErrorReply("Say something, for example: " + intents.EXAMPLES[0])
            case Unknown(text=text):
                return HelpReply(f"Sorry, I didn't understand {text[:80]!r}.\n" + help_text(), answered=False)
            case Reset():
                self.state = ConversationState(retriever=self.state.retriever)
                self.last = None
                return TextReply("Starting over: nobody is listening yet.", state_changed=True)
            case BeListener(listener_id=listener_id):
                return self.set_listener(listener_id)
            case ImportHistory(path=path, name=name):
                report = self.engine.import_history([export.expanded(path)], name)
                return self.use_history(name, f"Imported {report.listens:,} listens from "
                                              f"{len(report.files)} file{'s' if len(report.files) != 1 else ''}.",
                                        report)
            case UseHistory(name=name):
                return self.use_history(name)
            case Unmatched():
                return self._unmatched()
            case Like(artists=artists, unwanted=unwanted):
                return self._like(artists, unwanted)
            case Dislike(artists=artists):
                return self._dislike(artists)
            case MoreLike(artists=artists, unwanted=unwanted):
                return self._more_like(artists, unwanted)
            case ShowK(k=k):
                self.state = replace(self.state, k=check_k(k))
                return self._steered(f"Showing {k} at a time.")
            case Popularity(level=0):  # "anything": no leaning, no genre kept to
                self.state = replace(self.state, popularity=0, only_genres=())
                return self._steered("Any popularity, any genre.")
            case Popularity(level=level):
                self.state = replace(self.state, popularity=level)
                return self._steered(POPULARITY_WORDS[level].capitalize() + ".")
            case OnlyGenre(genres=genres):
                return self._only(genres)
            case Save(path=path):
                return self._save(path)
            case Copy():
                if self.last is None:
                    return ErrorReply("Nothing to copy yet: ask for suggestions first.")
                return CopyReply(f"Copied {len(self.last.suggestions)} suggestions to the clipboard.",
                                 clipboard=export.as_text(self.last))
            case GenreListener(genre=genre):
                return self._genre_listener(genre)
            case Recommend():
                return self._with_suggestions("")
            case NeighboursOf(artist=artist):
                result = self.engine.neighbours(artist, self.state.retriever)
                about = f" ({result.genre})" if result.genre else ""
                note = "" if result.genre or result.nearest_genres else " (no tags in this dataset: no genres)"
                return NeighboursReply(f"Nearest to {result.name}{about} in the {result.model} space{note}:",
                                       neighbours=result)
            case Why(artist=artist):
                return self._why(artist)
            case Evaluate():
                return self._evaluation()
        raise AssertionError(f"no answer for {intent!r}")

    # -- state changes ---------------------------------------------------------------------
    def set_listener(self, listener_id: int | str) -> Reply:
        listener_id = self.engine.find_listener(listener_id)  # a unique SHA-1 prefix names one; UsageError
        summary = self.engine.listener_summary(listener_id)
        kept = self._kept_steering()
        self.state = replace(self.state, listener_id=listener_id, liked=(), disliked=(), history=None,
                             history_summary="")
        if summary.profile or isinstance(listener_id, str):  # Last.fm-360K: a profile, no genres
            about = f"{summary.profile or 'no profile'}; {summary.n_artists} artists"
        else:
            about = f"{summary.n_artists} artists, mostly {', '.join(summary.top_genres) or 'untagged music'}"
        text = (f"You are now listener {short_id(listener_id)}: {about}; top artists "
                f"{', '.join(summary.top_artists[:3])}.{kept}")
        return self._with_suggestions(text)

    def use_history(self, name: str, before: str = "", report: HistoryReport | None = None) -> Reply:
        """Recommend from the saved history `name` (steering is kept; liked artists are not);
        `report` is its report when the caller has it already (just imported)."""
        report = report or self.engine.history_report(name)
        kept = self._kept_steering()
        self.state = replace(self.state, listener_id=None, liked=(), disliked=(), history=name,
                             history_summary=report.headline())
        text = f"{before} You are now {report.headline()}.".strip()
        if report.matched_share_of_plays < 0.5:
            text += f" Much of it is newer than the catalogue, which ends in {report.catalogue_ends}."
        if report.unmatched:
            text += " Ask \"what didn't match?\" for the rest."
        return self._with_suggestions(text + kept)

    def _kept_steering(self) -> str:
        """" Still leaving out rock; only electronic." when a new listener keeps earlier steering."""
        state, parts = self.state, []
        if state.excluded_genres:
            parts.append("leaving out " + ", ".join(state.excluded_genres))
        if state.only_genres:
            parts.append("only " + ", ".join(state.only_genres))
        if state.popularity:
            parts.append(POPULARITY_WORDS[state.popularity])
        return (" Still " + "; ".join(parts) + " (\"anything\" drops that).") if parts else ""

    def _unmatched(self) -> Reply:
        if self.state.history is None:
            return ErrorReply("No history in use: \"import PATH\" your export, or \"be me\".")
        report = self.engine.history_report(self.state.history)
        if not report.unmatched:
            return TextReply(f"Every artist of {report.name} matched the catalogue.")
        shown = report.unmatched[:20]
        lines = [f"{len(report.unmatched):,} names in {report.name} matched no artist of the catalogue "
                 f"(it ends in {report.catalogue_ends}); most played:"]
        lines += [f"  • {u.name} ({u.plays:,} plays)" for u in shown]
        if len(report.unmatched) > len(shown):
            lines.append(f"  … and {len(report.unmatched) - len(shown):,} more (cratedig history show {report.name})")
        return TextReply("\n".join(lines))

    def add_liked(self, refs: list[str | int]) -> Reply:
        hits, unknown = self.engine.resolve_phrases(refs)
        known = {a.artist_id for a in self.state.liked}
        added = [LikedArtist(h.artist_id, h.name) for h in hits if h.artist_id not in known]
        added_ids = {a.artist_id for a in added}
        if added:  # a name that matched nothing leaves the listener or history in use as it was
            self.state = replace(self.state, listener_id=None, history=None, history_summary="",
                                 liked=self.state.liked + tuple(dict.fromkeys(added)),
                                 disliked=tuple(d for d in self.state.disliked if d.artist_id not in added_ids))
        parts = []
        if added:
            parts.append("Noted that you like " + ", ".join(a.name for a in added) + ".")
        question, self.pending, offered = choices.not_found(self.engine, unknown, "like")
        if question:
            parts.append(question)
        found = {"matched": tuple(hits), "unknown": tuple(unknown), "did_you_mean": offered}
        if not self.state.liked:
            if self.pending is not None:
                return TextReply(" ".join(parts), **found)
            return ErrorReply(" ".join(parts) or "Tell me an artist you like.", **found)
        return replace(self._with_suggestions(" ".join(parts)), **found)

    def on_artist(self, action: str, artist_id: int) -> Reply:
        """A key on a suggestion row, by Last.FM id: "like", "leave out" or "similar"."""
        if action == "like":
            return self.add_liked([artist_id])
        if action == "leave out":
            return self._dislike([artist_id])
        return self._answer(NeighboursOf(artist_id))

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
        steering = Steering(tuple(a.artist_id for a in state.disliked), state.excluded_genres, state.only_genres,
                            state.popularity)
        if state.listener_id is not None:
            result = self.engine.recommend_listener(state.listener_id, state.k, state.retriever, steering=steering)
        elif state.history is not None:
            result = self.engine.recommend_history(state.history, state.k, state.retriever, steering=steering)
        elif state.liked:
            result = self.engine.recommend_liked([a.artist_id for a in state.liked], state.k, state.retriever,
                                                 steering=steering)
        else:
            raise UsageError("tell me an artist you like, \"import\" your listening history, or pick a listener "
                             "(\"be listener 2\")")
        self.last = result
        return result

    def _with_suggestions(self, text: str) -> Reply:
        result = self.recommend()
        header = f"{text} Here is what {self.state.retriever} retrieved and the ranker ordered:".strip()
        return SuggestionsReply(header, recommendations=result, state_changed=True)

    def _steered(self, text: str) -> Reply:
        """A change of how to suggest: new suggestions if there is someone to suggest for."""
        if self.state.listener_id is None and not self.state.liked and self.state.history is None:
            return TextReply(text + " Tell me an artist you like, \"import\" your history, or pick a listener.",
                             state_changed=True)
        return self._with_suggestions(text)

    # -- the other intents -------------------------------------------------------------------
    def _split_unwanted(self, phrases: list[str]) -> tuple[list[str], list[str]]:
        """(genres, artist phrases): "rock" is a genre family to leave out, "Coldplay" an artist."""
        genre = [isinstance(p, str) and self.engine.is_genre(p) for p in phrases]  # ids (a choice) are artists
        return [p.lower() for p, g in zip(phrases, genre) if g], [p for p, g in zip(phrases, genre) if not g]

    def _leave_out(self, phrases: list[str]) -> tuple[list[str], list[str]]:
        """Add `phrases` to what is left out; (what was left out, what matched nothing), as names."""
        genres, artists = self._split_unwanted(phrases)
        hits, unknown = self.engine.resolve_phrases(artists) if artists else ([], [])
        known = {a.artist_id for a in self.state.disliked}
        hit_ids = {h.artist_id for h in hits}
        self.state = replace(
            self.state, disliked=self.state.disliked + tuple(LikedArtist(h.artist_id, h.name) for h in hits
                                                             if h.artist_id not in known),
            liked=tuple(a for a in self.state.liked if a.artist_id not in hit_ids),
            excluded_genres=tuple(dict.fromkeys(self.state.excluded_genres + tuple(genres))))
        return [f"anything {g}" for g in genres] + [h.name for h in hits], unknown

    def _like(self, artists: list[str], unwanted: list[str]) -> Reply:
        if not unwanted:
            return self.add_liked(artists)
        left_out, unknown = self._leave_out(unwanted)
        reply = self.add_liked(artists)
        extra = (f" I'll leave out {', '.join(left_out)}." if left_out else "") + (
            f" I couldn't find {', '.join(repr(u) for u in unknown)}." if unknown else "")
        return replace(reply, text=(reply.text + extra).strip())

    def _dislike(self, phrases: list[str]) -> Reply:
        left_out, unknown = self._leave_out(phrases)
        question, self.pending, offered = choices.not_found(self.engine, unknown, "leave out")
        found = {"unknown": tuple(unknown), "did_you_mean": offered}
        if not left_out:
            hint = "" if self.engine.has_genres else f" (If you meant a genre: {NO_GENRES}.)"
            if self.pending is not None:
                return TextReply(question + hint, **found)
            return ErrorReply(question + hint, **found)
        return replace(self._steered(f"I'll leave out {', '.join(left_out)}. {question}".strip()), **found)

    def _more_like(self, artists: list[str], unwanted: list[str]) -> Reply:
        before = [a.name for a in self.state.liked]
        reply = self._like(artists, unwanted)
        if before and isinstance(reply, SuggestionsReply):
            kept = ", ".join(before[:4]) + ("…" if len(before) > 4 else "")
            return replace(reply, text=f"{reply.text} (Added to what you already like: {kept}; \"start over\" "
                                       "to begin from these alone.)")
        return reply

    def _only(self, genres: list[str]) -> Reply:
        if not self.engine.has_genres:
            return ErrorReply(f"Only {', '.join(genres)}: {NO_GENRES}.")
        known, not_genres = self._split_unwanted(genres)
        if not known:
            return ErrorReply(f"{', '.join(repr(g) for g in genres)} is not a genre I know; try "
                              f"{', '.join(self.engine.genre_names()[:6])}.")
        self.state = replace(self.state, only_genres=tuple(known))
        unknown = f" {', '.join(repr(g) for g in not_genres)} is not a genre I know." if not_genres else ""
        return self._steered(f"Only {', '.join(known)} from now on (\"anything\" goes back to all genres).{unknown}")

    def _save(self, path: str | None) -> Reply:
        if self.last is None:
            return ErrorReply("Nothing to save yet: ask for suggestions first.")
        target = export.save_target(path)
        if target.exists():
            self.replacing = target
            return TextReply(f"{target} exists: say \"yes\" to replace it, or save under another name.")
        return self._write_save(target)

    def _write_save(self, target: Path) -> Reply:
        text = export.render(self.last, self.state.who, [a.name for a in self.state.liked],
                             [a.name for a in self.state.disliked], export.format_of(target))
        write_output(output_target(str(target)), text)  # whole or not at all; UsageError when it cannot
        return TextReply(f"Saved {len(self.last.suggestions)} suggestions to {target.resolve()}.")

    def _genre_listener(self, genre: str) -> Reply:
        name, artists = self.engine.genre_seed(genre)
        self.state = replace(self.state, listener_id=None, liked=(), excluded_genres=(), only_genres=())
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
        return EvaluationReply("Hold-out evaluation (full ranking, train artists excluded; "
                               f"context used {self.engine.context_content()}):", report=report)

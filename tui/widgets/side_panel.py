"""The conversation's state: who is listening, liked and disliked artists (removable)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, ListItem, ListView, Static

from cratedig.tui.text import lines as text_lines
from cratedig.tui.text import plain


POPULARITY = {-1: "less mainstream", 0: "any", 1: "more popular"}


class ArtistChip(ListItem):
    def __init__(self, artist_id: int, name: str, which: str):
        super().__init__(Label(plain(name)))
        self.artist_id, self.which = artist_id, which


class SidePanel(Vertical):
    """Shows ConversationState; Delete on a chip removes it."""

    BINDINGS = [Binding("delete,backspace", "remove", "Remove")]

    class Removed(Message):
        def __init__(self, artist_id: int, which: str):
            super().__init__()
            self.artist_id, self.which = artist_id, which

    def compose(self) -> ComposeResult:
        yield Static("nobody yet", id="who", markup=False)
        yield Static("liked", classes="section")
        yield ListView(id="liked")
        yield Static("not for me", classes="section")
        yield ListView(id="disliked")
        yield Static("", id="settings", markup=False)

    def show(self, state) -> None:
        self.query_one("#who", Static).update(plain(state.who))
        for which in ("liked", "disliked"):
            view = self.query_one(f"#{which}", ListView)
            view.clear()
            view.extend(ArtistChip(a.artist_id, a.name, which) for a in getattr(state, which))
        settings = [f"leaving out: {', '.join(state.excluded_genres)}"] if state.excluded_genres else []
        settings += [f"only: {', '.join(state.only_genres)}"] if state.only_genres else []
        settings.append(f"popularity: {POPULARITY[state.popularity]}")
        settings.append(f"retriever: {state.retriever} · k={state.k}")
        self.query_one("#settings", Static).update(text_lines(*settings))

    def action_remove(self) -> None:
        for which in ("liked", "disliked"):
            view = self.query_one(f"#{which}", ListView)
            if view.has_focus and view.highlighted_child is not None:
                chip = view.highlighted_child
                self.post_message(self.Removed(chip.artist_id, chip.which))

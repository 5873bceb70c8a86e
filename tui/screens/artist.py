"""An artist: listeners, plays, tags, genre neighbours per model, and who plays it most."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from cratedig.tui.text import linked, plain


class ArtistScreen(ModalScreen[int | None]):
    """Dismisses with a listener id to become (Enter on a top listener), or None."""

    BINDINGS = [("escape", "close", "Close"), ("m", "next_model", "Switch model")]

    def __init__(self, engine, artist_id: int):
        super().__init__()
        self.engine, self.artist_id = engine, artist_id
        self.model_index = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="artist"):
            yield Static("", id="artist-title", classes="title", markup=False)
            yield Static("", id="artist-facts", markup=False)
            with Horizontal():
                yield DataTable(id="neighbours", cursor_type="row", zebra_stripes=True)
                yield DataTable(id="top-listeners", cursor_type="row")
            yield Static("m: switch model space · Enter on a listener: become them · Esc: back", classes="hint")

    def on_mount(self) -> None:
        summary = self.engine.artist_summary(self.artist_id)
        self.query_one("#artist-title", Static).update(plain(f"{summary.name} — {summary.genre}"))
        facts = plain(f"{summary.listeners} listeners · {summary.plays:,} plays · "
                      f"tags: {', '.join(summary.tags) or 'none'}")
        facts.append_text(Text("\n"))
        facts.append_text(linked(summary.url, summary.url))
        self.query_one("#artist-facts", Static).update(facts)
        listeners = self.query_one("#top-listeners", DataTable)
        listeners.add_columns("listener", "plays")
        for lid, plays in summary.top_listeners:
            listeners.add_row(str(lid), f"{plays:,}", key=str(lid))
        self.query_one("#neighbours", DataTable).add_columns("measure", "artist", "genre", "score", "")
        self.load_neighbours()

    @property
    def model(self) -> str:
        return self.engine.model_names[self.model_index]

    @work(thread=True, exclusive=True, group="artist")
    def load_neighbours(self) -> None:
        model = self.model
        result = self.engine.neighbours(self.artist_id, model, 8)
        self.app.call_from_thread(self._show, result, model)

    def _show(self, result, model: str) -> None:
        if model != self.model:
            return  # the user switched models meanwhile
        table = self.query_one("#neighbours", DataTable)
        table.clear()
        for measure in ("cosine", "dot"):
            for n in getattr(result, measure):
                table.add_row(measure, linked(n.name, n.url), plain(n.genre), f"{n.score:.3f}",
                              "same genre" if n.same_genre else "cross-genre")
        genres = ", ".join(f"{g} ({s:.2f})" for g, s in result.nearest_genres)
        table.border_title = plain(f"neighbours in the {model} space · nearest genres: {genres}")

    def action_next_model(self) -> None:
        self.model_index = (self.model_index + 1) % len(self.engine.model_names)
        self.load_neighbours()

    @on(DataTable.RowSelected, "#top-listeners")
    def become(self, event: DataTable.RowSelected) -> None:
        self.dismiss(int(event.row_key.value))

    def action_close(self) -> None:
        self.dismiss(None)

"""Pick a real Last.FM listener from a filterable list."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from cratedig.engine import api
from cratedig.tui.text import plain

MAX_ROWS = 500
#: on Last.fm-360K the table starts with this many listeners; typing an id prefix finds any other
PRELOADED = 5000


class ListenerPickerScreen(ModalScreen[int | str | None]):
    """Dismisses with a listener id, or None."""

    BINDINGS = [("escape", "close", "Close")]

    def __init__(self, engine):
        super().__init__()
        self.engine = engine
        self.rows: list = []  # engine ListenerSummary rows
        self.ids: dict[str, int | str] = {}  # row key -> listener id

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static("Pick a listener (Enter) — filter by id, artist or genre", classes="title")
            yield Input(placeholder="filter, e.g. 'radiohead' or 'metal' or '2'", id="filter")
            yield DataTable(id="listeners", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "artists", "top genres" if self.engine.has_genres else "profile", "top artists")
        self.load_rows()

    @work(thread=True, exclusive=True, group="picker")
    def load_rows(self) -> None:
        rows = self.engine.listener_table(limit=None if self.engine.has_genres else PRELOADED)
        self.app.call_from_thread(self._loaded, rows)

    def _loaded(self, rows: list) -> None:
        self.rows = rows
        self.show("")

    def show(self, text: str) -> None:
        needle = text.casefold().strip()
        table = self.query_one(DataTable)
        table.clear()
        shown = 0
        rows = self.rows
        if needle and not self.engine.has_genres and all(c in "0123456789abcdef" for c in needle):
            rows = self.engine.listener_table(prefix=needle, limit=MAX_ROWS)  # a SHA-1 prefix: any listener
        for row in rows:
            about = ", ".join(row.top_genres) if self.engine.has_genres else row.profile
            haystack = f"{row.listener_id} {about} {' '.join(row.top_artists)}".casefold()
            if needle and needle not in haystack:
                continue
            self.ids[str(row.listener_id)] = row.listener_id
            table.add_row(api.short_id(row.listener_id), str(row.n_artists), plain(about),
                          plain(", ".join(row.top_artists)), key=str(row.listener_id))
            shown += 1
            if shown >= MAX_ROWS:
                break

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.show("".join(ch for ch in event.value if ch.isprintable())[:100])

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected)
    def picked(self, event: DataTable.RowSelected) -> None:
        self.dismiss(self.ids[event.row_key.value])

    def action_close(self) -> None:
        self.dismiss(None)

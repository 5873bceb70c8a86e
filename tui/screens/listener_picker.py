"""Pick a real Last.FM listener from a filterable list."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from tui.text import plain

MAX_ROWS = 500


class ListenerPickerScreen(ModalScreen[int | None]):
    """Dismisses with a listener id, or None."""

    BINDINGS = [("escape", "close", "Close")]

    def __init__(self, engine):
        super().__init__()
        self.engine = engine
        self.rows: list = []  # engine ListenerSummary rows

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static("Pick a listener (Enter) — filter by id, artist or genre", classes="title")
            yield Input(placeholder="filter, e.g. 'radiohead' or 'metal' or '2'", id="filter")
            yield DataTable(id="listeners", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "artists", "top genres", "top artists")
        self.load_rows()

    @work(thread=True, exclusive=True, group="picker")
    def load_rows(self) -> None:
        rows = self.engine.listener_table()
        self.app.call_from_thread(self._loaded, rows)

    def _loaded(self, rows: list) -> None:
        self.rows = rows
        self.show("")

    def show(self, text: str) -> None:
        needle = text.casefold().strip()
        table = self.query_one(DataTable)
        table.clear()
        shown = 0
        for row in self.rows:
            haystack = f"{row.listener_id} {' '.join(row.top_genres)} {' '.join(row.top_artists)}".casefold()
            if needle and needle not in haystack:
                continue
            table.add_row(str(row.listener_id), str(row.n_artists), plain(", ".join(row.top_genres)),
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
        self.dismiss(int(event.row_key.value))

    def action_close(self) -> None:
        self.dismiss(None)

"""Pick a real Last.FM listener from a filterable list."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from rich.text import Text
from textual.widgets import DataTable, Input, Static

from cratedig.engine import api
from cratedig.tui.text import plain
from cratedig.tui.widgets.fit import Column
from cratedig.tui.widgets.replies import FittedTable

MAX_ROWS = 500
#: on Last.fm-360K the table starts with this many listeners; typing an id prefix finds any other
PRELOADED = 5000


class ListenerTable(FittedTable):
    """The listeners shown, fitted to the width: top artists and genres shrink (ellipsized)
    before anything else, so the picker works at 80 columns."""

    def __init__(self, about: str, **kwargs):
        super().__init__(**kwargs)
        self.about = about
        self.shown: list[tuple[str, str, str, str, str]] = []  # id, artists, about, top artists, key

    def show_rows(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        self.shown = rows
        self.fill()

    def columns_to_show(self) -> tuple[list[Column], list[str]]:
        rows = self.shown
        return [Column("id", [Text(r[0]) for r in rows]),
                Column("artists", [Text(r[1], justify="right") for r in rows]),
                Column(self.about, [plain(r[2]) for r in rows], flexible=True, minimum=12),
                Column("top artists", [plain(r[3]) for r in rows], flexible=True, minimum=12)], [r[4] for r in rows]


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
            yield ListenerTable("top genres" if self.engine.has_genres else "profile", id="listeners")

    def on_mount(self) -> None:
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
        shown: list[tuple[str, str, str, str, str]] = []
        rows = self.rows
        if needle and not self.engine.has_genres and all(c in "0123456789abcdef" for c in needle):
            rows = self.engine.listener_table(prefix=needle, limit=MAX_ROWS)  # a SHA-1 prefix: any listener
        for row in rows:
            about = ", ".join(row.top_genres) if self.engine.has_genres else row.profile
            haystack = f"{row.listener_id} {about} {' '.join(row.top_artists)}".casefold()
            if needle and needle not in haystack:
                continue
            self.ids[str(row.listener_id)] = row.listener_id
            shown.append((api.short_id(row.listener_id), str(row.n_artists), about, ", ".join(row.top_artists),
                          str(row.listener_id)))
            if len(shown) >= MAX_ROWS:
                break
        self.query_one(ListenerTable).show_rows(shown)

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

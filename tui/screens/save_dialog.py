"""Ctrl+S: where to save the current suggestions (.csv, .json, .md, .xspf or .lidarr.json)."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class SaveDialog(ModalScreen[str | None]):
    """Dismisses with the path typed (Enter), or None (Escape)."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, default: str):
        super().__init__()
        self.default = default  #: the path offered, already typed in

    def compose(self) -> ComposeResult:
        with Vertical(id="save"):
            yield Static("Save the suggestions", classes="title")
            yield Static("The extension picks the format: .csv, .json, .md, .xspf (a playlist) or .lidarr.json "
                         "(Lidarr's list). Enter saves, Esc cancels.",
                         markup=False, classes="hint")
            yield Input(value=self.default, id="save-path")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)

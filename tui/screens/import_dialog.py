"""The palette's "Import listening history": pick an export (a file, a folder or a zip) in a tree,
or type its path; Enter imports it as the "import PATH" prompt would."""
from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Static


class ImportDialog(ModalScreen[str | None]):
    """Dismisses with the path chosen (Enter in the path field), or None (Escape)."""

    BINDINGS = [("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#import-path"

    def __init__(self, start: Path | None = None):
        super().__init__()
        self.start = start or Path.home()  #: the folder the tree opens on

    def compose(self) -> ComposeResult:
        with Vertical(id="import"):
            yield Static("Import a listening history", classes="title")
            yield Static("A Last.fm, ListenBrainz, Spotify, Libre.fm or Maloja export, or a .scrobbler.log: pick "
                         "it below (Enter on a file or folder) or type its path. Enter imports, Esc cancels.",
                         markup=False, classes="hint")
            yield DirectoryTree(self.start, id="import-tree")
            yield Input(placeholder="path to a file, a folder or a zip", id="import-path")

    @on(DirectoryTree.FileSelected)
    @on(DirectoryTree.DirectorySelected)
    def picked(self, event: DirectoryTree.FileSelected | DirectoryTree.DirectorySelected) -> None:
        field = self.query_one(Input)
        field.value = str(event.path)
        field.focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)

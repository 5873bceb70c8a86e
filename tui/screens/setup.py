"""First run without data: download the official zip (cancellable) or open the demo data."""
from __future__ import annotations

import threading
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from cratedig.tui.text import plain


class SetupScreen(ModalScreen[str | None]):
    """Dismisses with the directory to load, or None."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, directory: Path, kind: str | None = None):
        super().__init__()
        self.directory, self.kind = directory, kind  # kind: `--dataset` (None: HetRec)
        self.cancel_event = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="setup"):
            yield Static("No Last.FM dataset found", classes="title")
            what = ("the Last.fm-360K dataset (543 MB; an interrupted download resumes)" if self.kind == "lastfm-360k"
                    else "the HetRec 2011 Last.FM 2K dataset from GroupLens (2.5 MB)")
            yield Static(f"Looked in {self.directory}. Download {what}, or open a synthetic demo dataset "
                         "that needs no download. You can also quit and run `cratedig --data DIR`.", markup=False)
            yield ProgressBar(id="download-progress", show_eta=True)
            yield Static("", id="setup-status", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Download dataset", id="download", variant="primary")
                yield Button("Use demo data", id="demo")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#download")
    def start_download(self) -> None:
        self.cancel_event.clear()
        self.query_one("#download", Button).disabled = True
        self.query_one("#setup-status", Static).update("downloading …")
        self.download()

    @on(Button.Pressed, "#demo")
    def use_demo(self) -> None:
        self.make_demo()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.cancel_event.set()
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="setup")
    def download(self) -> None:
        from cratedig.engine.api import fetch_dataset
        from cratedig.engine.errors import CratedigError

        def progress(p):
            self.app.call_from_thread(self.query_one(ProgressBar).update, total=p.total_bytes, progress=p.done_bytes)

        try:
            dest = fetch_dataset(self.directory, progress=progress, cancel=self.cancel_event, kind=self.kind)
        except CratedigError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        self.app.call_from_thread(self.dismiss, str(dest))

    @work(thread=True, exclusive=True, group="setup")
    def make_demo(self) -> None:
        from cratedig.engine.api import locate_data

        self.app.call_from_thread(self.dismiss, str(locate_data(demo=True)))

    def failed(self, message: str) -> None:
        self.query_one("#download", Button).disabled = False
        self.query_one("#setup-status", Static).update(
            plain(f"{message}. Check your connection and try again, or use the demo data."))
        self.notify(message, severity="error")

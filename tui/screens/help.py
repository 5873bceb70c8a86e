"""F1: what the prompt understands and the keys."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from cratedig.engine.chat.intents import help_text

KEYS = ("Keys: F1 help · Ctrl+P commands · Ctrl+L pick a listener · F2 model checks · F3 switch retriever · "
        "Ctrl+S save · Ctrl+Y copy")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static("cratedig help", classes="title")
            yield Static(help_text(), markup=False)
            yield Static(KEYS, markup=False)
            yield Static("On a suggestion row: + like it, - leave it out, m similar artists, o its Last.fm page, "
                         "Enter the artist, s all four models' scores. In the side panel: Delete removes an "
                         "artist. In the prompt: Up/Down history, PageUp/PageDown scroll the conversation "
                         "(Home/End on an empty line). Esc closes this.", markup=False)

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
            yield Static("In tables: Enter opens the artist, s toggles all four models' scores. "
                         "In the side panel: Delete removes an artist. Up/Down in the prompt: history. "
                         "Esc closes this.", markup=False)

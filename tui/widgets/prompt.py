"""The prompt line: history with up/down, artist-name completion as you type."""
from __future__ import annotations

from typing import Callable

from textual.binding import Binding
from textual.widgets import Input

from tui.widgets.artist_suggester import ArtistSuggester

MAX_PROMPT = 500


class PromptInput(Input):
    BINDINGS = [Binding("up", "history(-1)", "Previous", show=False),
                Binding("down", "history(1)", "Next", show=False)]

    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_PROMPT, **kwargs)
        self.history: list[str] = []
        self.position = 0

    def set_search(self, search: Callable[[str], list]) -> None:
        self.suggester = ArtistSuggester(search)

    def remember(self, prompt: str) -> None:
        if not self.history or self.history[-1] != prompt:
            self.history.append(prompt)
        self.position = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self.position = max(0, min(len(self.history), self.position + step))
        self.value = self.history[self.position] if self.position < len(self.history) else ""
        self.cursor_position = len(self.value)

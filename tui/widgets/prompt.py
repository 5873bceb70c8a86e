"""The prompt line: history with up/down, artist-name completion as you type, and the transcript
scrolled from here: PageUp/PageDown always, Home/End when the line is empty (else they move the
cursor, as in any input)."""
from __future__ import annotations

from typing import Callable

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from cratedig.tui.widgets.artist_suggester import ArtistSuggester

MAX_PROMPT = 500


class PromptInput(Input):
    BINDINGS = [Binding("up", "history(-1)", "Previous", show=False),
                Binding("down", "history(1)", "Next", show=False),
                Binding("pageup", "scroll_transcript('page_up')", "Scroll up", show=False),
                Binding("pagedown", "scroll_transcript('page_down')", "Scroll down", show=False)]

    class ScrollTranscript(Message):
        """The transcript should scroll: `where` is page_up, page_down, home or end."""

        def __init__(self, where: str):
            super().__init__()
            self.where = where

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

    def action_scroll_transcript(self, where: str) -> None:
        self.post_message(self.ScrollTranscript(where))

    def action_home(self, select: bool = False) -> None:
        if self.value or select:
            super().action_home(select)
        else:
            self.post_message(self.ScrollTranscript("home"))

    def action_end(self, select: bool = False) -> None:
        if self.value or select:
            super().action_end(select)
        else:
            self.post_message(self.ScrollTranscript("end"))

    def _on_paste(self, event: events.Paste) -> None:
        """A paste keeps its first line, cut to what the prompt can hold (MAX_PROMPT characters),
        and says so when it cuts: a megabyte pasted by mistake is never laid out or searched."""
        line = event.text.split("\n", 1)[0].rstrip("\r") if event.text else ""
        room = max(MAX_PROMPT - len(self.value) + len(self.selected_text), 0)
        if len(line) > room:
            line = line[:room]
            self.app.notify(f"The paste was cut to fit the prompt ({MAX_PROMPT} characters at most).",
                            severity="warning")
        if line:
            if self.selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *self.selection)
        event.prevent_default()  # Input's own paste handler would insert the whole line again
        event.stop()

"""The main screen: a scrolling conversation, a side panel with the state, a prompt."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from tui.widgets.messages import (BotMessage, EvaluationTable, NeighboursTable, SuggestionsTable,
                                  UserMessage)
from tui.widgets.prompt import PromptInput
from tui.widgets.side_panel import SidePanel

WELCOME = ("Hi! Tell me artists you like (\"I like Björk and Sigur Rós\"), become a real listener "
           "(\"be listener 2\", or Ctrl+L), or ask \"how good are the models?\". F1 lists what I understand.")


class ChatScreen(Screen):
    BINDINGS = [Binding("escape", "focus_prompt", "Prompt", show=False)]

    def __init__(self):
        super().__init__()
        self.request = 0
        self.all_scores = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield VerticalScroll(id="conversation")
            yield SidePanel(id="side")
        yield Static("starting …", id="status")
        yield PromptInput(placeholder="Talk to the recommender… (F1 for help)", id="prompt")
        yield Footer()

    def on_mount(self) -> None:
        self.add_reply(WELCOME, "text")
        self.query_one(PromptInput).focus()
        if self.app.conversation is not None:
            self.engine_ready(self.app.engine)

    # -- called by the app -------------------------------------------------------------------
    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def engine_ready(self, engine) -> None:
        data = engine.dataset
        self.query_one(PromptInput).set_search(lambda text: engine.search(text, 1))
        self.set_status(f"{data.n_listeners:,} listeners · {data.n_artists:,} artists · "
                        f"{len(data.plays):,} plays · models ready")
        self.refresh_state()

    def refresh_state(self) -> None:
        conversation = self.app.conversation
        if conversation is not None:
            self.query_one(SidePanel).show(conversation.state)

    def ask(self, prompt: str) -> None:
        """Send a prompt as if typed."""
        self._submit(prompt)

    def toggle_scores(self) -> None:
        self.all_scores = not self.all_scores
        for table in self.query(SuggestionsTable):
            table.all_scores = self.all_scores
            table.fill()

    # -- prompt --------------------------------------------------------------------------------
    @on(Input.Submitted, "#prompt")
    def on_prompt(self, event: Input.Submitted) -> None:
        prompt = event.value
        event.input.clear()
        if not prompt.strip():
            self.notify("Type something first, e.g. “I like Adele”", severity="warning")
            return
        event.input.remember(prompt)
        self._submit(prompt)

    def _submit(self, prompt: str) -> None:
        self.query_one("#conversation").mount(UserMessage(prompt[:500]))
        if self.app.conversation is None:
            self.add_reply("Still loading the dataset and models; try again in a moment.", "error")
            return
        self.request += 1
        self.set_status("thinking …")
        self.answer(prompt, self.request)

    @work(thread=True, exclusive=True, group="answer")
    def answer(self, prompt: str, request: int) -> None:
        with self.app.lock:
            reply = self.app.conversation.handle(prompt)
        # A newer prompt was sent meanwhile: its answer is the one to show.
        if request == self.request:
            self.app.call_from_thread(self.show_reply, reply, request)

    def show_reply(self, reply, request: int) -> None:
        if request != self.request:
            return
        self.add_reply(reply.text, reply.kind, reply.payload)
        self.set_status(f"{self.app.conversation.state.who} · retriever {self.app.conversation.state.retriever}")
        if reply.state_changed:
            self.refresh_state()
        if reply.kind == "error":
            self.notify(reply.text, severity="error")

    def add_reply(self, text: str, kind: str, payload=None) -> None:
        result = {"suggestions": lambda: SuggestionsTable(payload, all_scores=self.all_scores),
                  "neighbours": lambda: NeighboursTable(payload),
                  "evaluation": lambda: EvaluationTable(payload)}.get(kind, lambda: None)()
        conversation = self.query_one("#conversation")
        conversation.mount(BotMessage(text, kind, result))
        conversation.scroll_end(animate=False)

    def action_focus_prompt(self) -> None:
        self.query_one(PromptInput).focus()

    # -- side panel edits -------------------------------------------------------------------
    @on(SidePanel.Removed)
    def on_removed(self, event: SidePanel.Removed) -> None:
        conversation = self.app.conversation
        if conversation is None:
            return
        with self.app.lock:
            (conversation.remove_liked if event.which == "liked" else conversation.remove_disliked)(event.artist)
        self.refresh_state()
        if conversation.state.liked or conversation.state.listener_id is not None:
            self.ask("recommend")

"""The main screen: a scrolling conversation, a side panel with the state, a prompt. It owns the
conversation; the answer to each prompt is worked out in a worker and dropped if a newer prompt
was sent meanwhile."""
from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Static

from cratedig.tui.messages import RowAction
from cratedig.tui.text import plain
from cratedig.tui.widgets.prompt import PromptInput
from cratedig.tui.widgets.replies import BotMessage, EvaluationTable, NeighboursTable, SuggestionsTable, UserMessage
from cratedig.tui.widgets.side_panel import SidePanel

if TYPE_CHECKING:  # the engine is imported in workers, never on the app's start-up path
    from cratedig.engine.api import Engine
    from cratedig.engine.chat.conversation import Conversation
    from cratedig.engine.chat.replies import Reply

#: the artist the welcome's example names; when the catalogue lacks it, examples from the catalogue follow
WELCOME_ARTIST = "Björk"
RESTORED_SHOWN = 40  # transcript messages redrawn on restore; all of them are kept
WELCOME = ("Hi! \"import PATH\" brings your Last.fm, ListenBrainz or Spotify history; or tell me artists "
           "you like (\"I like Björk and Sigur Rós\"), \"be listener 2\" (Ctrl+L), or ask \"how good are the "
           "models?\". F1 lists what I understand.")


def graphical_browser() -> bool:
    """Whether opening a URL can show a browser without taking over this terminal."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class ChatScreen(Screen):
    BINDINGS = [Binding("escape", "focus_prompt", "Prompt", show=False)]

    def __init__(self, restore_session: bool = True):
        super().__init__()
        self.restore_session = restore_session
        self.session_started = False
        self.transcript: list[tuple[str, str]] = []  # ("you" | "cratedig", text), saved with the session
        self.request = 0
        self.all_scores = False
        self.engine: Engine | None = None
        self.conversation: Conversation | None = None
        self.lock = threading.Lock()  # one worker at a time touches the conversation
        #: this window's hold on the saved conversation: None while another window or run has it,
        #: and then this window's conversation is not saved (the first window's is)
        self.session_claim = None
        self.claim_refused = False
        self.claiming = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield VerticalScroll(id="conversation")
            yield SidePanel(id="side")
        yield Static("starting …", id="status", markup=False)
        yield PromptInput(placeholder="Talk to the recommender… (F1 for help)", id="prompt")
        yield Footer()

    def on_mount(self) -> None:
        # Anchored: the newest reply stays in view as it grows (a table lays out after it mounts),
        # until the user scrolls up; the next reply brings the view back down.
        self.query_one("#conversation", VerticalScroll).anchor()
        self.add_reply(WELCOME, "text")
        self.query_one(PromptInput).focus()
        if self.engine is not None:  # the engine was ready before this screen was
            self._show_engine()

    # -- called by the app -------------------------------------------------------------------
    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(plain(text))

    def engine_ready(self, engine: Engine) -> None:
        from cratedig.engine.chat.conversation import Conversation

        with self.lock:  # models retrained: the conversation goes on where it was
            state = None if self.conversation is None else self.conversation.state
            self.conversation = Conversation(engine) if state is None else Conversation(engine, state)
        self.engine = engine
        if self.is_mounted:
            self._show_engine()

    def claim(self) -> bool:
        """Hold the saved conversation for this window; False (with one notification) when another
        window or `ask --session` run has it."""
        from cratedig.engine.chat.session import claim_session
        from cratedig.engine.errors import CratedigError

        with self.claiming:  # the restore and a save may both ask at once: one claim per window
            if self.session_claim is None:
                try:
                    self.session_claim = claim_session()
                except CratedigError as exc:
                    self.app.call_from_thread(self.notify, str(exc), severity="warning")
                    return False
                if self.session_claim is None and not self.claim_refused:
                    self.claim_refused = True  # said once; a later save tries again (the other may have closed)
                    self.app.call_from_thread(self.notify, "Another cratedig window has the saved conversation: "
                                              "this window's conversation will not be saved.", severity="warning",
                                              timeout=10)
            return self.session_claim is not None

    def on_unmount(self) -> None:
        """The window closes: the saved conversation is free for the next window or run."""
        if self.session_claim is not None:
            self.session_claim.release()
            self.session_claim = None

    @work(thread=True, exclusive=True, group="session")
    def restore(self) -> None:
        from cratedig.engine.chat.session import load_session

        if not self.claim():
            return
        saved, notice = load_session()
        if saved is None:
            if notice:
                self.app.call_from_thread(self.notify, notice, severity="warning", timeout=10)
            return
        with self.lock:
            said = self.conversation.restore(saved)
            self.transcript = list(saved.transcript)
        self.app.call_from_thread(self._show_restored, said)

    def _show_restored(self, said: str) -> None:
        shown = self.transcript[-RESTORED_SHOWN:]
        if len(self.transcript) > len(shown):
            self.add_reply(f"({len(self.transcript) - len(shown)} earlier messages not shown)", "text")
        for who, text in shown:
            if who == "you":
                self.query_one("#conversation").mount(UserMessage(text))
            else:
                self.add_reply(text, "text")
        self.add_reply(said, "text")
        self.refresh_state()

    @work(thread=True, exclusive=True, group="session-save")
    def save(self) -> None:
        """Keep the conversation for next time (in a worker: file I/O stays off the UI)."""
        with self.lock:
            snapshot = self.conversation.snapshot(self.transcript)
        self._write(snapshot)

    def _write(self, snapshot) -> None:
        """Save a session snapshot; from a worker thread."""
        from cratedig.engine.chat.session import save_session
        from cratedig.engine.errors import CratedigError

        if self.session_claim is None and not self.claim():
            return
        try:
            save_session(snapshot)
        except CratedigError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")

    def _show_engine(self) -> None:
        engine = self.engine
        summary = engine.summary()
        self.query_one(PromptInput).set_search(lambda text: engine.search(text, 1))
        self.set_status(f"{summary.kind} · {summary.listeners:,} listeners · {summary.artists:,} artists · "
                        f"{summary.plays:,} plays · models ready")
        self.refresh_state()
        if not self.session_started:  # once, after the welcome: the restored conversation follows it
            self.session_started = True
            if engine.resolve_artist(WELCOME_ARTIST) is None:  # the demo data, or another catalogue
                like, be = engine.example_prompts()
                self.add_reply(f"This catalogue has no {WELCOME_ARTIST}: try \"{like}\" or \"{be}\".", "text")
            if self.restore_session:
                self.restore()
            else:
                self.save()  # a new conversation replaces the saved one

    def refresh_state(self) -> None:
        if self.conversation is not None:
            self.query_one(SidePanel).show(self.conversation.state)

    def ask(self, prompt: str) -> None:
        """Send a prompt as if typed."""
        self._submit(prompt)

    def cycle_retriever(self) -> str:
        """Switch the retriever feeding the ranker to the next one; returns its name."""
        with self.lock:
            name = self.conversation.next_retriever()
        self.refresh_state()
        self.save()
        return name

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
            example = self.engine.example_prompts()[0] if self.engine is not None else "I like Björk"
            self.notify(f"Type something first, e.g. “{example}”", severity="warning")
            return
        event.input.remember(prompt)
        self._submit(prompt)

    def _submit(self, prompt: str) -> None:
        self.query_one("#conversation").mount(UserMessage(prompt[:500]))
        if self.conversation is None:
            self.add_reply("Still loading the dataset and models; try again in a moment.", "error")
            return
        self.request += 1
        self.set_status("thinking …")
        self.answer(prompt, self.request)

    @on(RowAction)
    def on_row_action(self, event: RowAction) -> None:
        if event.action == "open":
            self.open_page(event.name, event.url)
            return
        said = {"like": f"+ {event.name}", "leave out": f"- {event.name}", "similar": f"similar to {event.name}"}
        self.query_one("#conversation").mount(UserMessage(said[event.action]))
        self.request += 1
        self.set_status("thinking …")
        self.answer(said[event.action], self.request, (event.action, event.artist_id))

    def open_page(self, name: str, url: str) -> None:
        """The artist's Last.fm page in the system's browser; where there is none (a terminal
        without a desktop, over SSH), a notification with the address instead."""
        if not url:
            self.notify(f"No Last.fm page is known for {name}.", severity="warning")
        elif not graphical_browser():
            self.notify(f"No browser here; {name}: {url}", timeout=15)
        else:
            self.app.open_url(url)

    @work(thread=True, exclusive=True, group="answer")
    def answer(self, prompt: str, request: int, row: tuple[str, int] | None = None) -> None:
        with self.lock:
            reply = self.conversation.handle(prompt) if row is None else self.conversation.on_artist(*row)
            self.transcript += [("you", prompt[:500]), ("cratedig", reply.text)]
            snapshot = self.conversation.snapshot(self.transcript)
        # A newer prompt was sent meanwhile: its answer is the one to show.
        if request == self.request:
            self.app.call_from_thread(self.show_reply, reply, request)
        self._write(snapshot)  # after showing: the disk never delays an answer

    def show_reply(self, reply: Reply, request: int) -> None:
        from cratedig.engine.chat.replies import CopyReply, ErrorReply, EvaluationReply, NeighboursReply, SuggestionsReply

        if request != self.request:
            return
        result: Widget | None = None
        match reply:
            case SuggestionsReply(recommendations=recommendations):
                result = SuggestionsTable(recommendations, all_scores=self.all_scores)
            case NeighboursReply(neighbours=neighbours):
                result = NeighboursTable(neighbours)
            case EvaluationReply(report=report):
                result = EvaluationTable(report)
            case CopyReply(clipboard=text):
                self.app.copy_to_clipboard(text)  # made visible by the engine (export.as_text)
        self.add_reply(reply.text, reply.kind, result)
        state = self.conversation.state
        self.set_status(f"{state.who} · retriever {state.retriever}")
        if reply.state_changed:
            self.refresh_state()
        if isinstance(reply, ErrorReply):
            self.notify(reply.text, severity="error")

    def add_reply(self, text: str, kind: str, result: Widget | None = None) -> None:
        conversation = self.query_one("#conversation")
        conversation.mount(BotMessage(text, kind, result))
        conversation.scroll_end(animate=False)

    @on(PromptInput.ScrollTranscript)
    def scroll_transcript(self, event: PromptInput.ScrollTranscript) -> None:
        conversation = self.query_one("#conversation", VerticalScroll)
        {"page_up": conversation.scroll_page_up, "page_down": conversation.scroll_page_down,
         "home": conversation.scroll_home, "end": conversation.scroll_end}[event.where](animate=False)

    def action_focus_prompt(self) -> None:
        self.query_one(PromptInput).focus()

    # -- side panel edits -------------------------------------------------------------------
    @on(SidePanel.Removed)
    def on_removed(self, event: SidePanel.Removed) -> None:
        conversation = self.conversation
        if conversation is None:
            return
        with self.lock:
            (conversation.remove_liked if event.which == "liked" else conversation.remove_disliked)(event.artist_id)
        self.refresh_state()
        if conversation.state.liked or conversation.state.listener_id is not None:
            self.ask("recommend")  # saves the session with its answer
        else:
            self.save()

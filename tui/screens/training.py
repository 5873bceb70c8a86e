"""Training (or evaluating) with a progress bar per model; cancellable at epoch ends."""
from __future__ import annotations

import threading

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, ProgressBar, Static


class TrainingCancelled(Exception):
    pass


class TrainingScreen(ModalScreen[bool]):
    """Dismisses True when the models (or the evaluation) are ready, False when cancelled."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, engine, retrain: bool = False, evaluate: bool = False):
        super().__init__()
        self.engine, self.retrain, self.evaluate = engine, retrain, evaluate
        self.cancelled = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="training"):
            title = "Evaluating on a hold-out split" if self.evaluate else "Training the four models"
            yield Static(f"{title} (once per dataset; the cache makes the next start instant)", classes="title")
            for name in self.engine.model_names:
                yield Label(f"{name}: waiting", id=f"label-{name}")
                yield ProgressBar(id=f"bar-{name}", show_eta=False)
            yield Button("Cancel", id="cancel", variant="error")

    def on_mount(self) -> None:
        self.run_job()

    def progress(self, event) -> None:
        if self.cancelled.is_set():
            raise TrainingCancelled()
        self.app.call_from_thread(self._update, event)

    def _update(self, event) -> None:
        if event.model not in self.engine.model_names:
            return
        self.query_one(f"#bar-{event.model}", ProgressBar).update(total=event.epochs, progress=event.epoch)
        self.query_one(f"#label-{event.model}", Label).update(
            f"{event.model}: epoch {event.epoch}/{event.epochs}, loss {event.loss:.4g}")

    @work(thread=True, exclusive=True, group="train")
    def run_job(self) -> None:
        from cratedig.engine.errors import CratedigError

        notice = lambda m: self.app.call_from_thread(self.notify, m, severity="warning")  # noqa: E731
        try:
            if self.evaluate:
                self.engine.evaluate(self.progress, notice)
            else:
                self.engine.load_models(progress=self.progress, notice=notice, retrain=self.retrain)
        except TrainingCancelled:
            self.app.call_from_thread(self.dismiss, False)
            return
        except CratedigError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            self.app.call_from_thread(self.dismiss, False)
            return
        self.app.call_from_thread(self.dismiss, True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.cancelled.set()
        self.query_one("#cancel", Button).label = "Cancelling at the end of this epoch…"

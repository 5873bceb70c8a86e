"""The cratedig app: a conversation with the recommender, on top of the engine's facade."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from textual import on, work
from textual.app import App, SystemCommand
from textual.screen import Screen

from cratedig.assets import stylesheet
from cratedig.engine.chat.session import load_settings, save_settings
from cratedig.engine.errors import printable
from cratedig.tui.messages import OpenArtist
from cratedig.tui.screens.chat import ChatScreen


class CratedigApp(App):
    """Opens on the conversation at once; data and models load in a worker behind it."""

    TITLE = "cratedig"
    SUB_TITLE = "talk to the recommender"
    CSS_PATH = stylesheet()
    #: at 100 columns or fewer the side panel folds away and the reply margins narrow (app.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (101, "-wide")]
    BINDINGS = [
        ("f1", "help", "Help"),
        ("ctrl+l", "pick_listener", "Listener"),
        ("f2", "model_checks", "Models"),
        ("f3", "cycle_retriever", "Retriever"),
        ("f4", "toggle_side", "Panel"),
        ("ctrl+s", "save", "Save"),
        ("ctrl+y", "copy", "Copy"),
        ("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, data: str | None = None, demo: bool = False, engine=None, new_session: bool = False,
                 restore_session: bool = True, kind: str | None = None):
        super().__init__()
        self.data_arg, self.demo, self.kind = data, demo, kind  # kind: --dataset (None: told from the files)
        self.engine = engine  # engine.api.Engine once loaded
        #: take up the saved conversation (unless `new_session`); tests and benchmarks may opt out
        self.restore_session = restore_session and not new_session
        self.chat: ChatScreen | None = None

    def on_mount(self) -> None:
        theme = load_settings().get("theme")
        if theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, lambda theme: save_settings(theme=theme.name))
        self.chat = ChatScreen(self.restore_session)
        self.push_screen(self.chat)
        if self.engine is None:
            self.load_engine()
        else:
            self.engine_ready()

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Notifications carry data (names, paths, prompts): never markup, control characters visible."""
        super().notify(printable(message), title=printable(title), severity=severity, timeout=timeout, markup=False)

    @property
    def conversation(self):
        """The chat screen's conversation (None until the models are ready)."""
        return None if self.chat is None else self.chat.conversation

    # -- loading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load")
    def load_engine(self, data_dir: str | None = None) -> None:
        from cratedig.engine import api
        from cratedig.engine.errors import CratedigError

        try:
            directory = Path(data_dir) if data_dir else api.locate_data(self.data_arg, self.demo, self.kind)
            if not api.dataset_present(directory):
                self.call_from_thread(self.show_setup, directory)
                return
            self.call_from_thread(self.chat.set_status, f"loading {directory} …")
            engine = api.Engine(directory, kind=None if self.demo else self.kind)
            if engine.models_cached():
                # A damaged cache file is reported and that model rebuilt here, progress in the status line.
                engine.load_models(
                    notice=lambda m: self.call_from_thread(self.notify, m, severity="warning", timeout=10),
                    progress=lambda e: self.call_from_thread(
                        self.chat.set_status, f"rebuilding {e.model}: epoch {e.epoch}/{e.epochs}"))
                if engine.models_cached():
                    self.engine = engine
                    self.call_from_thread(self.engine_ready)
                    return
            self.engine = engine
            self.call_from_thread(self.show_training)
        except CratedigError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            self.call_from_thread(self.chat.set_status, "no data loaded: F1 for help")

    def show_setup(self, directory: Path) -> None:
        from cratedig.tui.screens.setup import SetupScreen

        self.chat.set_status("no dataset yet")
        self.push_screen(SetupScreen(directory, self.kind), self._setup_done)

    def _setup_done(self, directory: str | None) -> None:
        if directory is None:
            self.chat.set_status("no dataset: press Ctrl+P → Download dataset or Use demo data")
            return
        self.load_engine(directory)

    def show_training(self, retrain: bool = False) -> None:
        from cratedig.tui.screens.training import TrainingScreen

        self.push_screen(TrainingScreen(self.engine, retrain=retrain), self._training_done)

    def _training_done(self, ok: bool | None) -> None:
        if ok:
            self.engine_ready()
        else:
            self.chat.set_status("models not trained: Ctrl+P → Retrain models")
            self.notify("Training cancelled; the conversation needs trained models.", severity="warning")

    def engine_ready(self) -> None:
        self.chat.engine_ready(self.engine)

    # -- actions ---------------------------------------------------------------------------
    def action_help(self) -> None:
        from cratedig.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_pick_listener(self) -> None:
        if not self._need_engine():
            return
        from cratedig.tui.screens.listener_picker import ListenerPickerScreen

        self.push_screen(ListenerPickerScreen(self.engine), self._become)

    def _become(self, listener_id: int | None) -> None:
        if listener_id is not None:
            self.chat.ask(f"be listener {listener_id}")

    def action_model_checks(self) -> None:
        if not self._need_engine():
            return
        from cratedig.tui.screens.models import ModelsScreen

        self.push_screen(ModelsScreen(self.engine), self._model_checks_done)

    def _model_checks_done(self, choice: str | None) -> None:
        if choice == "evaluate":
            self.action_evaluate()
        elif choice == "retrain":
            self.action_retrain()

    def action_cycle_retriever(self) -> None:
        if self._need_engine():
            self.notify(f"retrieval now by {self.chat.cycle_retriever()}")

    @on(OpenArtist)
    def open_artist(self, message: OpenArtist) -> None:
        if not self._need_engine():
            return
        from cratedig.tui.screens.artist import ArtistScreen

        self.push_screen(ArtistScreen(self.engine, message.artist_id), self._become)

    def action_retrain(self) -> None:
        if self._need_engine():
            self.show_training(retrain=True)

    def action_evaluate(self) -> None:
        if not self._need_engine():
            return
        from cratedig.tui.screens.training import TrainingScreen

        self.push_screen(TrainingScreen(self.engine, evaluate=True), self._evaluated)

    def _evaluated(self, ok: bool | None) -> None:
        if ok:
            self.chat.ask("how good are the models?")

    def action_download(self) -> None:
        from cratedig.engine import api

        self.show_setup(api.default_data_dir(self.kind))

    def action_demo(self) -> None:
        self.demo = True
        self.load_engine()

    def action_reset(self) -> None:
        self.chat.ask("reset")

    def action_toggle_side(self) -> None:
        """Show the side panel on a narrow terminal (where it is folded away), hide it on a wide one
        (the breakpoint classes are the screen's)."""
        if self.chat is not None:
            self.chat.toggle_class("-side-toggled")

    def action_save(self) -> None:
        if not self._need_engine():
            return
        from cratedig.engine.chat.export import default_path
        from cratedig.tui.screens.save_dialog import SaveDialog

        self.push_screen(SaveDialog(str(default_path().absolute())), self._save_to)

    def action_import_history(self) -> None:
        if not self._need_engine():
            return
        from cratedig.tui.screens.import_dialog import ImportDialog

        self.push_screen(ImportDialog(), self._import_from)

    def _import_from(self, path: str | None) -> None:
        if path:
            self.chat.ask(f'import "{path}"' if " " in path else f"import {path}")

    def _save_to(self, path: str | None) -> None:
        if path:
            self.chat.ask(f"save as {path}")

    def action_copy(self) -> None:
        if self._need_engine():
            self.chat.ask("copy")

    def action_toggle_scores(self) -> None:
        self.chat.toggle_scores()

    def _need_engine(self) -> bool:
        if self.engine is None or self.conversation is None:
            self.notify("Still loading the dataset and models…", severity="warning")
            return False
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Import listening history", "Read your Last.fm, ListenBrainz or Spotify export and "
                            "recommend from it", self.action_import_history)
        yield SystemCommand("Pick a listener", "Choose a real Last.FM listener", self.action_pick_listener)
        yield SystemCommand("Model checks", "Evaluation, loss curves, embedding plots", self.action_model_checks)
        yield SystemCommand("Switch retriever", "Cycle the retrieval model feeding the ranker",
                            self.action_cycle_retriever)
        yield SystemCommand("Toggle all scores", "Show every model's score in the latest suggestions",
                            self.action_toggle_scores)
        yield SystemCommand("Retrain models", "Train all four models again", self.action_retrain)
        yield SystemCommand("Evaluate models", "Hold-out evaluation of every model (trains on a split)",
                            self.action_evaluate)
        yield SystemCommand("Reset conversation", "Forget the listener and liked artists", self.action_reset)
        yield SystemCommand("Save suggestions", "Write the current suggestions to .csv, .json, .md, .xspf or .lidarr.json",
                            self.action_save)
        yield SystemCommand("Copy suggestions", "Put the current suggestions on the clipboard", self.action_copy)
        yield SystemCommand("Download dataset", "Fetch the official GroupLens zip", self.action_download)
        yield SystemCommand("Use demo data", "Open the synthetic demo dataset (no download)", self.action_demo)
        yield SystemCommand("Help", "What the prompt understands", self.action_help)

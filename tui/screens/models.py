"""Model sanity checks: the evaluation table, loss curves, norm vs popularity, a 2-D map."""
from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from cratedig.tui.text import plain
from cratedig.tui.widgets.replies import EvaluationTable, SeedsTable

class ModelsScreen(ModalScreen[str | None]):
    """Dismisses with "evaluate" or "retrain" when asked for one, else None."""
    BINDINGS = [("escape", "close", "Close"), ("e", "evaluate", "Evaluate"), ("t", "retrain", "Retrain")]

    def __init__(self, engine):
        super().__init__()
        self.engine = engine

    def compose(self) -> ComposeResult:
        report = self.engine.evaluation_report()
        with Vertical(id="models"):
            yield Static("Model sanity checks — e: evaluate · t: retrain · Esc: back", classes="title")
            yield Static(plain(f"dataset {self.engine.dataset_kind} · context used {self.engine.context_content()}"))
            with TabbedContent():
                with TabPane("Evaluation", id="tab-eval"):
                    if report:
                        yield EvaluationTable(report)
                        r = report.ranking_rmse
                        yield Static(f"ranking RMSE {r['ranking']:.4f} vs per-listener mean {r['per_listener_mean']:.4f}")
                    else:
                        yield Static("No evaluation yet: press e (trains on a hold-out split, a few minutes).")
                seeds = self.engine.seeds_table()
                if seeds:
                    with TabPane(f"Over {len(seeds[0])} seeds", id="tab-seeds"):
                        yield SeedsTable(*seeds)
                with TabPane("Loss curves", id="tab-loss"):
                    yield PlotextPlot(id="loss")
                with TabPane("Norm vs popularity", id="tab-norm"):
                    yield PlotextPlot(id="norm")
                with TabPane("Embedding map", id="tab-map"):
                    yield PlotextPlot(id="map")

    def on_mount(self) -> None:
        self.draw()

    @work(thread=True, exclusive=True, group="plots")
    def draw(self) -> None:
        losses = self.engine.training_losses()
        popularity, norms = self.engine.norm_vs_popularity(self.engine.default_retriever)
        genre_map = self.engine.embedding_map(self.engine.default_retriever)
        self.app.call_from_thread(self._draw, losses, popularity, norms, genre_map)

    def _draw(self, losses, popularity, norms, genre_map) -> None:
        loss = self.query_one("#loss", PlotextPlot)
        loss.plt.clear_figure()
        for name, values in losses.items():
            first = values[0] or 1.0
            loss.plt.plot([v / first for v in values], label=name)
        loss.plt.title("training loss (relative to epoch 1)")
        loss.plt.xlabel("epoch")
        norm = self.query_one("#norm", PlotextPlot)
        norm.plt.clear_figure()
        norm.plt.scatter(list(popularity), list(norms), marker="dot")
        norm.plt.xscale("log")
        norm.plt.title(f"{self.engine.default_retriever}: artist embedding norm vs listeners")
        norm.plt.xlabel("listeners (log)")
        artist_map = self.query_one("#map", PlotextPlot)
        artist_map.plt.clear_figure()
        for genre, (xs, ys) in genre_map.items():
            artist_map.plt.scatter(xs, ys, label=genre, marker="dot")
        artist_map.plt.title(f"{self.engine.default_retriever} artist space, PCA of unit vectors, top genres")
        for plot in (loss, norm, artist_map):
            plot.refresh()

    def action_evaluate(self) -> None:
        self.dismiss("evaluate")

    def action_retrain(self) -> None:
        self.dismiss("retrain")

    def action_close(self) -> None:
        self.dismiss(None)

"""What the conversation shows: the user's prompt, and replies with their inline result tables."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from tui.messages import OpenArtist
from tui.text import plain


class UserMessage(Static):
    """What the user typed."""

    def __init__(self, text: str):
        super().__init__(text, markup=False)


class BotMessage(Vertical):
    """A reply: text, and a focusable table when the reply carries a result."""

    def __init__(self, text: str, kind: str = "text", result: Widget | None = None):
        super().__init__(classes=f"bot {kind}")
        self.text, self.result = text, result

    def compose(self) -> ComposeResult:
        yield Static(self.text, markup=False, classes="bot-text")
        if self.result is not None:
            yield self.result


def movement_label(move: int) -> str:
    return f"↑{move}" if move > 0 else (f"↓{-move}" if move < 0 else "=")


class ArtistTable(DataTable):
    """A table whose rows are keyed by Last.FM artist id: Enter opens the artist."""

    BINDINGS = [("enter", "open_artist", "Artist")]

    def action_open_artist(self) -> None:
        if self.row_count:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
            self.post_message(OpenArtist(int(key)))


class SuggestionsTable(ArtistTable):
    """Top K suggestions, retrieved then ranked; `all_scores` shows every model's score."""

    BINDINGS = [("s", "toggle_scores", "All scores")]

    def __init__(self, recommendations, all_scores: bool = False, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.recommendations = recommendations
        self.all_scores = all_scores

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        self.clear(columns=True)
        suggestions = self.recommendations.suggestions
        models = list(suggestions[0].model_scores) if suggestions else []
        columns = ["#", "move", "artist", "reason", "genre", "ranking", "retrieval"]
        if self.all_scores:
            columns += models
        self.add_columns(*columns)
        for s in suggestions:
            row = [str(s.rank_after), movement_label(s.movement) if s.ranking_score is not None else "",
                   plain(s.name), plain(s.reason), plain(s.genre), "-" if s.ranking_score is None else f"{s.ranking_score:.3f}",
                   f"{s.retrieval_score:.3f}"]
            if self.all_scores:
                row += [f"{s.model_scores[m]:.3f}" for m in models]
            self.add_row(*row, key=str(s.artist_id))

    def action_toggle_scores(self) -> None:
        self.all_scores = not self.all_scores
        self.fill()


class NeighboursTable(ArtistTable):
    """Cosine and dot-product neighbours side by side."""

    def __init__(self, neighbours, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.neighbours = neighbours

    def on_mount(self) -> None:
        self.add_columns("#", "cosine", "genre", "", "dot", "genre ")
        for i, (c, d) in enumerate(zip(self.neighbours.cosine, self.neighbours.dot), start=1):
            self.add_row(str(i), plain(f"{c.name} ({c.score:.2f})"), plain(c.genre), "same" if c.same_genre else "cross",
                         plain(f"{d.name} ({d.score:.2f})"), plain(d.genre), key=str(c.artist_id))


class EvaluationTable(DataTable):
    """The hold-out evaluation report (an engine EvaluationReport)."""

    def __init__(self, report, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.report = report

    def on_mount(self) -> None:
        from engine.api import EVALUATION_COLUMNS  # loaded already: there is a report

        self.add_columns("model", *EVALUATION_COLUMNS)
        for row in self.report.rows:
            self.add_row(plain(row["model"]), *(f"{row[c]:.3f}" if c != "train_seconds" else f"{row[c]:.0f}s"
                                         for c in EVALUATION_COLUMNS))

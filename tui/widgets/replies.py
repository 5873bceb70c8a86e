"""What the conversation shows: the user's prompt, and replies with their inline result tables."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from cratedig.tui.messages import OpenArtist, RowAction
from rich.text import Text

from cratedig.tui.text import lines, linked, plain
from cratedig.tui.widgets.fit import Column, ellipsized, fit


class UserMessage(Static):
    """What the user typed (control characters shown as escapes, never sent to the terminal)."""

    def __init__(self, text: str):
        super().__init__(lines(*text.split("\n")))
        self.text = text


class BotMessage(Vertical):
    """A reply: text, and a focusable table when the reply carries a result."""

    def __init__(self, text: str, kind: str = "text", result: Widget | None = None):
        super().__init__(classes=f"bot {kind}")
        self.text, self.result = text, result

    def compose(self) -> ComposeResult:
        yield Static(lines(*self.text.split("\n")), classes="bot-text")  # data in it: never raw, never markup
        if self.result is not None:
            yield self.result


def movement_label(move: int) -> str:
    return f"↑{move}" if move > 0 else (f"↓{-move}" if move < 0 else "=")


#: rows a reply's table shows before it scrolls (BotMessage DataTable's max-height, less the header)
MAX_ROWS = 50


class FittedTable(DataTable):
    """A table that lays its columns out to the width it has (see tui.widgets.fit), again when the
    terminal is resized and only then: an earlier reply keeps its layout as new ones arrive."""

    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.fitted_width = 0

    def columns_to_show(self) -> tuple[list[Column], list[str]]:
        """The columns with all their cells, and each row's key."""
        raise NotImplementedError

    def fill(self) -> None:
        self.fitted_width = self.size.width
        columns, keys = self.columns_to_show()
        # Past MAX_ROWS rows (the stylesheet's max-height) the table shows a vertical scrollbar.
        room = self.fitted_width - (self.styles.scrollbar_size_vertical if len(keys) >= MAX_ROWS else 0)
        layout = fit(columns, room) if self.fitted_width else [(c, c.natural) for c in columns]
        self.clear(columns=True)
        for column, width in layout:
            self.add_column(column.label, width=width)
        for row, key in enumerate(keys):
            self.add_row(*(ellipsized(column.cells[row], width) for column, width in layout), key=key)

    def on_mount(self) -> None:
        if self.size.width:  # else the first Resize lays it out, once its width is known
            self.fill()

    def on_resize(self, event) -> None:
        if event.size.width != self.fitted_width:
            self.fill()


class ArtistTable(FittedTable):
    """A table whose rows are keyed by Last.FM artist id: Enter opens the artist."""

    BINDINGS = [("enter", "open_artist", "Artist")]

    def action_open_artist(self) -> None:
        if self.row_count:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
            self.post_message(OpenArtist(int(key)))


class SuggestionsTable(ArtistTable):
    """Top K suggestions, retrieved then ranked; `all_scores` shows every model's score. On a row:
    + likes the artist, - leaves it out, m shows similar artists, o opens its Last.fm page."""

    BINDINGS = [("s", "toggle_scores", "All scores"), ("plus", "row('like')", "Like"),
                ("minus", "row('leave out')", "Leave out"), ("m", "row('similar')", "Similar"),
                ("o", "row('open')", "Open page")]

    def __init__(self, recommendations, all_scores: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.recommendations = recommendations
        self.all_scores = all_scores

    def columns_to_show(self) -> tuple[list[Column], list[str]]:
        rows = self.recommendations.suggestions
        models = list(rows[0].model_scores) if rows and self.all_scores else []

        def number(value):
            return Text("-" if value is None else f"{value:.3f}", justify="right")

        columns = [
            Column("#", [Text(str(s.rank_after)) for s in rows]),
            Column("move", [Text(movement_label(s.movement) if s.ranking_score is not None else "") for s in rows],
                   drop_order=1),
            Column("artist", [linked(s.name, s.url) for s in rows], flexible=True, minimum=10, whole=True),
            Column("reason", [plain(s.reason) for s in rows], flexible=True, minimum=12, drop_order=3),
        ] + ([Column("genre", [plain(s.genre) for s in rows], flexible=True, minimum=6, drop_order=4, whole=True)]
             if any(s.genre for s in rows) else []) + [  # no tags in the dataset: no genre column
            Column("ranking", [number(s.ranking_score) for s in rows], drop_order=5),
            Column("retrieval", [number(s.retrieval_score) for s in rows], drop_order=2),
        ] + [Column(m, [number(s.model_scores[m]) for s in rows]) for m in models]  # asked for: never dropped
        return columns, [str(s.artist_id) for s in rows]

    def action_toggle_scores(self) -> None:
        self.all_scores = not self.all_scores
        self.fill()

    def action_row(self, action: str) -> None:
        if self.row_count:
            chosen = self.recommendations.suggestions[self.cursor_coordinate.row]
            self.post_message(RowAction(action, chosen.artist_id, chosen.name, chosen.url))


class NeighboursTable(ArtistTable):
    """Cosine and dot-product neighbours side by side."""

    def __init__(self, neighbours, **kwargs):
        super().__init__(**kwargs)
        self.neighbours = neighbours

    def columns_to_show(self) -> tuple[list[Column], list[str]]:
        pairs = list(zip(self.neighbours.cosine, self.neighbours.dot))
        columns = [
            Column("#", [Text(str(i)) for i in range(1, len(pairs) + 1)]),
            Column("cosine", [linked(f"{c.name} ({c.score:.2f})", c.url) for c, _ in pairs], flexible=True,
                   minimum=12),
            Column("genre", [plain(c.genre) for c, _ in pairs], flexible=True, minimum=6, drop_order=2),
            Column("", [Text("same" if c.same_genre else "cross") for c, _ in pairs], drop_order=1),
            Column("dot", [linked(f"{d.name} ({d.score:.2f})", d.url) for _, d in pairs], flexible=True, minimum=12),
            Column("genre ", [plain(d.genre) for _, d in pairs], flexible=True, minimum=6, drop_order=3),
        ]
        if not any(c.genre or d.genre for c, d in pairs):  # no tags in the dataset: no genre columns
            columns = [c for c in columns if c.label not in ("genre", "", "genre ")]
        return columns, [str(c.artist_id) for c, _ in pairs]


def _figure(value, template: str) -> str:
    """A measured value; a dash where nothing was measured (no long tail; a report saved before
    the column existed)."""
    return "–" if value is None else template.format(value)


class EvaluationTable(FittedTable):
    """The hold-out evaluation report (an engine EvaluationReport), fitted to the width it has: on a
    narrow terminal the model names shrink, then the less read columns go (train seconds, @20,
    coverage, long tail), recall@10 and NDCG@10 last."""

    #: which metric columns go first when they do not all fit (lowest first); None: kept
    DROP = {"train_seconds": 1, "recall@20": 2, "ndcg@20": 3, "coverage@10": 4, "tail_recall@10": 5}

    def __init__(self, report, **kwargs):
        super().__init__(**kwargs)
        self.report = report

    def columns_to_show(self) -> tuple[list[Column], list[str]]:
        from cratedig.engine.api import EVALUATION_COLUMNS  # loaded already: there is a report

        rows = self.report.rows
        columns = [Column("model", [plain(row["model"]) for row in rows], flexible=True, minimum=9, whole=True)]
        columns += [Column(c, [Text(_figure(row.get(c), "{:.0f}s" if c == "train_seconds" else "{:.3f}"), justify="right")
                               for row in rows], drop_order=self.DROP.get(c)) for c in EVALUATION_COLUMNS]
        return columns, [str(i) for i in range(len(rows))]


class SeedsTable(DataTable):
    """`cratedig eval --seeds N`: mean ± std of each metric over the seeds."""

    def __init__(self, seeds: list[int], rows: list[dict], **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.seeds, self.summary = seeds, rows  # not `rows`: a DataTable's own attribute

    def on_mount(self) -> None:
        metrics = [m for m in self.summary[0] if m != "model"] if self.summary else []
        self.add_columns("model", *metrics)
        for row in self.summary:
            self.add_row(plain(row["model"]), *(_figure(row.get(m), "{0[0]:.3f} ± {0[1]:.3f}") for m in metrics))

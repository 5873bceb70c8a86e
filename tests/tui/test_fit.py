"""Tables fit the terminal: no cell cut mid-word (ellipsized with "…" or its column dropped), at
80x24 and 130x42, and an earlier reply keeps its layout when the next arrives."""
from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text

from tests.tui.test_app_flows import say
from cratedig.tui.app import CratedigApp
from cratedig.tui.widgets.fit import PADDING, Column, ellipsized, fit
from cratedig.tui.widgets.replies import NeighboursTable, SuggestionsTable


def test_natural_widths_when_they_fit_else_flexible_columns_shrink_then_columns_go():
    columns = [Column("#", [Text("10")]), Column("artist", [Text("Florence + the Machine")], flexible=True),
               Column("reason", [Text("because you play Christina Aguilera")], flexible=True, drop_order=2),
               Column("retrieval", [Text("0.123")], drop_order=1)]
    assert [w for _, w in fit(columns, 200)] == [2, 22, 35, 9]
    narrow = fit(columns, 50)
    assert sum(w for _, w in narrow) + PADDING * len(narrow) <= 50 and [c.label for c, _ in narrow][:2] == ["#", "artist"]
    tiny = fit(columns, 18)
    assert [c.label for c, _ in tiny] == ["#", "artist"]
    assert ellipsized(Text("Florence + the Machine"), 10).plain == "Florence …"
    assert ellipsized(Text("Muse"), 10).plain == "Muse"


def _check_no_cut(table) -> None:
    widths = [c.width for c in table.columns.values()]
    assert sum(widths) + PADDING * len(widths) <= table.size.width
    for row in range(table.row_count):
        for cell, width in zip(table.get_row_at(row), widths):
            text = cell.plain if isinstance(cell, Text) else str(cell)
            assert cell_len(text) <= width, (text, width)


@pytest.mark.parametrize("size", [(80, 24), (130, 42)])
async def test_tables_fit_the_terminal_and_keep_their_layout(small_engine, size):
    names = [str(n) for n in small_engine.dataset.artist_names[:3]]
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=size) as pilot:
        await say(pilot, f"I like {names[0]}, {names[1]}")
        first = app.screen.query(SuggestionsTable).last()
        layout = [(str(c.label), c.width) for c in first.columns.values()]
        _check_no_cut(first)
        await say(pilot, f"who is close to {names[2]}")
        _check_no_cut(app.screen.query(NeighboursTable).last())
        await say(pilot, "show me 20")
        _check_no_cut(app.screen.query(SuggestionsTable).last())
        assert [(str(c.label), c.width) for c in first.columns.values()] == layout


@pytest.mark.parametrize("size", [(80, 24), (130, 42)], ids=["80_by_24", "130_by_42"])
def test_suggestions_at(snap_compare, small_engine, size):
    name = str(small_engine.dataset.artist_names[0])

    async def run_before(pilot):
        pilot.app.screen.query_one("#prompt").cursor_blink = False
        await say(pilot, f"I like {name}")

    assert snap_compare(CratedigApp(engine=small_engine), terminal_size=size, run_before=run_before)


def test_names_stay_whole_while_other_columns_shrink_or_go():
    name = "Florence + the Machine"
    columns = [Column("#", [Text("10")]), Column("artist", [Text(name)], flexible=True, whole=True),
               Column("reason", [Text("because you play Christina Aguilera")], flexible=True, minimum=12, drop_order=2),
               Column("genre", [Text("singer-songwriter")], flexible=True, minimum=6, drop_order=3),
               Column("retrieval", [Text("0.123")], drop_order=1)]
    for width in (90, 70, 60, 50, 40):
        widths = {c.label: w for c, w in fit(columns, width)}
        assert widths["artist"] == len(name), (width, widths)  # shrinks only when nothing is left to go
        assert sum(widths.values()) + PADDING * len(widths) <= width
    assert {c.label: w for c, w in fit(columns, 20)}["artist"] < len(name)

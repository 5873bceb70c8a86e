"""Layouts that fit: at 100 columns or fewer the side panel folds away (F4 shows it), tables are as
tall as their rows (no inner scrollbar up to 50 rows), and the evaluation table and the listener
picker fit 80x24 with no horizontal scrolling."""
from __future__ import annotations

import pytest

from cratedig.engine.api import EVALUATION_COLUMNS, EvaluationReport
from cratedig.tui.app import CratedigApp
from cratedig.tui.widgets.replies import EvaluationTable, SuggestionsTable
from tests.tui.test_app_flows import say, suggestions_for, wait_until


@pytest.fixture
def app(small_engine):
    return CratedigApp(engine=small_engine)


@pytest.mark.parametrize("size, shown", [((80, 24), False), ((100, 30), False), ((130, 42), True)])
async def test_the_side_panel_folds_at_100_columns_and_f4_toggles_it(app, small_engine, size, shown):
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.2)
        side = app.screen.query_one("#side")
        assert side.display is shown
        await pilot.press("f4")
        await pilot.pause(0.1)
        assert side.display is (not shown)
        if not shown:  # shown on demand, it still leaves the conversation room
            assert side.region.width <= 30 and app.screen.query_one("#conversation").region.width >= 45


async def test_a_table_is_as_tall_as_its_rows_up_to_50(app, small_engine):
    async with app.run_test(size=(80, 24)) as pilot:
        await suggestions_for(pilot, str(small_engine.dataset.artist_names[0]))
        await say(pilot, "show me 50")
        table = app.screen.query(SuggestionsTable).last()
        assert table.row_count == 50
        assert table.max_scroll_y == 0 and table.size.height == 51  # every row and the header
        assert table.max_scroll_x == 0
        at = [str(c.label) for c in table.columns.values()].index("artist")
        names = [table.get_row_at(r)[at].plain for r in range(50)]
        wanted = [s.name for s in table.recommendations.suggestions]
        assert names == wanted  # artist names whole at 80 columns


async def test_the_evaluation_table_fits_80_columns(small_engine):
    rows = [{"model": label, **{c: 0.1234 + i / 100 for i, c in enumerate(EVALUATION_COLUMNS)}}
            for label in ("mf", "retrieval", "ranking (mf then ranked)", "context", "mostpop", "itemknn", "ease")]
    report = EvaluationReport("small", 42, 100, rows, {})
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        app.chat.add_reply("Hold-out evaluation:", "text", EvaluationTable(report))
        await pilot.pause(0.3)
        table = app.screen.query(EvaluationTable).last()
        labels = [str(c.label) for c in table.columns.values()]
        assert {"model", "recall@10", "ndcg@10"} <= set(labels)
        assert table.max_scroll_x == 0 and table.row_count == 7
        assert "ranking (mf then ranked)" in [table.get_row_at(r)[0].plain for r in range(7)]


async def test_the_listener_picker_works_at_80_by_24(app, small_engine):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ListenerPickerScreen")
        table = app.screen.query_one("#listeners")
        await wait_until(pilot, lambda: table.row_count > 0)
        await pilot.pause(0.2)
        assert table.max_scroll_x == 0 and table.region.right <= 80 and table.region.height >= 5
        await pilot.press(*"12")
        await wait_until(pilot, lambda: 0 < table.row_count < 30)
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ChatScreen")
        await wait_until(pilot, lambda: app.conversation.state.listener_id is not None)

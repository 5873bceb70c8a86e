"""Keys on a suggestion row: + likes the artist, - leaves it out, m shows similar artists, o opens
its Last.fm page (a notification with the address where there is no browser); the side panel and
the conversation's state follow."""
from __future__ import annotations

import pytest

from cratedig.tui.app import CratedigApp
from cratedig.tui.screens import chat as chat_screen
from cratedig.tui.widgets.replies import NeighboursTable, SuggestionsTable
from tests.tui.test_app_flows import last_reply, suggestions_for, wait_until

SIZE = (110, 34)


@pytest.fixture
def app(small_engine):
    return CratedigApp(engine=small_engine)


async def _press_on_first_row(pilot, key: str) -> None:
    app = pilot.app
    table = app.screen.query(SuggestionsTable).last()
    table.focus()
    table.move_cursor(row=0)
    before = len(app.screen.query("BotMessage"))
    await pilot.press(key)
    await wait_until(pilot, lambda: len(app.screen.query("BotMessage")) > before)
    await pilot.pause(0.1)


async def test_plus_likes_minus_leaves_out_and_m_shows_similar_artists(app, small_engine):
    async with app.run_test(size=SIZE) as pilot:
        table = await suggestions_for(pilot, str(small_engine.dataset.artist_names[0]))
        first = table.recommendations.suggestions[0]
        await _press_on_first_row(pilot, "plus")
        assert first.artist_id in {a.artist_id for a in app.conversation.state.liked}
        assert len(app.screen.query_one("#liked").children) == 2
        assert last_reply(app).query(SuggestionsTable)
        second = app.screen.query(SuggestionsTable).last().recommendations.suggestions[0]
        await _press_on_first_row(pilot, "minus")
        assert second.artist_id in {a.artist_id for a in app.conversation.state.disliked}
        third = app.screen.query(SuggestionsTable).last().recommendations.suggestions[0]
        assert second.artist_id not in {s.artist_id for s in app.screen.query(SuggestionsTable).last().recommendations.suggestions}
        await _press_on_first_row(pilot, "m")
        shown = last_reply(app).query(NeighboursTable)
        assert shown and third.name in last_reply(app).text


async def test_o_opens_the_page_or_says_where_it_is(app, small_engine, monkeypatch):
    opened = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = await suggestions_for(pilot, str(small_engine.dataset.artist_names[1]))
        first = table.recommendations.suggestions[0]
        monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
        table.focus()
        table.move_cursor(row=0)
        monkeypatch.setattr(chat_screen, "graphical_browser", lambda: False)
        await pilot.press("o")
        await wait_until(pilot, lambda: any(first.url in n.message for n in app._notifications))
        assert not opened
        monkeypatch.setattr(chat_screen, "graphical_browser", lambda: True)
        await pilot.press("o")
        await wait_until(pilot, lambda: opened == [first.url])

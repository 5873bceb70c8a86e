"""The newest answer is always in view: after each reply its last line (its table included) is
inside the transcript's viewport, checked by regions, not by sleeping; and the transcript scrolls
from the prompt (PageUp/PageDown always, Home/End on an empty line)."""
from __future__ import annotations

import pytest

from cratedig.tui.app import CratedigApp
from cratedig.tui.widgets.replies import BotMessage
from tests.tui.test_app_flows import last_reply, say


@pytest.fixture
def app(small_engine):
    return CratedigApp(engine=small_engine)


def _bottom_visible(app, widget) -> bool:
    transcript = app.screen.query_one("#conversation")
    view = transcript.content_region
    region = widget.region
    return region.height > 0 and view.y <= region.bottom - 1 < view.bottom


@pytest.mark.parametrize("size", [(80, 24), (130, 42)])
async def test_every_reply_ends_in_view_with_its_table(app, small_engine, size):
    names = [str(n) for n in small_engine.dataset.artist_names[:6]]
    async with app.run_test(size=size) as pilot:
        for prompt in (f"I like {names[0]}", f"I like {names[1]}", "show me 15", f"who is close to {names[2]}",
                       f"I like {names[3]}", "how good are the models?"):
            await say(pilot, prompt)
            await pilot.pause()
            reply = last_reply(app)
            assert _bottom_visible(app, reply), (prompt, reply.region, app.screen.query_one("#conversation").region)


async def test_the_transcript_scrolls_from_the_prompt(app, small_engine):
    names = [str(n) for n in small_engine.dataset.artist_names[:4]]
    async with app.run_test(size=(80, 24)) as pilot:
        for name in names:
            await say(pilot, f"I like {name}")
        transcript = app.screen.query_one("#conversation")
        bottom = transcript.scroll_y
        assert bottom > 0 and app.focused is app.screen.query_one("#prompt")
        await pilot.press("pageup")
        await pilot.pause()
        assert transcript.scroll_y < bottom
        await pilot.press("home")  # the line is empty: the transcript's top
        await pilot.pause()
        assert transcript.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert transcript.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert transcript.scroll_y == transcript.max_scroll_y
        prompt = app.screen.query_one("#prompt")
        prompt.value = "abc"
        prompt.cursor_position = 3
        await pilot.press("home")  # text on the line: Home moves the cursor, the transcript stays
        await pilot.pause()
        assert prompt.cursor_position == 0 and transcript.scroll_y == transcript.max_scroll_y
        assert len(app.screen.query(BotMessage)) >= 5


async def test_on_a_catalogue_without_the_welcome_artists_the_examples_come_from_it(app, small_engine):
    """The demo data (like this synthetic data) has no Björk: the welcome's examples follow from the
    catalogue itself, and they work."""
    import re

    from cratedig.tui.widgets.replies import SuggestionsTable

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        hint = next(m for m in app.screen.query(BotMessage) if "This catalogue has no Björk" in m.text)
        like, be = re.findall(r'"([^"]+)"', hint.text)
        await say(pilot, like)
        assert last_reply(app).query(SuggestionsTable) and "error" not in last_reply(app).classes
        await say(pilot, be)
        assert last_reply(app).query(SuggestionsTable)

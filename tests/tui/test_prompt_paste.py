"""A paste is bounded: its first line, cut to what the prompt holds, with a notification when cut;
a megabyte pasted by mistake answers at once instead of freezing the app."""
from __future__ import annotations

import time

from textual import events

from cratedig.tui.app import CratedigApp
from cratedig.tui.widgets.prompt import MAX_PROMPT


async def test_a_huge_paste_is_cut_with_a_message(small_engine):
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        prompt = app.screen.query_one("#prompt")
        prompt.focus()
        start = time.perf_counter()
        prompt.post_message(events.Paste("I like " + "x" * 1_000_000 + "\nsecond line"))
        await pilot.pause(0.3)
        assert len(prompt.value) == MAX_PROMPT and prompt.value.startswith("I like x")
        assert any("paste was cut" in n.message for n in app._notifications)
        assert time.perf_counter() - start < 5
        prompt.value = ""
        prompt.post_message(events.Paste("I like Muse\nrest"))
        await pilot.pause(0.1)
        assert prompt.value == "I like Muse"
        assert sum("paste was cut" in n.message for n in app._notifications) == 1

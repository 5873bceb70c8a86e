"""SVG snapshots of the main screens at a fixed size on the fixed small synthetic dataset.
Update with `pytest tests/tui/test_snapshots.py --snapshot-update` after a deliberate UI change."""
from __future__ import annotations

from cratedig.tui.app import CratedigApp

SIZE = (110, 34)


async def _steady_cursor(pilot) -> None:
    """A blinking cursor makes the picture depend on timing; hold it still."""
    pilot.app.screen.query_one("#prompt").cursor_blink = False
    await pilot.pause(0.1)


async def _ask(pilot, text: str) -> None:
    from cratedig.tui.widgets.replies import BotMessage

    app = pilot.app
    before = len(app.screen.query(BotMessage))
    prompt = app.screen.query_one("#prompt")
    prompt.value = text
    await pilot.press("enter")
    while len(app.screen.query(BotMessage)) == before:
        await pilot.pause(0.05)
    await pilot.pause(0.2)


def test_chat_welcome(snap_compare, small_engine):
    assert snap_compare(CratedigApp(engine=small_engine), terminal_size=SIZE, run_before=_steady_cursor)


def test_chat_with_ranked_suggestions(snap_compare, small_engine):
    name = str(small_engine.dataset.artist_names[0])

    async def run_before(pilot):
        await _steady_cursor(pilot)
        await _ask(pilot, f"I like {name}")

    assert snap_compare(CratedigApp(engine=small_engine), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, small_engine):
    assert snap_compare(CratedigApp(engine=small_engine), terminal_size=SIZE, press=["f1"],
                        run_before=_steady_cursor)

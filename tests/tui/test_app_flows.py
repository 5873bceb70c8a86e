"""Pilot tests of the app's flows on the small synthetic data (models trained once per session)."""
from __future__ import annotations

import time

import pytest

from cratedig.tui.app import CratedigApp
from cratedig.tui.screens.chat import ChatScreen
from cratedig.tui.widgets.replies import BotMessage, NeighboursTable, SuggestionsTable, UserMessage

SIZE = (110, 34)


async def wait_until(pilot, condition, timeout: float = 20.0) -> None:
    waited = 0.0
    while not condition():
        await pilot.pause(0.05)
        waited += 0.05
        if waited > timeout:
            raise AssertionError("condition not reached in time")


async def say(pilot, text: str) -> None:
    app = pilot.app
    before = len(app.screen.query(BotMessage))
    prompt = app.screen.query_one("#prompt")
    prompt.focus()
    prompt.value = text
    await pilot.press("enter")
    await wait_until(pilot, lambda: len(app.screen.query(BotMessage)) > before)
    await pilot.pause(0.1)


def last_reply(app) -> BotMessage:
    return list(app.screen.query(BotMessage))[-1]


async def suggestions_for(pilot, liked: str) -> SuggestionsTable:
    """Say that we like `liked` and return the suggestions table of the reply."""
    await say(pilot, f"I like {liked}")
    return pilot.app.screen.query(SuggestionsTable).last()


@pytest.fixture
def app(small_engine):
    return CratedigApp(engine=small_engine)


async def test_liked_artists_give_ranked_suggestions_and_fill_the_side_panel(app, small_engine):
    name = str(small_engine.dataset.artist_names[0])
    async with app.run_test(size=SIZE) as pilot:
        table = await suggestions_for(pilot, name)
        assert table.row_count == 10
        at = [str(c.label) for c in table.columns.values()].index("artist")
        shown = [table.get_row_at(i)[at].plain for i in range(table.row_count)]
        assert len(shown) == 10 and name not in shown and shown == [s.name for s in table.recommendations.suggestions]
        liked = app.screen.query_one("#liked")
        assert len(liked.children) == 1
        assert app.conversation.state.liked[0].name == name


async def test_be_listener_and_bad_listener_ids(app, small_engine):
    lid = int(small_engine.dataset.listener_ids[3])
    async with app.run_test(size=SIZE) as pilot:
        await say(pilot, f"be listener {lid}")
        assert app.screen.query(SuggestionsTable)
        assert app.conversation.state.listener_id == lid
        await say(pilot, "be listener 999999")
        assert "unknown listener id 999999" in last_reply(app).text
        assert "error" in last_reply(app).classes


@pytest.mark.parametrize("text", ["asdkjh qwe", "\x1b[31m\x07", "x" * 5000, "like", "why"],
                         ids=["nonsense", "control", "long", "like-nothing", "why-nothing"])
async def test_nonsense_long_and_control_character_prompts_get_a_helpful_reply(app, text):
    async with app.run_test(size=SIZE) as pilot:
        await say(pilot, text)
        reply = last_reply(app)
        assert reply.text  # something useful, and no crash
        assert len(list(app.screen.query(UserMessage))[-1].content) <= 500


async def test_empty_prompt_only_notifies(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = len(app.screen.query(BotMessage))
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert len(app.screen.query(BotMessage)) == before
        assert any("Type something" in n.message for n in app._notifications)


async def test_neighbours_and_why(app, small_engine):
    name = str(small_engine.dataset.artist_names[1])
    async with app.run_test(size=SIZE) as pilot:
        await say(pilot, f"who is close to {name}")
        assert app.screen.query(NeighboursTable).last().row_count == 10
        await say(pilot, f"I like {name}")
        suggested = app.conversation.last.suggestions[0].name
        await say(pilot, f"why {suggested}")
        assert "because you play" in last_reply(app).text


async def test_all_scores_toggle_and_retriever_switch(app, small_engine):
    async with app.run_test(size=SIZE) as pilot:
        table = await suggestions_for(pilot, small_engine.dataset.artist_names[2])
        table.focus()
        await pilot.press("s")
        assert {"mf", "retrieval", "ranking", "context"} <= {str(c.label) for c in table.columns.values()}
        await pilot.press("f3")
        assert app.conversation.state.retriever == "retrieval"
        await say(pilot, "recommend")
        assert "retrieval retrieved" in last_reply(app).text


async def test_listener_picker_filters_and_picks(app, small_engine):
    lid = str(int(small_engine.dataset.listener_ids[7]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ListenerPickerScreen")
        table = app.screen.query_one("#listeners")
        await wait_until(pilot, lambda: table.row_count > 0)
        app.screen.query_one("#filter").value = lid
        await pilot.pause(0.2)
        assert table.get_row_at(0)[0].plain == lid
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen) and app.conversation.state.listener_id == int(lid))


async def test_artist_view_opens_from_a_suggestion(app, small_engine):
    async with app.run_test(size=SIZE) as pilot:
        table = await suggestions_for(pilot, small_engine.dataset.artist_names[4])
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ArtistScreen")
        neighbours = app.screen.query_one("#neighbours")
        await wait_until(pilot, lambda: neighbours.row_count == 16)
        await pilot.press("m")
        await wait_until(pilot, lambda: "retrieval" in str(neighbours.border_title))
        await pilot.press("escape")
        assert isinstance(app.screen, ChatScreen)


async def test_model_checks_and_help_screens(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ModelsScreen")
        await pilot.press("escape")
        await pilot.press("f1")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        await pilot.press("escape")
        assert isinstance(app.screen, ChatScreen)


async def test_prompt_history_and_artist_completion(app, small_engine):
    name = str(small_engine.dataset.artist_names[0])
    async with app.run_test(size=SIZE) as pilot:
        await say(pilot, "help")
        prompt = app.screen.query_one("#prompt")
        await pilot.press("up")
        assert prompt.value == "help"
        prompt.value = ""
        await pilot.press(*f"I like {name[:4]}")
        await wait_until(pilot, lambda: prompt._suggestion.casefold().startswith(f"i like {name[:4]}".casefold())
                         and len(prompt._suggestion) > len(prompt.value))


async def test_missing_data_offers_download_or_demo(tmp_path, small_data_dir, monkeypatch):
    import cratedig.engine.data.synthetic as synthetic

    app = CratedigApp(data=str(tmp_path / "nothing-here"))
    monkeypatch.setattr(synthetic, "ensure_demo_data", lambda dest=None: small_data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "SetupScreen")
        await pilot.click("#demo")
        await wait_until(pilot, lambda: app.conversation is not None, timeout=120)
        assert app.engine.data_dir == small_data_dir


async def test_a_failed_download_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CRATEDIG_DATA_URL", "http://127.0.0.1:9/nothing.zip")  # nothing listens on port 9
    app = CratedigApp(data=str(tmp_path / "nothing-here"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "SetupScreen")
        await pilot.click("#download")
        status = app.screen.query_one("#setup-status")
        await wait_until(pilot, lambda: "try again" in str(status.content))
        assert any("cannot reach" in n.message for n in app._notifications)


async def test_a_corrupt_cache_is_reported_and_rebuilt(small_data_dir, small_engine):
    path = small_engine.store.path("context")
    original = path.read_bytes()
    path.write_bytes(original[:100])
    try:
        app = CratedigApp(data=str(small_data_dir))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await wait_until(pilot, lambda: app.conversation is not None, timeout=180)
            assert any("corrupt" in n.message for n in app._notifications)
        assert len(path.read_bytes()) > 1000
    finally:
        if len(path.read_bytes()) < 1000:
            path.write_bytes(original)


async def test_removing_a_liked_artist_in_the_side_panel_updates_the_state(app, small_engine):
    names = [str(n) for n in small_engine.dataset.artist_names[:2]]
    async with app.run_test(size=SIZE) as pilot:
        await say(pilot, f"I like {names[0]}, {names[1]}")
        liked = app.screen.query_one("#liked")
        await wait_until(pilot, lambda: len(liked.children) == 2)
        liked.focus()
        liked.index = 0
        await pilot.press("delete")
        await wait_until(pilot, lambda: [a.name for a in app.conversation.state.liked] == [names[1]])


async def test_the_layout_works_at_80_by_24(app, small_engine):
    async with app.run_test(size=(80, 24)) as pilot:
        table = await suggestions_for(pilot, small_engine.dataset.artist_names[0])
        assert table.row_count == 10 and table.region.width > 20
        assert app.screen.query_one("#prompt").region.height >= 1


@pytest.mark.slow
async def test_training_shows_progress_and_can_be_cancelled(tmp_path, monkeypatch):
    from cratedig.engine.data.synthetic import SyntheticSpec, generate

    from cratedig.tui.screens.training import TrainingScreen

    data = generate(tmp_path / "fresh", SyntheticSpec(listeners=60, artists=200, genres=4, seed=11))
    monkeypatch.setenv("CRATEDIG_CACHE", str(tmp_path / "empty-cache"))
    # Tiny data trains in a second or two once TensorFlow is warm: slow each epoch down so the
    # cancel button is always pressed while training is still going.
    progress = TrainingScreen.progress

    def slow_progress(self, event):
        time.sleep(0.05)
        progress(self, event)

    monkeypatch.setattr(TrainingScreen, "progress", slow_progress)
    app = CratedigApp(data=str(data))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        # the screen is pushed before its widgets are mounted: wait for the label itself
        await wait_until(pilot, lambda: type(app.screen).__name__ == "TrainingScreen"
                         and bool(app.screen.query("#label-mf")), timeout=60)
        label = app.screen.query_one("#label-mf")
        await wait_until(pilot, lambda: "epoch" in str(label.content), timeout=60)
        await pilot.click("#cancel")
        await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen), timeout=60)
        await wait_until(pilot, lambda: any("cancelled" in n.message for n in app._notifications))
        assert app.conversation is None
        assert "not trained" in str(app.screen.query_one("#status").content)

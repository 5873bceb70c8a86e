"""Your own history in the app: "import PATH" in the prompt, and the palette's file picker; the side
panel and the reply say how much matched; "what didn't match?" lists the rest."""
from __future__ import annotations

from tests import history_samples as samples
from tests.tui.test_app_flows import SIZE, last_reply, say, wait_until
from cratedig.tui.app import CratedigApp
from cratedig.tui.widgets.replies import SuggestionsTable


def export(engine, folder):
    names = [str(n) for n in engine.dataset.artist_names[:3]] + ["Floating Points"]
    listens = [(n, "", 1_300_000_000 + 60 * i) for i, n in enumerate(names) for _ in range(i + 1)]
    return samples.scrobbler_log(folder / ".scrobbler.log", listens)


async def test_import_in_the_prompt_recommends_from_the_history(small_engine, tmp_path):
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE) as pilot:
        await say(pilot, f"import {export(small_engine, tmp_path)}")
        reply = last_reply(app)
        assert "Imported 10 listens from 1 file" in reply.text and "me: 3 of 4 artists matched (60 % of plays)" in reply.text
        assert app.screen.query(SuggestionsTable).last().recommendations.history.startswith("me: 3 of 4")
        assert "me: 3 of 4 artists matched" in str(app.screen.query_one("#who").content)
        await say(pilot, "what didn't match?")
        assert "Floating Points (4 plays)" in last_reply(app).text


async def test_the_palette_picker_imports_the_chosen_file(small_engine, tmp_path):
    path = export(small_engine, tmp_path)
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.conversation is not None)
        await app.run_action("import_history")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ImportDialog"
                         and app.screen.query("#import-path"))
        app.screen.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Imported" in last_reply(app).text)
        assert "me: 3 of 4 artists matched" in last_reply(app).text

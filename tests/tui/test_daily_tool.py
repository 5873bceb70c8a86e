"""The app as a daily tool: save (command and Ctrl+S), copy, links, sessions that last (restore,
corrupt state, new), steering in plain words, and the theme that persists."""
from __future__ import annotations

import json

from tests.tui.test_app_flows import SIZE, last_reply, say, suggestions_for, wait_until
from cratedig.tui.app import CratedigApp
from cratedig.tui.widgets.replies import SuggestionsTable


def name(engine, i: int) -> str:
    return str(engine.dataset.artist_names[i])


async def test_save_in_each_format_and_an_unwritable_path(small_engine, tmp_path):
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await suggestions_for(pilot, name(small_engine, 0))
        for suffix in ("csv", "json", "md"):
            await say(pilot, f"save as {tmp_path}/picks.{suffix}")
            assert f"picks.{suffix}" in last_reply(app).text and (tmp_path / f"picks.{suffix}").stat().st_size > 0
        assert json.loads((tmp_path / "picks.json").read_text())["suggestions"]
        await say(pilot, f"save as {tmp_path}/missing/picks.csv")  # the folder is made
        assert (tmp_path / "missing" / "picks.csv").is_file()
        (tmp_path / "afile").write_text("x")
        await say(pilot, f"save as {tmp_path}/afile/picks.csv")
        assert "error" in last_reply(app).classes and "cannot make the folder" in last_reply(app).text
        assert any("cannot make the folder" in n.message and "--" not in n.message for n in app._notifications)


async def test_ctrl_s_offers_a_default_name_in_the_exports_folder(small_engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CRATEDIG_EXPORTS", str(tmp_path))
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE) as pilot:
        await suggestions_for(pilot, name(small_engine, 1))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "SaveDialog")
        field = app.screen.query_one("#save-path")
        assert field.value.startswith(str(tmp_path)) and field.value.endswith(".csv")
        await pilot.press("enter")
        await wait_until(pilot, lambda: list(tmp_path.glob("cratedig-*.csv")))
        assert list(tmp_path.glob("cratedig-*.csv"))[0].read_text().startswith("rank,")


async def test_copy_puts_the_suggestions_on_the_clipboard(small_engine):
    app = CratedigApp(engine=small_engine)
    copied = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=SIZE) as pilot:
        table = await suggestions_for(pilot, name(small_engine, 2))
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: copied)
        assert copied[0].startswith(f"1. {table.recommendations.suggestions[0].name}")


async def test_artist_names_link_to_their_last_fm_page(small_engine):
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE) as pilot:
        table = await suggestions_for(pilot, name(small_engine, 3))
        cell = table.get_row_at(0)[[str(c.label) for c in table.columns.values()].index("artist")]
        suggestion = table.recommendations.suggestions[0]
        assert any(span.style.link == suggestion.url for span in cell.spans)


async def test_a_session_is_restored_on_start_and_new_starts_fresh(small_engine):
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE) as pilot:
        await say(pilot, f"I like {name(small_engine, 4)}")
        await say(pilot, "something less mainstream")
    again = CratedigApp(engine=small_engine)
    async with again.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: again.conversation and again.conversation.state.liked)
        await wait_until(pilot, lambda: "restored your last session" in last_reply(again).text)
        assert again.conversation.state.popularity == -1
        assert any(f"I like {name(small_engine, 4)}" in str(m.content) for m in again.screen.query("UserMessage"))
        await say(pilot, "new")
        assert not again.conversation.state.liked and again.conversation.state.popularity == 0
    fresh = CratedigApp(engine=small_engine, new_session=True)
    async with fresh.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert not fresh.conversation.state.liked


async def test_a_corrupt_session_file_is_set_aside_with_a_notice(small_engine):
    from cratedig.engine.chat.session import session_path

    path = session_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{definitely not a session")
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: any("unreadable" in n.message for n in app._notifications))
        assert app.is_running and list(path.parent.glob("session.json.unreadable-*"))


async def test_steering_phrases_and_the_side_panel(small_engine):
    genre = small_engine.genre_names()[0]
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE) as pilot:
        await say(pilot, f"I like {name(small_engine, 5)} but not {name(small_engine, 6)}")
        state = app.conversation.state
        assert [a.name for a in state.liked] == [name(small_engine, 5)]
        assert [a.name for a in state.disliked] == [name(small_engine, 6)]
        await say(pilot, "show me 15")
        assert app.screen.query(SuggestionsTable).last().row_count == 15
        await say(pilot, f"not {genre}")
        await say(pilot, "something less mainstream")
        settings = str(app.screen.query_one("#settings").content)
        assert f"leaving out: {genre}" in settings and "less mainstream" in settings and "k=15" in settings
        family = small_engine.catalog.genre_family(genre)
        shown = app.screen.query(SuggestionsTable).last().recommendations.suggestions
        assert not family[[small_engine.dataset.artist_index(s.artist_id) for s in shown]].any()


async def test_the_theme_choice_persists_across_runs(small_engine):
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await pilot.pause(0.2)
    again = CratedigApp(engine=small_engine)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        assert again.theme == "nord"


async def test_the_artist_view_prints_its_last_fm_url_as_a_link(small_engine):
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE) as pilot:
        table = await suggestions_for(pilot, name(small_engine, 7))
        url = table.recommendations.suggestions[0].url
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ArtistScreen")
        facts = app.screen.query_one("#artist-facts").content
        assert url in str(facts) and any(span.style.link == url for span in facts.spans)


async def test_model_checks_show_the_seeds_table_when_one_was_saved(small_engine):
    from cratedig.engine.evaluation.seeds import SEEDS_FILE

    rows = [{"model": "mf", "recall@10": [0.2, 0.01], "ndcg@10": [0.3, 0.02]}]
    small_engine.cache.save_json(SEEDS_FILE.format(fingerprint=small_engine.fingerprint),
                                 {"seeds": [42, 43], "rows": rows, "comparison": {}, "reports": []})
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ModelsScreen")
        table = app.screen.query_one("SeedsTable")
        assert str(table.get_row_at(0)[1]) == "0.200 ± 0.010"
    (small_engine.cache.root / SEEDS_FILE.format(fingerprint=small_engine.fingerprint)).unlink()

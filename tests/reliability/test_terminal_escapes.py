"""Untrusted text never reaches the terminal raw: on data whose artist names and tags carry escape
sequences (OSC 52 clipboard writes, OSC 0 window titles, CSI clear-screen, C1 CSI, bidi overrides,
zero-width characters, the end-of-paste sequence) and formulas, no raw escape byte is in the
CLI's text, CSV or JSON output, in a saved file, on the clipboard or in what the app draws, and the
window title is unchanged. The names keep their real value in the catalogue."""
from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from cratedig.tui.app import CratedigApp
from tests.handmade import write_dataset
from tests.tui.test_app_flows import last_reply, say, wait_until

HOSTILE = ["Clip\x1b]52;c;Y3VybCB4fHNo\x07board", "Title\x1b]0;pwned\x07Band", "Clear\x1b[2JScreen",
           "Csi\u009b31mRed", "Evil\u202eexe.mp3", "Zero\u200bWidth", "Paste\x1b[201~End", "=HYPERLINK(1)"]
FILLER = [f"Filler Band {i}" for i in range(40)]
RAW = ["\x1b", "\x07", "\u009b", "\u202e", "\u200b"]


def _clean(text: str) -> bool:
    return not any(ch in text for ch in RAW)


@pytest.fixture(scope="module")
def hostile_engine(tmp_path_factory):
    from cratedig.engine.api import Engine
    from cratedig.engine.training.cache import ModelCache
    from cratedig.engine.training.store import TrainConfig

    names = HOSTILE + FILLER
    artists = list(enumerate(names, start=1))
    plays = [(u, a, 10 + (u * a) % 50) for u in range(2, 32) for a in range(1, len(names) + 1)
             if (u + a) % 3 == 0 or (a <= 8 and u % 2 == 0)]
    taggings = [(u, a, 1 + a % 2) for u, a, _ in plays[::4]]
    directory = write_dataset(tmp_path_factory.mktemp("hostile"), artists,
                              [(1, "rock\x1b]0;tag\x07"), (2, "pop\u202e")], plays, taggings)
    fast = TrainConfig(overrides={"mf": {"epochs": 20}, "retrieval": {"epochs": 2}, "context": {"epochs": 2},
                                  "ranking": {"epochs": 1, "probe_epochs": 5}})
    engine = Engine(directory, cache=ModelCache(tmp_path_factory.mktemp("hostile-cache")), config=fast)
    engine.load_models()
    return engine


def test_the_catalogue_keeps_the_real_names(hostile_engine):
    assert set(HOSTILE) <= set(hostile_engine.dataset.artist_names.tolist())


def test_cli_text_json_and_csv_carry_no_raw_escape(hostile_engine, cli, tmp_path):
    data = hostile_engine.data_dir
    for args in (["search", "--format", "json", "Clip"], ["search", "Title"],
                 ["recommend", "--liked", "Filler Band 1", "--k", "40", "--format", "json"],
                 ["recommend", "--liked", "Filler Band 1", "--k", "40"],
                 ["recommend", "--all-listeners", "--k", "40", "--format", "csv"],
                 ["neighbours", "Filler Band 2", "--k", "40"],
                 ["ask", "--format", "json", "I like Filler Band 3", "copy"], ["ask", "I like Filler Band 3", "copy"]):
        code, out, err = cli("--data", data, *args)
        assert code == 0, (args, err)
        assert _clean(out) and _clean(err), args
        if "json" in args:
            for line in out.splitlines() if args[0] == "ask" else [out]:
                json.loads(line)  # still JSON, the values \\u-escaped
    out_file = tmp_path / "x.csv"
    assert cli("--data", data, "recommend", "--all-listeners", "--k", "40", "--format", "csv",
               "--output", out_file)[0] == 0
    assert _clean(out_file.read_text(encoding="utf-8")) and "'=HYPERLINK(1)" in out_file.read_text(encoding="utf-8")


def test_csv_to_a_terminal_shows_escapes_but_keeps_its_line_ends(hostile_engine, cli, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, err = cli("--data", hostile_engine.data_dir, "recommend", "--all-listeners", "--k", "40",
                         "--format", "csv")
    assert code == 0, err
    assert _clean(out) and "\\r" not in out and out.count("\r\n") == out.count("\n") > 30
    assert "\\x1b" in out  # the hostile names, shown as escapes


def test_saved_exports_carry_no_raw_escape(hostile_engine, tmp_path):
    from cratedig.engine.chat.conversation import Conversation

    chat = Conversation(hostile_engine)
    chat.handle("I like Filler Band 1, Filler Band 2")
    chat.handle("show me 40")
    for suffix in ("csv", "json", "md", "xspf"):
        chat.handle(f"save as {tmp_path}/x.{suffix}")
        assert _clean((tmp_path / f"x.{suffix}").read_text(encoding="utf-8")), suffix
    assert _clean(chat.handle("copy").clipboard)


def _drawn(app) -> str:
    w, h = app.size
    console = Console(width=w, height=h, file=io.StringIO(), force_terminal=True, record=True)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


async def test_the_app_draws_no_raw_escape_and_keeps_its_title(hostile_engine):
    app = CratedigApp(engine=hostile_engine)
    copied = []
    async with app.run_test(size=(130, 42), notifications=True) as pilot:
        app.copy_to_clipboard = copied.append
        await say(pilot, "I like Filler Band 1, Filler Band 2")
        await say(pilot, "show me 40")
        assert _clean(_drawn(app)) and "Clear" in _drawn(app)
        await say(pilot, "who is close to Filler Band 3")
        assert _clean(_drawn(app))
        await say(pilot, "copy")
        await wait_until(pilot, lambda: copied)
        assert _clean(copied[0])
        assert app.title == "cratedig" and all(_clean(n.message) for n in app._notifications)
        prompt = app.screen.query_one("#prompt")
        prompt.value = "I like Cle"
        await pilot.pause(0.3)
        assert _clean(_drawn(app)) and last_reply(app)


async def test_a_restored_transcript_is_drawn_safely(hostile_engine):
    from cratedig.engine.chat.session import SavedSession, save_session

    save_session(SavedSession(hostile_engine.fingerprint, {"k": 10},
                              [("you", "hi \x1b]52;c;Y3VybA==\x07"), ("cratedig", "Clear\x1b[2J \u202e done")]))
    app = CratedigApp(engine=hostile_engine)
    async with app.run_test(size=(110, 34)) as pilot:
        await wait_until(pilot, lambda: "done" in _drawn(app))
        assert _clean(_drawn(app)) and app.title == "cratedig"

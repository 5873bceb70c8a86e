"""Saved state that cannot hurt: a tampered, huge, special or linked session file is set aside
with one notice and the conversation starts fresh — in `ask --session` and in the app — never a
traceback; settings likewise; and one writer at a time holds the saved conversation."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cratedig.engine.chat.session import (FORMAT, claim_session, load_session, load_settings, session_path,
                                          untrusted_json)

GOOD_STATE = {"listener_id": None, "liked": [], "disliked": [], "excluded_genres": [], "only_genres": [],
              "popularity": 0, "retriever": "mf", "k": 10, "history": None, "history_summary": ""}


def _session(**state) -> str:
    return json.dumps({"format": FORMAT, "saved": 0, "data": "x", "state": {**GOOD_STATE, **state},
                       "transcript": [["you", "hi"], ["cratedig", "hello"]]})


TAMPERED = {
    "infinity k": _session().replace('"k": 10', '"k": Infinity'),
    "1e309 k": _session().replace('"k": 10', '"k": 1e309'),
    "nan popularity": _session().replace('"popularity": 0', '"popularity": NaN'),
    "k out of range": _session(k=5000),
    "k a string": _session(k="10"),
    "a huge number": _session().replace('"k": 10', '"k": ' + "9" * 5000),
    "deep nesting": '{"format": "%s", "data": "x", "state": %s}' % (FORMAT, "[" * 100_000 + "]" * 100_000),
    "10,000 genres": _session(excluded_genres=[f"g{i}" for i in range(10_000)]),
    "a liked artist without id": _session(liked=[{"name": "x"}]),
    "transcript of numbers": _session().replace('[["you", "hi"], ["cratedig", "hello"]]', "[[1, 2]]"),
    "not utf-8": b"\xff\xfe" + b"x" * 10,
    "a list": "[]",
}


def _write(path: Path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())


def test_a_good_session_loads():
    _write(session_path(), _session(k=20))
    saved, notice = load_session()
    assert notice is None and saved.state["k"] == 20 and saved.transcript[-1] == ("cratedig", "hello")


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_a_tampered_session_is_set_aside_with_one_notice(case):
    path = session_path()
    _write(path, TAMPERED[case])
    saved, notice = load_session()
    assert saved is None and "unreadable" in notice and "starting fresh" in notice
    assert not path.exists() and len(list(path.parent.glob("session.json.unreadable-*"))) == 1


def test_a_huge_fifo_device_or_linked_session_is_never_read(tmp_path):
    path = session_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:  # 200 MB, sparse: refused by its size before any read
        handle.truncate(200 << 20)
    assert load_session()[0] is None and not path.exists()
    os.mkfifo(path)  # would block a reader forever
    saved, notice = load_session()
    assert saved is None and "not a regular file" in notice and not path.exists()
    path.symlink_to("/dev/zero")  # would read until memory runs out
    saved, notice = load_session()
    assert saved is None and "link" in notice and not path.is_symlink()
    (tmp_path / "elsewhere.json").write_text(_session())
    path.symlink_to(tmp_path / "elsewhere.json")
    assert load_session()[0] is None and (tmp_path / "elsewhere.json").is_file()


def test_untrusted_json_refuses_what_would_hurt():
    for text in ("Infinity", "-Infinity", "NaN", "1e400", "1" * 30, "[" * 50_000 + "]" * 50_000):
        with pytest.raises(ValueError):
            untrusted_json(text.encode())
    assert untrusted_json(b'{"k": 1.5, "n": -3}') == {"k": 1.5, "n": -3}


def test_bad_settings_count_as_none():
    from cratedig.engine.paths import state_dir

    for content in ('{"theme": Infinity}', "[" * 100_000, '{"theme": 3}', "x" * (1 << 20)):
        _write(state_dir() / "settings.json", content)
        assert load_settings() == {}
    _write(state_dir() / "settings.json", '{"theme": "nord", "other": 1}')
    assert load_settings() == {"theme": "nord"}


@pytest.mark.parametrize("case", ["infinity k", "deep nesting", "10,000 genres"])
def test_ask_session_starts_fresh_on_a_tampered_file(cli, small_engine, small_data_dir, case):
    _write(session_path(), TAMPERED[case])
    name = str(small_engine.dataset.artist_names[0])
    code, out, err = cli("ask", "--data", small_data_dir, "--session", f"I like {name}")
    assert code == 0 and "Traceback" not in err and "unreadable" in err and name in out
    assert json.loads(session_path().read_text())["state"]["liked"][0]["name"] == name  # saved anew


async def test_the_app_starts_fresh_with_one_notification(small_engine):
    from cratedig.tui.app import CratedigApp
    from tests.tui.test_app_flows import wait_until

    _write(session_path(), TAMPERED["infinity k"])
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_until(pilot, lambda: any("unreadable" in n.message for n in app._notifications))
        assert sum("unreadable" in n.message for n in app._notifications) == 1
        assert app.conversation.state.k == 10 and app.return_code is None


def test_one_writer_holds_the_saved_conversation(cli, small_data_dir, monkeypatch):
    from cratedig.cli import ask

    held = claim_session()
    assert held is not None and claim_session() is None  # a second window or run is refused
    monkeypatch.setattr(ask, "SESSION_WAIT", 0.2)
    code, _, err = cli("ask", "--data", small_data_dir, "--session", "show me 5")
    assert code == 2 and "in use" in err and "Traceback" not in err
    held.release()
    assert claim_session() is not None


def test_a_claim_taken_on_one_thread_is_let_go_on_another():
    import threading

    held = []
    worker = threading.Thread(target=lambda: held.append(claim_session()))
    worker.start()
    worker.join()
    assert held[0] is not None and claim_session() is None
    held[0].release()  # the app takes it in a worker and lets go on its main thread
    assert claim_session() is not None


async def test_a_closed_app_window_frees_the_saved_conversation(small_engine):
    from cratedig.tui.app import CratedigApp
    from tests.tui.test_app_flows import say

    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, f"I like {small_engine.dataset.artist_names[0]}")
        assert claim_session() is None  # held while the window is open
    assert claim_session() is not None


async def test_a_second_app_window_says_its_conversation_will_not_be_saved(small_engine):
    from cratedig.tui.app import CratedigApp
    from tests.tui.test_app_flows import say, wait_until

    held = claim_session()  # the first window
    app = CratedigApp(engine=small_engine)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_until(pilot, lambda: any("will not be saved" in n.message for n in app._notifications))
        await say(pilot, f"I like {small_engine.dataset.artist_names[0]}")
        await pilot.pause(0.3)
    assert not session_path().exists()  # the first window's file is left to the first window
    held.release()

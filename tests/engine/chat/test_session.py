"""Saved sessions: written whole, restored onto the same data, set aside when unreadable."""
from __future__ import annotations

import json

import pytest

from cratedig.engine.chat.conversation import Conversation
from cratedig.engine.chat.session import load_session, save_session, session_path


def test_a_session_round_trips_state_and_transcript(small_engine):
    chat = Conversation(small_engine)
    chat.handle(f"I like {small_engine.dataset.artist_names[0]}")
    chat.handle("something less mainstream")
    chat.handle("show me 12")
    save_session(chat.snapshot([("you", "hello"), ("cratedig", "hi")]))
    saved, notice = load_session()
    assert notice is None and saved.transcript == [("you", "hello"), ("cratedig", "hi")]
    again = Conversation(small_engine)
    assert "restored your last session" in again.restore(saved)
    assert again.state == chat.state


def test_a_session_on_other_data_is_dropped_with_a_notice(small_engine):
    chat = Conversation(small_engine)
    chat.handle(f"I like {small_engine.dataset.artist_names[0]}")
    snapshot = chat.snapshot([])
    snapshot.data = "0" * 16
    again = Conversation(small_engine)
    assert "other data" in again.restore(snapshot) and not again.state.liked


def test_unknown_ids_and_values_in_a_saved_state_are_dropped(small_engine):
    chat = Conversation(small_engine)
    chat.handle(f"I like {small_engine.dataset.artist_names[0]}")
    snapshot = chat.snapshot([])
    snapshot.state.update(listener_id=999999, retriever="nope", k=10**9, popularity=7,
                          liked=list(snapshot.state["liked"]) + [{"artist_id": 999999, "name": "Ghost"}])
    again = Conversation(small_engine)
    again.restore(snapshot)
    assert again.state.listener_id is None and again.state.retriever == "mf" and again.state.k == 10
    assert [a.name for a in again.state.liked] == [str(small_engine.dataset.artist_names[0])]


@pytest.mark.parametrize("content", [b"{not json", b"\x00\xff", b"[]", json.dumps({"format": "other"}).encode(),
                                     json.dumps({"format": "cratedig-session/1", "state": "x"}).encode()])
def test_a_corrupt_or_foreign_session_file_is_set_aside_not_lost(content):
    path = session_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    saved, notice = load_session()
    assert saved is None and "unreadable" in notice and "\n" not in notice
    aside = list(path.parent.glob("session.json.unreadable-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content and not path.exists()

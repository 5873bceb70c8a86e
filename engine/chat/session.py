"""What outlives a run of the app: the last conversation (its state and transcript) and settings
(the theme). Plain JSON in the user state directory, written whole. Read as untrusted: a regular
file of bounded size only (no link, FIFO or device), finite numbers, every field checked against
its type and bounds; anything else is set aside with a notice, never a crash. One writer at a
time: `claim_session` locks the conversation for an app window or an `ask --session` run. Light on
imports: the app reads its settings at start-up."""
from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import filelock

from cratedig.engine.errors import CratedigError, printable
from cratedig.engine.files import atomic_write_bytes, read_regular_file
from cratedig.engine.paths import state_dir

SESSION_FILE = "session.json"
SETTINGS_FILE = "settings.json"
FORMAT = "cratedig-session/1"
MAX_MESSAGES = 1000  # 500 turns of prompt and reply
MAX_SESSION_BYTES = 32 << 20
MAX_SETTINGS_BYTES = 64 << 10
MAX_TEXT = 20_000  # characters of one message, name or genre
MAX_ITEMS = 1000  # liked, left-out artists and genres


@dataclass
class SavedSession:
    """A conversation's state (as ConversationState.as_dict gives it), the data it refers to
    (fingerprint: artists and listeners are Last.FM ids in that data) and the transcript."""

    data: str
    state: dict[str, Any]
    transcript: list[tuple[str, str]] = field(default_factory=list)  # (who: "you" or "cratedig", text)


def session_path() -> Path:
    return state_dir() / SESSION_FILE


def save_session(session: SavedSession, path: Path | None = None) -> None:
    """Write the session whole or not at all (the last MAX_MESSAGES turns)."""
    payload = {"format": FORMAT, "saved": time.time(), "data": session.data, "state": session.state,
               "transcript": [list(turn) for turn in session.transcript[-MAX_MESSAGES:]]}
    path = path or session_path()
    try:
        atomic_write_bytes(path, lambda h: h.write(json.dumps(payload, ensure_ascii=False).encode("utf-8")))
    except OSError as exc:
        raise CratedigError(f"cannot save the session to {path}: {exc.strerror or exc}") from None


def claim_session(wait: float = 0.0) -> filelock.BaseFileLock | None:
    """The lock on the saved conversation, held until released or this process ends; None when
    another app window or `ask --session` run still holds it after `wait` seconds."""
    folder = state_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # not thread-local: the app takes it in a worker thread and lets go of it on the main one
        lock = filelock.FileLock(folder / f"{SESSION_FILE}.lock", thread_local=False)
        lock.acquire(timeout=wait)
    except filelock.Timeout:
        return None
    except OSError as exc:
        raise CratedigError(f"cannot lock the saved session in {folder}: {exc.strerror or exc}") from None
    return lock


def load_session(path: Path | None = None) -> tuple[SavedSession | None, str | None]:
    """(the saved session or None, a one-line notice or None). A file that is not a valid cratedig
    session is renamed aside (so nothing is lost) and reported."""
    path = path or session_path()
    try:
        payload = untrusted_json(read_regular_file(path, MAX_SESSION_BYTES))
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise ValueError("not a cratedig session")
        return SavedSession(_text(payload.get("data"), "data"), checked_state(payload.get("state")),
                            _transcript(payload.get("transcript", []))), None
    except FileNotFoundError:
        return None, None
    except (ValueError, TypeError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(path, aside)
        except OSError:
            return None, f"the saved session {path} is unreadable ({printable(reason)}); starting fresh"
        return None, f"the saved session was unreadable ({printable(reason)}); kept as {aside.name}, starting fresh"


def untrusted_json(raw: bytes) -> Any:
    """JSON from a file anyone may have edited: no Infinity or NaN, no number beyond 20 digits, no
    nesting deep enough to exhaust the stack (each a ValueError)."""
    def constant(name: str):
        raise ValueError(f"{name} is not a number a session holds")

    def finite(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(f"{text[:20]} is not a finite number")
        return value

    def whole(text: str) -> int:
        if len(text) > 20:
            raise ValueError("a number of more than 20 digits")
        return int(text)

    try:
        return json.loads(raw.decode("utf-8"), parse_constant=constant, parse_float=finite, parse_int=whole)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _text(value: Any, what: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"{what} is not a text of at most {limit:,} characters")
    return value


def _items(value: Any, what: str) -> list:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise ValueError(f"{what} is not a list of at most {MAX_ITEMS:,} items")
    return value


def _number(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{what} is not a whole number from {low} to {high}")
    return value


def _transcript(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list) or len(value) > 2 * MAX_MESSAGES:
        raise ValueError(f"transcript is not a list of at most {2 * MAX_MESSAGES:,} messages")
    turns = []
    for turn in value[-MAX_MESSAGES:]:
        if not (isinstance(turn, list) and len(turn) == 2 and turn[0] in ("you", "cratedig")):
            raise ValueError("a transcript turn is not [who, text]")
        turns.append((turn[0], _text(turn[1], "a transcript message")))
    return turns


def checked_state(state: Any) -> dict[str, Any]:
    """A saved conversation state (as ConversationState.as_dict gives it) with every field of the
    right type and within bounds; a ValueError naming the first that is not."""
    if not isinstance(state, dict):
        raise ValueError("state is not an object")
    listener = state.get("listener_id")
    if listener is not None and not (isinstance(listener, str) and len(listener) <= 64) \
            and not (isinstance(listener, int) and not isinstance(listener, bool) and abs(listener) < 2**63):
        raise ValueError("listener_id is not a listener id")
    for key in ("liked", "disliked"):
        for item in _items(state.get(key, []), key):
            if not isinstance(item, dict):
                raise ValueError(f"{key} holds something that is not an artist")
            _number(item.get("artist_id"), f"an artist id in {key}", -(2**63), 2**63 - 1)
            _text(item.get("name", ""), f"an artist name in {key}", 2000)
    for key in ("excluded_genres", "only_genres"):
        for genre in _items(state.get(key, []), key):
            _text(genre, f"a genre in {key}", 200)
    _number(state.get("popularity", 0), "popularity", -1, 1)
    _number(state.get("k", 10), "k", 1, 1000)
    _text(state.get("retriever", ""), "retriever", 64)
    if state.get("history") is not None:
        _text(state["history"], "history", 200)
    _text(state.get("history_summary", ""), "history_summary", 500)
    return state


def load_settings() -> dict[str, Any]:
    """The settings (only known keys of the right type; a bad file counts as none)."""
    try:
        settings = untrusted_json(read_regular_file(state_dir() / SETTINGS_FILE, MAX_SETTINGS_BYTES))
    except (OSError, ValueError, CratedigError):
        return {}
    theme = settings.get("theme") if isinstance(settings, dict) else None
    return {"theme": theme} if isinstance(theme, str) and len(theme) <= 100 else {}


def save_settings(**changes: Any) -> None:
    """Merge `changes` into the settings file (best effort: a read-only state dir loses nothing)."""
    settings = {**load_settings(), **changes}
    try:
        atomic_write_bytes(state_dir() / SETTINGS_FILE, lambda h: h.write(json.dumps(settings).encode("utf-8")))
    except (OSError, CratedigError):
        pass

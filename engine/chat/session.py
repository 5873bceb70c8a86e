"""What outlives a run of the app: the last conversation (its state and transcript) and settings
(the theme). Plain JSON in the user state directory, written whole; a corrupt or foreign file is
set aside with a notice, never a crash. Light on imports: the app reads its settings at start-up."""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cratedig.engine.errors import CratedigError, printable
from cratedig.engine.files import atomic_write_bytes
from cratedig.engine.paths import state_dir

SESSION_FILE = "session.json"
SETTINGS_FILE = "settings.json"
FORMAT = "cratedig-session/1"
MAX_MESSAGES = 1000  # 500 turns of prompt and reply


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


def load_session(path: Path | None = None) -> tuple[SavedSession | None, str | None]:
    """(the saved session or None, a one-line notice or None). A file that is not a cratedig session
    is renamed aside (so nothing is lost) and reported."""
    path = path or session_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot read the saved session {path}: {exc.strerror or exc}"
    try:
        payload = json.loads(raw.decode("utf-8"))
        if payload.get("format") != FORMAT or not isinstance(payload.get("state"), dict):
            raise ValueError("not a cratedig session")
        transcript = [(str(who), str(text)) for who, text in payload.get("transcript", [])][-MAX_MESSAGES:]
        return SavedSession(str(payload["data"]), payload["state"], transcript), None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(path, aside)
        except OSError:
            return None, f"the saved session {path} is unreadable ({printable(exc)}); starting fresh"
        return None, f"the saved session was unreadable ({printable(exc)}); kept as {aside.name}, starting fresh"


def load_settings() -> dict[str, Any]:
    try:
        settings = json.loads((state_dir() / SETTINGS_FILE).read_text(encoding="utf-8"))
        return settings if isinstance(settings, dict) else {}
    except (OSError, ValueError, CratedigError):
        return {}


def save_settings(**changes: Any) -> None:
    """Merge `changes` into the settings file (best effort: a read-only state dir loses nothing)."""
    settings = {**load_settings(), **changes}
    try:
        atomic_write_bytes(state_dir() / SETTINGS_FILE, lambda h: h.write(json.dumps(settings).encode("utf-8")))
    except (OSError, CratedigError):
        pass

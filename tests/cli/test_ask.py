"""`cratedig ask`: prompts through one conversation, replies as text or JSON lines, exit code 2 at
the first prompt that could not be answered, `--session` continuing the app's conversation."""
from __future__ import annotations

import json

import pytest

from cratedig.cli.main import main


@pytest.fixture
def ask(small_engine, small_data_dir, capsys):
    def call(*args):
        code = main(["ask", "--data", str(small_data_dir), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return call


def test_json_lines_carry_suggestions_with_ids_scores_and_urls(ask, small_engine):
    name = str(small_engine.dataset.artist_names[0])
    code, out, _ = ask("--format", "json", f"I like {name}", "show me 3", "help")
    assert code == 0
    replies = [json.loads(line) for line in out.splitlines()]
    assert [r["kind"] for r in replies] == ["suggestions", "suggestions", "help"]
    first = replies[1]["suggestions"][0]
    assert {"rank", "artist_id", "name", "genre", "reason", "scores", "url"} <= set(first)  # the one shape
    assert len(replies[1]["suggestions"]) == 3 and first["url"].startswith("https://www.last.fm/music/")
    assert small_engine.dataset.artist_index(first["artist_id"]) is not None
    assert "suggestions" not in replies[2]


def test_text_replies_and_state_carried_between_prompts(ask, small_engine):
    names = [str(n) for n in small_engine.dataset.artist_names[:2]]
    code, out, _ = ask(f"I like {names[0]}", f"more like {names[1]}")
    assert code == 0 and "Added to what you already like" in out and names[0] in out


def test_a_prompt_that_cannot_be_answered_exits_2_after_the_replies_so_far(ask, small_engine):
    code, out, _ = ask("--format", "json", f"I like {small_engine.dataset.artist_names[0]}", "be listener 999999",
                       "help")
    replies = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and [r["kind"] for r in replies] == ["suggestions", "error"]
    code, out, _ = ask("asdfgh qwerty")
    assert code == 2


def test_session_continues_the_saved_conversation_and_saves_it(ask, small_engine):
    name = str(small_engine.dataset.artist_names[4])
    assert ask("--session", f"I like {name}")[0] == 0
    code, out, err = ask("--session", "--format", "json", "recommend")
    assert code == 0 and "restored your last session" in err
    assert json.loads(out.splitlines()[0])["kind"] == "suggestions"
    code, _, _ = ask("--format", "json", "recommend")  # no --session: nobody to recommend for
    assert code == 2


def test_a_reply_of_several_lines_prints_them_as_lines_with_control_characters_shown(ask):
    code, out, _ = ask("blorp \x1b[31m zzz")  # not understood: the reply lists what is
    assert code == 2
    lines = out.splitlines()
    assert "\\n" not in out and len(lines) > 5  # the help's line breaks are line breaks
    assert "\x1b" not in out and "blorp" in lines[0]  # the echoed escape sequence never reaches the terminal

"""Whatever the bytes of a prompt, the parser returns an intent and the conversation a reply."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cratedig.engine.chat.conversation import Conversation
from cratedig.engine.chat.intents import Intent, clean, parse
from cratedig.engine.chat.replies import Reply

PROMPTS = st.one_of(
    st.text(max_size=300),
    st.builds(lambda verb, rest: f"{verb} {rest}",
              st.sampled_from(["I like", "I don't like", "more like", "who is close to", "why", "be listener",
                               "a listener who likes", "neighbours of", "add"]),
              st.text(max_size=120)),
)


@settings(max_examples=400, deadline=None)
@given(PROMPTS)
def test_the_parser_always_returns_an_intent_from_clean_text(prompt):
    intent = parse(prompt)
    assert isinstance(intent, Intent)
    assert len(clean(prompt)) <= 500 and all(ch.isprintable() for ch in clean(prompt))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prompts=st.lists(PROMPTS, min_size=1, max_size=4))
def test_the_conversation_always_replies_and_keeps_a_sane_state(small_engine, prompts):
    chat = Conversation(small_engine)
    for prompt in prompts:
        reply = chat.handle(prompt)
        assert isinstance(reply, Reply) and isinstance(reply.text, str)
    assert chat.state.listener_id is None or small_engine.dataset.listener_index(chat.state.listener_id) is not None
    assert not {a.artist_id for a in chat.state.liked} & {a.artist_id for a in chat.state.disliked}


@pytest.mark.parametrize("prompt", ["be listener " + "9" * 400, "be listener 00000000000000000002",
                                    "I like " + "a, " * 300, "why " + "x" * 600, "\x00" * 50, "‮evil"])
def test_extreme_prompts_get_a_reply(small_engine, prompt):
    assert isinstance(Conversation(small_engine).handle(prompt), Reply)

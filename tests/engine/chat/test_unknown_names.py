"""A name the catalogue lacks is never swapped for another artist: the reply says it is not there
and offers choices that one word accepts; nothing is liked without a confident match or a choice."""
from __future__ import annotations

from cratedig.engine.chat.conversation import Conversation
from cratedig.engine.chat.replies import ErrorReply, SuggestionsReply, TextReply


def typo_of(name: str) -> str:
    """Two letters swapped near the end: a typo of a long name that still matches only it."""
    return name[:-3] + name[-2] + name[-3] + name[-1]


def test_an_unknown_name_is_a_question_not_a_swap(small_engine):
    chat = Conversation(small_engine)
    near = next(str(n) for n in small_engine.dataset.artist_names if 6 <= len(str(n).replace(" ", "")) < 10)
    typed = near + "qq"  # two edits: more than a name this short may have (FUZZY_RULE), so only choices
    reply = chat.handle(f"I like {typed}")
    assert isinstance(reply, TextReply) and not chat.state.liked
    assert "couldn't find" in reply.text and "in the catalogue" in reply.text
    assert reply.unknown == (typed,)
    offered = reply.did_you_mean[typed]
    assert near in [h.name for h in offered]
    assert offered and "Say its number" in reply.text
    chosen = chat.handle("1")
    assert isinstance(chosen, SuggestionsReply)
    assert [a.artist_id for a in chat.state.liked] == [offered[0].artist_id]


def test_a_choice_holds_for_the_next_prompt_only(small_engine):
    chat = Conversation(small_engine)
    chat.handle("I like Qqqqqqqqqq Zzzzzzzzzz")
    chat.handle("help")
    assert isinstance(chat.handle("1"), ErrorReply) and not chat.state.liked


def test_a_clear_typo_of_a_long_name_resolves_and_says_which(small_engine):
    names = [str(n) for n in small_engine.dataset.artist_names]
    long_name = next(n for n in names if len(n.replace(" ", "")) >= 12)
    reply = Conversation(small_engine).handle(f"I like {typo_of(long_name)}")
    assert isinstance(reply, SuggestionsReply)
    assert [h.name for h in reply.matched] == [long_name] and reply.unknown == ()


def test_names_left_out_are_matched_as_strictly(small_engine):
    chat = Conversation(small_engine)
    chat.handle(f"I like {small_engine.dataset.artist_names[0]}")
    reply = chat.handle("not Qqqqqqqqqq")
    assert not chat.state.disliked and "couldn't find" in reply.text


def test_an_unknown_name_keeps_the_listener_in_use(small_engine):
    chat = Conversation(small_engine)
    listener = small_engine.dataset.listener_id(3)
    chat.handle(f"be listener {listener}")
    reply = chat.handle("I like Zqxjvw Nonexistent Band")
    assert not isinstance(reply, SuggestionsReply) and chat.state.listener_id == listener and not chat.state.liked
    assert isinstance(chat.handle("recommend"), SuggestionsReply) and chat.state.listener_id == listener

"""The conversation on the small synthetic data: each intent's reply and what it does to the state."""
from __future__ import annotations

import pytest

from engine.chat.conversation import Conversation
from engine.chat.replies import ErrorReply, HelpReply, NeighboursReply, SuggestionsReply, TextReply


@pytest.fixture
def chat(small_engine):
    return Conversation(small_engine)


def name(engine, index: int) -> str:
    return str(engine.dataset.artist_names[index])


def test_liking_artists_gives_ranked_suggestions_without_them(chat, small_engine):
    reply = chat.handle(f"I like {name(small_engine, 0)}, {name(small_engine, 1)}")
    assert isinstance(reply, SuggestionsReply) and reply.state_changed
    assert [a.name for a in chat.state.liked] == [name(small_engine, 0), name(small_engine, 1)]
    suggested = [s.name for s in reply.recommendations.suggestions]
    assert len(suggested) == 10 and not {name(small_engine, 0), name(small_engine, 1)} & set(suggested)
    assert reply.recommendations.ranked and "mf retrieved" in reply.text


def test_disliking_a_suggestion_removes_it_and_keeps_it_out(chat, small_engine):
    first = chat.handle(f"I like {name(small_engine, 2)}").recommendations.suggestions[0]
    reply = chat.handle(f"I don't like {first.name}")
    assert isinstance(reply, SuggestionsReply)
    assert first.artist_id in {a.artist_id for a in chat.state.disliked}
    assert first.artist_id not in {s.artist_id for s in reply.recommendations.suggestions}


def test_more_like_with_a_genre_left_out_suggests_none_of_that_genre(chat, small_engine):
    liked = name(small_engine, 3)
    before = chat.handle(f"I like {liked}").recommendations.suggestions
    genre = next(s.genre for s in before if s.genre != "No Tags")
    reply = chat.handle(f"more like {liked} but not {genre}")
    assert isinstance(reply, SuggestionsReply) and f"leaving out {genre.lower()}" in reply.text
    assert all(s.genre.casefold() != genre.casefold() for s in reply.recommendations.suggestions)


def test_becoming_a_listener_and_an_unknown_listener(chat, small_engine):
    listener = int(small_engine.dataset.listener_ids[4])
    reply = chat.handle(f"be listener {listener}")
    assert isinstance(reply, SuggestionsReply) and chat.state.listener_id == listener
    assert reply.text.startswith(f"You are now listener {listener}:")
    reply = chat.handle("be listener 999999")
    assert isinstance(reply, ErrorReply) and "unknown listener id 999999" in reply.text
    assert chat.state.listener_id == listener  # a failed request changes nothing


def test_why_explains_a_suggestion_with_its_reason_and_every_score(chat, small_engine):
    suggestion = chat.handle(f"I like {name(small_engine, 5)}").recommendations.suggestions[0]
    reply = chat.handle(f"why {suggestion.name}")
    assert isinstance(reply, TextReply)
    assert suggestion.reason in reply.text and all(m in reply.text for m in small_engine.model_names)


def test_neighbours_reset_help_and_unknown(chat, small_engine):
    reply = chat.handle(f"who is close to {name(small_engine, 6)}")
    assert isinstance(reply, NeighboursReply) and reply.neighbours.name == name(small_engine, 6)
    chat.handle(f"I like {name(small_engine, 6)}")
    reply = chat.handle("reset")
    assert isinstance(reply, TextReply) and not chat.state.liked and chat.last is None
    assert isinstance(chat.handle("help"), HelpReply)
    assert isinstance(chat.handle("blah blah"), HelpReply)
    assert isinstance(chat.handle("   "), ErrorReply)
    assert isinstance(chat.handle("recommend"), ErrorReply)  # nobody to recommend for yet


def test_switching_retriever_cycles_through_the_engines_retrievers(chat, small_engine):
    seen = [chat.state.retriever] + [chat.next_retriever() for _ in small_engine.retrievers]
    assert seen[0] == seen[-1] and set(seen) == set(small_engine.retrievers)
    reply = chat.handle(f"I like {name(small_engine, 7)}")
    assert reply.recommendations.retriever == chat.state.retriever


def test_removing_liked_artists_from_the_state(chat, small_engine):
    chat.handle(f"I like {name(small_engine, 8)}, {name(small_engine, 9)}")
    chat.remove_liked(chat.state.liked[0].artist_id)
    assert [a.name for a in chat.state.liked] == [name(small_engine, 9)]

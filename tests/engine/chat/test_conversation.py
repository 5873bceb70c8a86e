"""The conversation on the small synthetic data: each intent's reply and what it does to the state."""
from __future__ import annotations

from pathlib import Path

import pytest

from cratedig.engine.chat.conversation import Conversation
from cratedig.engine.chat.replies import ErrorReply, HelpReply, NeighboursReply, SuggestionsReply, TextReply


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
    assert isinstance(reply, SuggestionsReply) and f"leave out anything {genre.lower()}" in reply.text
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


def test_a_compound_like_and_dislike_in_one_sentence(chat, small_engine):
    liked, unwanted = name(small_engine, 10), name(small_engine, 11)
    reply = chat.handle(f"I like {liked} but not {unwanted}")
    assert isinstance(reply, SuggestionsReply)
    assert [a.name for a in chat.state.liked] == [liked] and [a.name for a in chat.state.disliked] == [unwanted]
    assert unwanted not in {s.name for s in reply.recommendations.suggestions}


def test_not_a_genre_leaves_out_its_whole_family(chat, small_engine):
    genre = small_engine.genre_names()[0]
    chat.handle(f"I like {name(small_engine, 12)}")
    reply = chat.handle(f"not {genre}")
    assert isinstance(reply, SuggestionsReply) and chat.state.excluded_genres == (genre,)
    family = small_engine.catalog.genre_family(genre)
    suggested = [small_engine.dataset.artist_index(s.artist_id) for s in reply.recommendations.suggestions]
    assert not family[suggested].any()


def test_only_a_genre_keeps_to_its_family_and_anything_lets_go(chat, small_engine):
    genre = small_engine.genre_names()[1]
    chat.handle(f"I like {name(small_engine, 13)}")
    reply = chat.handle(f"only {genre}")
    family = small_engine.catalog.genre_family(genre)
    suggested = [small_engine.dataset.artist_index(s.artist_id) for s in reply.recommendations.suggestions]
    assert suggested and family[suggested].all()
    assert isinstance(chat.handle("only zzqq"), ErrorReply)
    chat.handle("anything")
    assert chat.state.only_genres == () and chat.state.popularity == 0


def test_show_me_k(chat, small_engine):
    chat.handle(f"I like {name(small_engine, 14)}")
    reply = chat.handle("show me 20")
    assert chat.state.k == 20 and len(reply.recommendations.suggestions) == 20
    assert isinstance(chat.handle("show me 5000"), ErrorReply) and chat.state.k == 20


def test_the_popularity_knob_moves_the_median_popularity_of_suggestions(chat, small_engine):
    import numpy as np

    listeners = small_engine.catalog.popularity

    def median(reply):
        return float(np.median([listeners[small_engine.dataset.artist_index(s.artist_id)]
                                for s in reply.recommendations.suggestions]))

    plain = median(chat.handle(f"I like {name(small_engine, 15)}, {name(small_engine, 16)}"))
    less = median(chat.handle("something less mainstream"))
    more = median(chat.handle("more popular"))
    assert less < plain < more, (less, plain, more)
    assert chat.handle("anything").recommendations and chat.state.popularity == 0


def test_more_like_adds_to_what_is_liked_and_says_so(chat, small_engine):
    chat.handle(f"I like {name(small_engine, 17)}")
    reply = chat.handle(f"more like {name(small_engine, 18)}")
    assert [a.name for a in chat.state.liked] == [name(small_engine, 17), name(small_engine, 18)]
    assert "Added to what you already like" in reply.text


@pytest.mark.parametrize("suffix", ["csv", "json", "md"])
def test_saving_the_suggestions_in_each_format(chat, small_engine, tmp_path, suffix):
    import csv
    import json

    assert isinstance(chat.handle("save"), ErrorReply)  # nothing yet
    suggestions = chat.handle(f"I like {name(small_engine, 19)}").recommendations.suggestions
    target = tmp_path / f"picks.{suffix}"
    reply = chat.handle(f"save as {target}")
    assert isinstance(reply, TextReply) and str(target) in reply.text
    text = target.read_text()
    if suffix == "csv":
        rows = list(csv.reader(text.splitlines()))
        assert rows[0][:3] == ["rank", "artist_id", "artist"] and rows[1][2] == suggestions[0].name
    elif suffix == "json":
        assert json.loads(text)["suggestions"][0]["url"] == suggestions[0].url
    else:
        assert suggestions[0].url in text and text.startswith("# cratedig suggestions")


def test_saving_where_it_cannot_be_written_is_one_clear_error(chat, small_engine, tmp_path):
    chat.handle(f"I like {name(small_engine, 20)}")
    (tmp_path / "afile").write_text("x")
    reply = chat.handle(f"save as {tmp_path}/afile/picks.csv")
    assert isinstance(reply, ErrorReply) and "cannot make the folder" in reply.text and "--" not in reply.text
    reply = chat.handle(f"save as {tmp_path}/picks.txt")  # never silently the default name instead
    assert isinstance(reply, ErrorReply) and "the formats known are .csv, .json, .md, .xspf" in reply.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_one_rule_for_where_saves_go_and_missing_folders_are_made(chat, small_engine, tmp_path, monkeypatch):
    exports = tmp_path / "exports"  # does not exist yet
    monkeypatch.setenv("CRATEDIG_EXPORTS", str(exports))
    chat.handle(f"I like {name(small_engine, 24)}")
    assert str(exports / "picks.md") in chat.handle("save as picks.md").text
    assert (exports / "picks.md").read_text().startswith("# cratedig suggestions")
    chat.handle("save as deeper/picks.json")
    assert (exports / "deeper" / "picks.json").is_file()
    chat.handle(f"save as {tmp_path}/elsewhere/picks.csv")  # an absolute name goes where it says
    assert (tmp_path / "elsewhere" / "picks.csv").is_file()


def test_an_existing_file_is_replaced_only_after_yes(chat, small_engine, tmp_path):
    chat.handle(f"I like {name(small_engine, 25)}")
    target = tmp_path / "picks.csv"
    target.write_text("mine")
    reply = chat.handle(f"save as {target}")
    assert isinstance(reply, TextReply) and "exists" in reply.text and target.read_text() == "mine"
    assert "Saved" in chat.handle("yes").text and target.read_text().startswith("rank,")
    target.write_text("mine")
    chat.handle(f"save as {target}")
    chat.handle("show me 5")  # anything else first: the question lapses
    assert isinstance(chat.handle("yes"), ErrorReply) and target.read_text() == "mine"


def test_saves_never_write_through_links_into_fifos_or_into_our_state(chat, small_engine, tmp_path):
    import os

    chat.handle(f"I like {name(small_engine, 26)}")
    (tmp_path / "real.csv").write_text("mine")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    (tmp_path / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")
    os.mkfifo(tmp_path / "pipe.csv")
    for target, problem in (("link.csv", "is a link"), ("dangling.csv", "is a link"),
                            ("pipe.csv", "not a regular file")):
        reply = chat.handle(f"save as {tmp_path / target}")
        assert isinstance(reply, ErrorReply) and problem in reply.text, target
    state = Path(os.environ["CRATEDIG_STATE"])
    reply = chat.handle(f"save as {state}/session.json")
    assert isinstance(reply, ErrorReply) and "own state or cache folder" in reply.text
    assert (tmp_path / "real.csv").read_text() == "mine" and not (tmp_path / "nowhere.csv").exists()


def test_save_with_no_name_uses_the_exports_folder(chat, small_engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CRATEDIG_EXPORTS", str(tmp_path))
    chat.handle(f"I like {name(small_engine, 21)}")
    chat.handle("save these as a playlist")
    saved = list(tmp_path.glob("cratedig-*.csv"))
    assert len(saved) == 1 and saved[0].read_text().startswith("rank,")


def test_copy_gives_the_suggestions_as_text(chat, small_engine):
    from cratedig.engine.chat.replies import CopyReply

    suggestions = chat.handle(f"I like {name(small_engine, 22)}").recommendations.suggestions
    reply = chat.handle("copy")
    assert isinstance(reply, CopyReply) and reply.clipboard.splitlines()[0].startswith(f"1. {suggestions[0].name}")


def test_saving_to_an_unknown_users_home_is_one_clear_error(chat, small_engine):
    chat.handle(f"I like {name(small_engine, 23)}")
    reply = chat.handle("save as ~nosuchuser-zz/picks.csv")
    assert isinstance(reply, ErrorReply) and "no such user" in reply.text

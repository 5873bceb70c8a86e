"""The prompt parser: each documented phrasing to its typed intent, predictably."""
from __future__ import annotations

import pytest

from cratedig.engine.chat.intents import (EXAMPLES, BeListener, Dislike, Evaluate, GenreListener, Help, Like, MoreLike,
                                          NeighboursOf, Recommend, Reset, Unknown, Why, clean, help_text, parse,
                                          split_artists)


@pytest.mark.parametrize("prompt, intent", [
    ("I like Björk and Sigur Rós", Like(["Björk and Sigur Rós"])),
    ("i really love Muse, Portishead; Air", Like(["Muse", "Portishead", "Air"])),
    ("add Adele", Like(["Adele"])),
    ("I don't like Coldplay", Dislike(["Coldplay"])),
    ("no more U2!", Dislike(["U2"])),
    ("more like Muse but not rock", MoreLike(["Muse"], ["rock"])),
    ("something like Air, but no Electronic, Pop", MoreLike(["Air"], ["Electronic", "Pop"])),
    ("more like Muse", MoreLike(["Muse"], [])),
    ("be listener 2", BeListener(2)),
    ("user #17", BeListener(17)),
    ("a listener who likes Post-Rock", GenreListener("post-rock")),
    ("who is close to Adele", NeighboursOf("Adele")),
    ("neighbours of 'Air'", NeighboursOf("Air")),
    ("why Radiohead?", Why("Radiohead")),
    ("why did you suggest Muse", Why("Muse")),
    ("how good are the models?", Evaluate()),
    ("recommend", Recommend()),
    ("what should I listen to next", Recommend()),
    ("start over", Reset()),
    ("help", Help()),
])
def test_each_phrasing_parses_to_its_intent(prompt, intent):
    assert parse(prompt) == intent


def test_every_example_in_the_help_is_understood():
    assert all(not isinstance(parse(example), Unknown) for example in EXAMPLES)
    assert all(example in help_text() for example in EXAMPLES)


@pytest.mark.parametrize("prompt", ["asdkjh qwe", "like", "why", "be listener two", ""])
def test_what_matches_no_form_is_unknown_with_the_cleaned_text(prompt):
    assert parse(prompt) == Unknown(clean(prompt))


def test_control_characters_are_dropped_and_prompts_are_cut():
    assert clean("I like\x1b[31m Muse\x07!!") == "I like[31m Muse"
    assert len(clean("x" * 5000)) == 500
    assert parse("I like \x00Muse") == Like(["Muse"])


def test_artist_lists_split_on_commas_and_keep_and_for_the_engine():
    assert split_artists("Björk, Simon and Garfunkel + Air.") == ["Björk", "Simon and Garfunkel", "Air"]
    assert split_artists(" , ") == []

"""Features against small hand-worked examples."""
from __future__ import annotations

import pytest

from cratedig.engine.data.loader import load_dataset
from cratedig.engine.data.features import (NO_TAGS, artist_genres, artist_tags, listener_tag_profile,
                                           normalised_weights)
from tests.handmade import write_dataset


@pytest.fixture
def tiny(tmp_path):
    # Listener 10 plays A(3) and B(4): norm 5 -> 0.6, 0.8. Listener 20 plays C(2): 1.0.
    # Artist A: rock x3, pop x3 (tie: lower tag id wins), jazz x1. B: pop x2 only -> No Tags. C: jazz x4.
    taggings = ([(10, 1, 1)] * 0 + [(u, 1, 1) for u in (10, 20, 30)] + [(u, 1, 2) for u in (10, 20, 30)]
                + [(10, 1, 3)] + [(u, 2, 2) for u in (10, 20)] + [(u, 3, 3) for u in (10, 20, 30, 40)])
    plays = [(10, 1, 3), (10, 2, 4), (20, 3, 2), (30, 1, 1), (40, 3, 9)]
    return load_dataset(write_dataset(tmp_path / "d", [(1, "A"), (2, "B"), (3, "C")],
                                      [(1, "rock"), (2, "pop"), (3, "jazz")], plays, taggings))


def test_weights_are_l2_normalised_per_listener(tiny):
    w = normalised_weights(tiny)
    by_pair = {(int(tiny.listener_ids[l]), int(tiny.artist_ids[a])): x
               for l, a, x in zip(tiny.plays.listener, tiny.plays.artist, w)}
    assert by_pair[(10, 1)] == pytest.approx(0.6) and by_pair[(10, 2)] == pytest.approx(0.8)
    assert by_pair[(20, 3)] == pytest.approx(1.0) and by_pair[(40, 3)] == pytest.approx(1.0)


def test_genre_is_most_applied_tag_used_at_least_three_times(tiny):
    assert artist_genres(tiny).tolist() == ["rock", NO_TAGS, "jazz"]


def test_artist_tags_are_ordered_by_count_and_filtered(tiny):
    tags = artist_tags(tiny)
    assert [tiny.tag_names[t] for t in tags.of(0)] == ["rock", "pop"]
    assert tags.counts[tags.indptr[0]:tags.indptr[1]].tolist() == [3, 3]
    everything = artist_tags(tiny, min_count=1)
    assert [tiny.tag_names[t] for t in everything.of(0)] == ["rock", "pop", "jazz"]
    assert [tiny.tag_names[t] for t in everything.of(1)] == ["pop"]


def test_listener_tag_profile_counts_each_listeners_tags(tiny):
    profile = listener_tag_profile(tiny).toarray()
    row = profile[tiny.listener_index(10)]
    assert row.tolist() == [1, 2, 2]  # rock once, pop on A and B, jazz on A and C
    assert profile.sum() == len(tiny.taggings)

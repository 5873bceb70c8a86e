"""Reading Last.fm-360K: every quirk of the real files on small hand-made files, kind detection,
listener ids by SHA-1 prefix, and the synthetic data in this format."""
from __future__ import annotations

import numpy as np
import pytest

from cratedig.engine.data.loader import load_dataset

from cratedig.engine.data.types import HETREC_2K, LASTFM_360K
from cratedig.engine.data.synthetic import SyntheticSpec
from cratedig.engine.data.synthetic360k import generate_lastfm360k
from cratedig.engine.errors import DataError
from tests.handmade import (
    BJORK,
    QUIRKY_EXPECTED,
    RADIOHEAD,
    U1,
    U2,
    U3,
    U4,
    write_dataset,
    write_lastfm360k,
)


@pytest.fixture(scope="module")
def quirky(tmp_path_factory):
    return load_dataset(write_lastfm360k(tmp_path_factory.mktemp("q") / "data"))


def plays_by_name(data) -> dict[tuple[str, str], float]:
    found: dict[tuple[str, str], float] = {}
    for u, a, w in zip(data.plays.listener, data.plays.artist, data.plays.weight):
        key = (str(data.listener_ids[u]), str(data.artist_names[a]))
        found[key] = found.get(key, 0) + w
    return found


def test_every_quirk_is_handled_as_documented(quirky):
    assert quirky.kind == LASTFM_360K
    assert plays_by_name(quirky) == QUIRKY_EXPECTED
    # Radiohead, Björk, Sigur Rós (by name), two Nirvanas, Mogwai (by name)
    assert sorted(quirky.artist_names.tolist()) == ["Björk", "Mogwai", "Nirvana", "Nirvana", "Radiohead", "Sigur Rós"]
    assert quirky.listener_ids.tolist() == sorted([U1, U2, U3, U4])
    assert len(quirky.taggings) == 0 and len(quirky.friends) == 0 and not quirky.has_tags


def test_every_quirk_is_counted(quirky):
    counts = {code: n for code, _, n in quirky.quirks}
    assert counts == {
        "truncated last line dropped": 1,
        "lines whose plays are not a whole number, dropped": 1,
        "plays of 0, dropped": 1,
        "plays above 1,000,000, clipped": 1,
        "artist names with a stray tab, rejoined": 1,
        "artist names with control characters, replaced by spaces": 1,
        "lines not UTF-8, read as Windows-1252": 1,
        "rows without an MBID joined to the MBID of their name": 1,
        "names under several MBIDs, kept as several artists": 1,
        "artists under several spellings, most common kept": 2,  # Radiohead, Sigur Rós
        "duplicate listener-artist rows, plays summed": 1,
        "ages outside 5-100, unknown": 2,
        "profiles without a country": 1,
    }


def test_profiles_are_aligned_with_listeners_and_bad_values_unknown(quirky):
    p = quirky.profiles
    u1, u2, u3, u4 = (quirky.listener_index(u) for u in (U1, U2, U3, U4))
    assert p.describe(u1) == "United Kingdom, 25, m"
    assert (p.age[u2], p.country[u2], p.gender[u2]) == (-1, -1, 2)  # age 150, no country
    assert p.age[u3] == -1 and p.describe(u3) == "Sweden"  # age 3, no gender
    assert p.describe(u4) == "" and p.signup[u4] == -1  # not in the profile file
    assert p.signup[u1] == 1170288000  # Feb 1, 2007, 00:00 UTC


def test_artist_ids_are_stable_numbers_in_key_order(quirky, tmp_path):
    again = load_dataset(write_lastfm360k(tmp_path / "again"))
    assert quirky.artist_ids.tolist() == list(range(1, 7))
    assert again.fingerprint == quirky.fingerprint and again.artist_names.tolist() == quirky.artist_names.tolist()


def test_listeners_by_sha1_and_unique_prefix(quirky):
    assert quirky.listener_index(U1.upper()) == quirky.listener_index(U1) is not None
    assert quirky.listener_id(quirky.listener_index(U1)) == U1
    assert quirky.listeners_with_prefix("3a8f").tolist() == [quirky.listener_index(U1)]
    assert len(quirky.listeners_with_prefix("3a8")) == 2
    assert len(quirky.listeners_with_prefix("ffff")) == 0
    assert quirky.listener_index(12) is None


def test_engine_resolves_a_unique_prefix_and_names_an_ambiguous_one(quirky):
    from cratedig.engine.api import Engine
    from cratedig.engine.errors import UsageError

    engine = Engine(quirky.source, dataset=quirky)
    assert engine.find_listener("3A8F") == U1
    with pytest.raises(UsageError, match="ambiguous"):
        engine.find_listener("3a8")
    with pytest.raises(UsageError, match="no listener id starts with 'ffff'"):
        engine.find_listener("ffff")


def test_kind_is_told_from_the_files_and_can_be_forced(tmp_path):
    directory = write_lastfm360k(tmp_path / "d")
    with pytest.raises(DataError, match="artists.dat: file not found"):
        load_dataset(directory, HETREC_2K)
    hetrec = write_dataset(tmp_path / "h", [(1, "A"), (2, "B")], [(1, "rock")], [(2, 1, 10), (2, 2, 5)])
    assert load_dataset(hetrec).kind == HETREC_2K
    with pytest.raises(DataError, match="usersha1-artmbid-artname-plays.tsv: file not found"):
        load_dataset(hetrec, LASTFM_360K)


def test_a_file_that_is_not_this_dataset_is_refused(tmp_path):
    directory = tmp_path / "d"
    directory.mkdir()
    (directory / "usersha1-artmbid-artname-plays.tsv").write_text("userID,artistID,weight\n2,51,13883\n2,52,11690\n")
    with pytest.raises(DataError, match="3 of 3 lines unreadable"):
        load_dataset(directory)


def test_a_missing_profile_file_leaves_profiles_unknown(tmp_path):
    data = load_dataset(write_lastfm360k(tmp_path / "d", profiles=None))
    assert (data.profiles.age == -1).all() and ("optional file absent, profiles unknown",
                                                 "usersha1-profile.tsv", 1) in data.quirks


def test_a_name_only_artist_with_an_ambiguous_name_stays_by_name(tmp_path):
    other = "0d4b1b7f-71a5-4011-9441-d0b5e4122711"
    plays = [f"{U1}\t{RADIOHEAD}\tKent\t5".encode(), f"{U2}\t{other}\tKent\t5".encode(),
             f"{U3}\t\tkent\t5".encode(), f"{U4}\t{BJORK}\tBjörk\t1".encode()]
    data = load_dataset(write_lastfm360k(tmp_path / "d", plays=plays, last_line=b""))
    assert data.n_artists == 4  # two Kents by MBID, one by name, Björk
    assert {code for code, _, _ in data.quirks} >= {"names under several MBIDs, kept as several artists"}


def test_synthetic_data_in_this_format_loads_with_its_quirks(tmp_path):
    spec = SyntheticSpec(listeners=300, artists=800, genres=6, seed=4)
    first = load_dataset(generate_lastfm360k(tmp_path / "a", spec, quirk_rate=0.01))
    second = load_dataset(generate_lastfm360k(tmp_path / "b", spec, quirk_rate=0.01))
    assert first.fingerprint == second.fingerprint  # seeded
    assert first.kind == LASTFM_360K and first.n_listeners == 300 and 700 < first.n_artists <= 800
    assert all(len(u) == 40 for u in first.listener_ids)
    counts = {code for code, _, _ in first.quirks}
    assert {"truncated last line dropped", "plays of 0, dropped", "artist names with a stray tab, rejoined",
            "duplicate listener-artist rows, plays summed", "rows without an MBID joined to the MBID of their name",
            "lines not UTF-8, read as Windows-1252", "ages outside 5-100, unknown"} <= counts
    assert np.all(first.plays.weight > 0) and first.plays.weight.max() <= 1_000_000

"""Matching names from outside (typed, in a liked-artists file, in an exported history) to the
catalogue, confidently or not at all: an artist the catalogue does not have must stay unmatched,
since swapping it for another artist is worse than leaving it out.

The steps, first that answers wins: the MBID (Last.fm-360K) → the artist part of a Last.fm URL
against artists.dat's url column (HetRec) → the exact name → the normalised name
(accents, case, "&"/"+"/"and", a leading "The" or trailing ", The", punctuation, spacing) → the name
cut at "feat."/"ft."/"featuring"/brackets → a typo: an edit distance (optimal string alignment:
Levenshtein with a swap of two neighbouring letters as one edit; rapidfuzz's OSA) the name's
length allows (the shorter of the two names: FUZZY_RULE, calibrated on tests/engine/serving/name_queries.tsv: see
bench/name_matching.py), when exactly one catalogue name is that close. A normalised name two
catalogue artists share is matched to the more played one and marked "ambiguous"."""
from __future__ import annotations

import re
from urllib.parse import unquote_plus
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from cratedig.engine.errors import printable
from cratedig.engine.serving.search import normalise


@dataclass(frozen=True)
class FuzzyRule:
    """How many edits a typo may have: none below `one_edit_from` characters (of the normalised
    name, spaces removed), one below `two_edits_from`, two from there on."""

    one_edit_from: int = 6
    two_edits_from: int = 10

    def edits(self, length: int) -> int:
        return 0 if length < self.one_edit_from else (1 if length < self.two_edits_from else 2)


#: chosen by bench/name_matching.py on the labelled queries: the most typos resolved with no absent
#: name matched to another artist
FUZZY_RULE = FuzzyRule()
HOW = ("mbid", "url", "exact", "normalised", "ambiguous", "cut", "fuzzy")
_TRAILING_THE = re.compile(r",\s*the\s*$", re.IGNORECASE)
_CUT = re.compile(r"\s*(?:[(\[{].*|\b(?:feat\.?|ft\.?|featuring)(?:\s.*|$))$", re.IGNORECASE)


def url_key(url: str) -> str:
    """The artist part of a Last.fm page's URL (…/music/<Artist>[/_/<Track>]), decoded and case-folded."""
    if "/music/" not in url:
        return ""
    return unquote_plus(url.split("/music/", 1)[1].split("/", 1)[0]).strip().casefold()


def match_key(name: str) -> str:
    """The form names are compared in: normalised, "+" as "and", no leading "the", no spaces."""
    key = normalise(_TRAILING_THE.sub("", name).replace("+", " and "))
    return key.removeprefix("the ").replace(" ", "")


@dataclass(frozen=True)
class Match:
    """What a name matched: a dataset index (-1: nothing), how (one of HOW, "" when unmatched), a
    score 0..100, and for an ambiguous match the other artists it could be."""

    artist: int
    how: str
    score: float
    others: tuple[int, ...] = ()

    @property
    def found(self) -> bool:
        return self.artist >= 0


NO_MATCH = Match(-1, "", 0.0)


class NameMatcher:
    """The matching index of one catalogue (built once: about 0.3 s for 17,632 names)."""

    def __init__(self, names: np.ndarray, popularity: np.ndarray, mbids: np.ndarray | None = None,
                 rule: FuzzyRule = FUZZY_RULE, urls: np.ndarray | None = None):
        self.rule = rule
        self.popularity = np.asarray(popularity)
        self.exact: dict[str, list[int]] = {}
        self.by_key: dict[str, list[int]] = {}
        for i, name in enumerate(names.tolist()):
            # a name with control characters is shown, and so typed back, in its printable form
            for form in dict.fromkeys((str(name), printable(str(name)))):
                for table, key in ((self.exact, form.strip()), (self.by_key, match_key(form))):
                    owners = table.setdefault(key, []) if key else []
                    if key and i not in owners:
                        owners.append(i)
        self.by_mbid = {} if mbids is None else {m: i for i, m in enumerate(mbids.tolist()) if m}
        self.by_url: dict[str, list[int]] = {}
        for i, url in enumerate([] if urls is None else urls.tolist()):
            key = url_key(str(url))
            if key:
                self.by_url.setdefault(key, []).append(i)
        self.by_length: dict[int, tuple[list[str], list[list[int]]]] = {}
        for key, artists in self.by_key.items():
            keys, owners = self.by_length.setdefault(len(key), ([], []))
            keys.append(key)
            owners.append(artists)

    def match(self, name: str, mbid: str = "", url: str = "") -> Match:
        if mbid and mbid in self.by_mbid:
            return Match(self.by_mbid[mbid], "mbid", 100.0)
        by_url = self.by_url.get(url_key(url)) if url else None
        if by_url:
            picked = self._pick(by_url, "url")
            return Match(picked.artist, "url", 100.0, picked.others)
        found = self._whole(name)
        if found.found:
            return found
        cut = _CUT.sub("", name).strip()
        if cut and cut != name.strip():
            found = self._whole(cut)
            if found.found:
                return Match(found.artist, "cut", 95.0, found.others)
        return self._typo(match_key(name))

    def _whole(self, name: str) -> Match:
        exact = self.exact.get(name.strip())
        if exact:
            return self._pick(exact, "exact")
        key = match_key(name)
        return self._pick(self.by_key[key], "normalised") if key in self.by_key else NO_MATCH

    def _pick(self, artists: list[int], how: str) -> Match:
        if len(artists) == 1:
            return Match(artists[0], how, 100.0)
        order = sorted(artists, key=lambda a: -self.popularity[a])
        return Match(order[0], "ambiguous", 100.0, tuple(order[1:4]))

    def _typo(self, key: str) -> Match:
        """The one catalogue name within the edits the shorter name's length allows, if exactly one is."""
        allowed = self.rule.edits(len(key))
        if not allowed:
            return NO_MATCH
        best: list[tuple[int, list[int]]] = []
        for length in range(len(key) - allowed, len(key) + allowed + 1):
            keys, owners = self.by_length.get(length, ((), ()))
            within = min(allowed, self.rule.edits(length))  # the shorter of the two names decides
            if not keys or not within:
                continue
            for _, distance, i in process.extract(key, keys, scorer=OSA.distance,
                                                  score_cutoff=within, limit=2):
                best.append((int(distance), owners[i]))
        if not best:
            return NO_MATCH
        best.sort(key=lambda pair: pair[0])
        if len(best) > 1 and best[1][0] == best[0][0]:
            return NO_MATCH  # two names as close: not confident
        distance, artists = best[0]
        picked = self._pick(artists, "fuzzy")
        score = round(100.0 * (1 - distance / max(len(key), 1)), 1)
        return Match(picked.artist, "fuzzy", score, picked.others)

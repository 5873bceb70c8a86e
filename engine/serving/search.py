"""Artist search: typo-tolerant, insensitive to case, accents and punctuation; exact names first,
popularity breaking near-ties."""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

MAX_QUERY_CHARS = 200
_JOINERS = re.compile(r"['’`./]")  # AC/DC -> acdc, Guns N' Roses -> guns n roses
_NON_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Lower-case, accents stripped, '&' as 'and', punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("&", " and ").replace("ø", "o").replace("æ", "ae").replace("ß", "ss")
    text = _JOINERS.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def _without_article(name: str) -> str:
    return name[4:] if name.startswith("the ") else name


@dataclass(frozen=True)
class SearchHit:
    artist: int  # dataset index
    name: str
    score: float  # 0..100 (+ a popularity bonus of at most 1)


class ArtistSearch:
    """An index over artist names, built once per dataset (a few hundred ms for 17k names)."""

    def __init__(self, names: np.ndarray, popularity: np.ndarray):
        self.names = names
        keys = [normalise(str(n)) for n in names]
        self.keys = [_without_article(k) for k in keys]
        self.compact = [k.replace(" ", "") for k in self.keys]
        # Only names with spaces differ from their compact form: the spaced pass needs no others.
        self.spaced = np.array([i for i, k in enumerate(self.keys) if " " in k], dtype=np.int64)
        self.spaced_keys = [self.keys[i] for i in self.spaced]
        self.exact: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            for variant in dict.fromkeys((key, self.keys[i], self.compact[i])):
                self.exact.setdefault(variant, []).append(i)
        self.sorted_order = np.argsort(np.array(self.keys, dtype=object), kind="stable")
        self.sorted_keys = [self.keys[i] for i in self.sorted_order]
        pop = np.log1p(np.asarray(popularity, dtype=np.float64))
        self.bonus = pop / max(pop.max(), 1e-9)  # 0..1: enough to break near-ties only

    def _prefix_matches(self, probe: str, limit: int) -> np.ndarray:
        """The most popular names starting with `probe` (what a user typing a name wants)."""
        lo = bisect.bisect_left(self.sorted_keys, probe)
        hi = bisect.bisect_left(self.sorted_keys, probe + "\uffff")
        found = self.sorted_order[lo:hi]
        if len(found) > limit:
            found = found[np.argpartition(-self.bonus[found], limit - 1)[:limit]]
        return found

    def search(self, query: str, limit: int = 5) -> list[SearchHit]:
        """Best matches first. Empty or punctuation-only queries give no hits."""
        key = normalise(query[:MAX_QUERY_CHARS])
        if not key or limit <= 0:
            return []
        probe = _without_article(key) or key
        scores: dict[int, float] = {}
        for i in self.exact.get(key, []) + self.exact.get(probe, []) + self.exact.get(probe.replace(" ", ""), []):
            scores[i] = 200.0  # exact (normalised) name matches come first
        for i in self._prefix_matches(probe, limit):
            # A prefix scores by how much of the name it covers: "radio" -> Radiohead 90+.
            scores.setdefault(int(i), 80.0 + 20.0 * len(probe) / max(len(self.keys[i]), 1))
        if len(probe) >= 3:
            candidates = max(limit * 2, 10)
            # Names without spaces ("gunsnroses") match any spacing typed; a one-word query needs
            # only them (for one-word names they are the same keys), which halves its cost.
            passes = [(self.compact, probe.replace(" ", ""), None)]
            if " " in probe:
                passes.append((self.spaced_keys, probe, self.spaced))
            for choices, text, index in passes:
                for _, score, i in process.extract(text, choices, scorer=fuzz.ratio, limit=candidates,
                                                   score_cutoff=60):
                    i = i if index is None else int(index[i])
                    scores[i] = max(scores.get(i, 0.0), score)
        ranked = sorted(scores, key=lambda i: -(scores[i] + self.bonus[i]))[:limit]
        return [SearchHit(int(i), str(self.names[i]), round(min(scores[i], 100.0) + float(self.bonus[i]), 2))
                for i in ranked]

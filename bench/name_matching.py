"""Calibrating the name matcher's typo rule on the labelled queries (tests/engine/serving/name_queries.tsv:
typos and variants of catalogue names that must resolve, real artists the 2011 catalogue lacks that
must not). For each rule: precision (matches that are the right artist) and recall (queries with an
artist that found it). The rule kept in engine/serving/matching.py is the one with the most recall
among those matching no absent artist and no wrong one.
Run: python -m bench.name_matching [--data DIR]"""
from __future__ import annotations

import json
from pathlib import Path

from bench.common import data_dir, parser, write_result

QUERIES = Path(__file__).resolve().parents[1] / "tests" / "engine" / "serving" / "name_queries.tsv"


def labelled() -> list[tuple[str, str | None]]:
    rows = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, expected = line.split("\t")
            rows.append((query, None if expected == "-" else expected))
    return rows


def scores(matcher, names, queries) -> dict:
    right = wrong = 0
    for query, expected in queries:
        found = matcher.match(query)
        if found.found:
            right += names[found.artist] == expected
            wrong += names[found.artist] != expected
    positives = sum(expected is not None for _, expected in queries)
    return {"precision": round(right / max(right + wrong, 1), 4), "recall": round(right / positives, 4),
            "right": right, "wrong": wrong, "queries": len(queries), "positives": positives}


def main() -> None:
    args = parser(__doc__).parse_args()
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.serving.catalog import Catalog
    from cratedig.engine.serving.matching import FUZZY_RULE, FuzzyRule, NameMatcher

    data = load_dataset(data_dir(args))
    popularity = Catalog(data).popularity
    queries = labelled()
    names = data.artist_names
    grid = []
    for one in range(4, 10):
        for two in range(one + 2, 17, 2):
            rule = FuzzyRule(one, two)
            grid.append({"one_edit_from": one, "two_edits_from": two,
                         **scores(NameMatcher(names, popularity, rule=rule), names, queries)})
    no_fuzzy = scores(NameMatcher(names, popularity, rule=FuzzyRule(10_000, 10_000)), names, queries)
    safe = [g for g in grid if g["wrong"] == 0]
    best = max(safe, key=lambda g: (g["recall"], g["one_edit_from"], g["two_edits_from"]))
    chosen = {"one_edit_from": FUZZY_RULE.one_edit_from, "two_edits_from": FUZZY_RULE.two_edits_from,
              **scores(NameMatcher(names, popularity), names, queries)}
    figures = {"chosen": chosen, "best_on_grid": best, "without_typos": no_fuzzy, "grid": grid}
    write_result("name_matching", "python -m bench.name_matching", figures)
    print(json.dumps({k: v for k, v in figures.items() if k != "grid"}))


if __name__ == "__main__":
    main()

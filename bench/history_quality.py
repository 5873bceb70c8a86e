"""Recommending from someone's own exported history, measured honestly.

400 listeners with at least 15 artists are removed from training (200 for validation, 200 for test;
the models never see them). For each, 80 % of their artists (at random) are written as an export in
every format (tests/history_samples.py; listens scaled to at most about 2,000 per listener), with
name noise (one name in ten changed as people write it: case, accents, a leading "The", a typo) and
the rows each format has that must be skipped; the other 20 % are the truth. Each export is imported
and matched (engine.data.listens, engine.serving.matching), folded in with each weighting of plays,
and every model, the ranked pipeline, EASE and item-kNN are scored on it (Recall@10, NDCG@10).
The weighting is chosen on the validation listeners (Recall@10, then NDCG@10); the test listeners
report, with a 95 % paired bootstrap interval of the default pipeline's Recall@10 less the best
baseline's.
Run: python -m bench.history_quality [--data DIR]"""
from __future__ import annotations

import json
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from bench.common import data_dir, parser, write_result

HELD = 200
MAX_EVENTS = 2000
START = 1_262_304_000


def noisy(name: str, rng: np.random.Generator) -> str:
    """The name as a person or another program might write it."""
    change = rng.integers(4)
    if change == 0:
        return name.upper() if rng.random() < 0.5 else name.lower()
    if change == 1:
        return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    if change == 2:
        return name[4:] if name.lower().startswith("the ") else "The " + name
    if len(name) >= 8:  # a typo: two letters swapped
        i = int(rng.integers(1, len(name) - 2))
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name


def exports_for(data, listener: int, rng: np.random.Generator) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    """(listens to write, history artists, their plays, truth artists) for one held-out listener."""
    mask = data.plays.listener == listener
    artists, plays = data.plays.artist[mask], data.plays.weight[mask]
    order = rng.permutation(len(artists))
    cut = int(round(0.8 * len(artists)))
    kept, truth = order[:cut], order[cut:]
    scale = max(1.0, plays[kept].sum() / MAX_EVENTS)
    events = []
    for a, p in zip(artists[kept], plays[kept]):
        name = str(data.artist_names[a])
        written = noisy(name, rng) if rng.random() < 0.1 else name
        events += [(written, "", START + int(t)) for t in rng.integers(0, 10 * 365 * 86400, max(1, int(p / scale)))]
    return events, artists[kept], plays[kept], artists[truth]


def main() -> None:
    args = parser(__doc__).parse_args()
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.data.listens import read_history
    from cratedig.engine.evaluation.metrics import paired_bootstrap, per_row, ranking_metrics
    from cratedig.engine.models.pipeline import recommend
    from cratedig.engine.models.query import liked_query
    from cratedig.engine.models.registry import DEFAULT_RANKER, DEFAULT_RETRIEVER, RETRIEVERS
    from cratedig.engine.serving.catalog import Catalog
    from cratedig.engine.serving.histories import WEIGHTINGS, match_names, weighted_artists
    from cratedig.engine.training.store import get_models
    from tests import history_samples as samples

    data = load_dataset(data_dir(args))
    rng = np.random.default_rng(11)
    counts = np.bincount(data.plays.listener, minlength=data.n_listeners)
    held = rng.choice(np.flatnonzero(counts >= 15), size=2 * HELD, replace=False)
    groups = {"validation": held[:HELD], "test": held[HELD:]}
    train = data.with_plays(~np.isin(data.plays.listener, held))
    models = get_models(train, [*RETRIEVERS, DEFAULT_RANKER, "itemknn", "ease"])
    catalog = Catalog(train)
    listeners = {g: [exports_for(data, int(u), rng) for u in ids] for g, ids in groups.items()}

    def truth_matrix(rows) -> sp.csr_matrix:
        r = [i for i, row in enumerate(rows) for _ in row[3]]
        c = [a for row in rows for a in row[3]]
        return sp.csr_matrix((np.ones(len(c)), (r, c)), shape=(len(rows), data.n_artists))

    pipelines = {f"{DEFAULT_RETRIEVER}+{DEFAULT_RANKER} (default)": (DEFAULT_RETRIEVER, DEFAULT_RANKER),
                 **{name: (name, None) for name in RETRIEVERS}, "ease": ("ease", None), "itemknn": ("itemknn", None)}
    results: dict = {"listeners_per_group": HELD, "formats": {}}
    per_listener: dict = {}  # test Recall@10 per listener: format -> pipeline -> weighting
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, write in samples.WRITERS.items():
            per_group: dict = {}
            matching = {"right": 0, "wrong": 0, "unmatched": 0}
            for group, rows in listeners.items():
                folded: dict[str, list] = {w: [] for w in WEIGHTINGS}
                for n, (events, artists, _, _) in enumerate(rows):
                    folder = Path(tmp) / fmt / group / str(n)
                    folder.mkdir(parents=True)
                    history = read_history([write(folder, events)])
                    matches = match_names(history, catalog)
                    if group == "test":
                        truth_ids = set(data.artist_ids[artists].tolist())
                        for a in matches.artist_id.tolist():
                            key = "unmatched" if a < 0 else ("right" if a in truth_ids else "wrong")
                            matching[key] += 1
                    for w in WEIGHTINGS:
                        folded[w].append(weighted_artists(history, matches, catalog, weighting=w))
                truth = truth_matrix(rows)
                per_group[group] = {}
                for w in WEIGHTINGS:
                    query = liked_query(data.n_artists, [a for a, _ in folded[w]], [x for _, x in folded[w]])
                    for label, (retriever, ranker) in pipelines.items():
                        found = recommend(models[retriever], query, 10, ranker=models[ranker] if ranker else None)
                        m = ranking_metrics(found.artists, truth, data.n_artists)
                        per_group[group].setdefault(label, {})[w] = {"recall@10": round(m.recall, 4),
                                                                     "ndcg@10": round(m.ndcg, 4)}
                        if group == "test":
                            per_listener.setdefault(fmt, {}).setdefault(label, {})[w] = per_row(found.artists, truth)[1]
            names = sum(matching.values())
            results["formats"][fmt] = {"matching": {k: round(v / names, 4) for k, v in matching.items()},
                                       **per_group}
    results["chosen"] = choose(results, pipelines)
    ratio = results["chosen"]["ratio_to_best_baseline"]
    default = next(label for label in pipelines if label.endswith("(default)"))
    first = per_listener[next(iter(per_listener))]  # the histories every format gives are alike
    difference = (first[default][results["chosen"][default]["weighting"]]
                  - first[ratio["baseline"]][results["chosen"][ratio["baseline"]]["weighting"]])
    mean, low, high = paired_bootstrap(difference)
    ratio["recall@10_difference_95pct"] = [round(mean, 4), round(low, 4), round(high, 4)]
    write_result("history_quality", "python -m bench.history_quality", results)
    print(json.dumps(results["chosen"], indent=1))


def choose(results: dict, pipelines: dict) -> dict:
    """Per model, the weighting with the best mean validation Recall@10 over the formats; then its
    test figures (mean over formats), and the default pipeline against the best baseline."""
    chosen = {}
    formats = list(results["formats"].values())
    for label in pipelines:
        def mean(group: str, weighting: str, metric: str) -> float:
            return float(np.mean([f[group][label][weighting][metric] for f in formats]))
        weightings = formats[0]["validation"][label]
        best = max(weightings, key=lambda w: (mean("validation", w, "recall@10"), mean("validation", w, "ndcg@10")))
        chosen[label] = {"weighting": best, "validation_recall@10": round(mean("validation", best, "recall@10"), 4),
                         "test_recall@10": round(mean("test", best, "recall@10"), 4),
                         "test_ndcg@10": round(mean("test", best, "ndcg@10"), 4)}
    default = next(label for label in pipelines if label.endswith("(default)"))
    baseline = max(("ease", "itemknn"), key=lambda b: chosen[b]["test_recall@10"])
    chosen["ratio_to_best_baseline"] = {
        "baseline": baseline,
        "recall@10": round(chosen[default]["test_recall@10"] / chosen[baseline]["test_recall@10"], 3),
        "ndcg@10": round(chosen[default]["test_ndcg@10"] / chosen[baseline]["test_ndcg@10"], 3)}
    return chosen


if __name__ == "__main__":
    main()

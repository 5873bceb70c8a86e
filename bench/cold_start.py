"""Cold-start quality: give a held-out listener's 5 most-played artists, ask for 10; Recall@10 of
their other artists for each retriever (then ranked) against item-kNN on the same protocol.
Models are trained on the other listeners only (one seed: the listeners held out are drawn with seed 7).
Run: python -m bench.cold_start [--data DIR]"""
import json

import numpy as np

from bench.common import data_dir, parser, write_result

HELD = 200
LIKED = 5


def recalls(data) -> dict[str, float]:
    """Recall@10 per model and pipeline on the cold-start protocol (see the module's docstring)."""
    from cratedig.engine.models.pipeline import recommend
    from cratedig.engine.models.query import liked_query
    from cratedig.engine.models.registry import DEFAULT_RANKER, RETRIEVERS
    from cratedig.engine.training.store import get_models

    rng = np.random.default_rng(7)
    counts = np.bincount(data.plays.listener, minlength=data.n_listeners)
    eligible = np.flatnonzero(counts >= 15)
    held = rng.choice(eligible, size=HELD, replace=False)
    train = data.with_plays(~np.isin(data.plays.listener, held))
    models = get_models(train, [*RETRIEVERS, DEFAULT_RANKER, "itemknn"])
    liked, rest = [], []
    for listener in held:
        mask = data.plays.listener == listener
        artists, weights = data.plays.artist[mask], data.plays.weight[mask]
        order = np.argsort(-weights, kind="stable")
        liked.append(artists[order[:LIKED]])
        rest.append(set(artists[order[LIKED:]].tolist()))
    query = liked_query(data.n_artists, liked)

    def recall(retriever, ranker=None):
        recs = recommend(models[retriever], query, 10, ranker=ranker).artists
        return float(np.mean([len(set(r.tolist()) & truth) / min(10, len(truth)) for r, truth in zip(recs, rest)]))

    return {"itemknn": recall("itemknn"), **{name: recall(name) for name in RETRIEVERS},
            **{f"{name}+{DEFAULT_RANKER}": recall(name, models[DEFAULT_RANKER]) for name in RETRIEVERS}}


def main() -> None:
    args = parser(__doc__).parse_args()
    from cratedig.engine.data.loader import load_dataset

    found = recalls(load_dataset(data_dir(args)))
    figures = {"listeners": HELD, "liked": LIKED, "recall@10": {name: round(value, 4) for name, value in found.items()},
               "ratio_to_itemknn": {name: round(value / found["itemknn"], 3) for name, value in found.items()
                                    if name != "itemknn"}}
    write_result("cold_start", "python -m bench.cold_start", figures)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""What the inverted file (engine.models.ann) costs in quality where it is not used: on the hold-out
split of the HetRec data (1x; seed 42, the `cratedig eval` split and its cached models), mf alone
and mf then ranking, with candidates from scoring every artist (what runs below APPROXIMATE_ABOVE
artists) and from the index forced on (256 lists of the 17,632 artists, PROBES of them probed).
Run: python -m bench.approximate_retrieval [--data DIR]"""
import json
import time

from bench.common import approximate_above, data_dir, machine, parser, share_of_exact


def main() -> None:
    args = parser(__doc__).parse_args()
    from engine.data.dataset import load_dataset
    from engine.data.split import holdout_split
    from engine.evaluation.metrics import evaluated_listeners, measure
    from engine.models import ann
    from engine.models.pipeline import recommend
    from engine.models.query import listeners_query
    from engine.training.store import ModelStore

    split = holdout_split(load_dataset(data_dir(args)), seed=42)
    models = ModelStore(split.train).get(["mf", "ranking"])
    listeners = evaluated_listeners(split)
    out = {"bench": "approximate_retrieval", "machine": machine(), "artists": split.train.n_artists,
           "lists": ann.list_count(split.train.n_artists), "probes": ann.PROBES}
    lists = {}
    for mode, above in (("exact", split.train.n_artists), ("index", 0)):
        with approximate_above(above):
            query = listeners_query(split.train, listeners)
            lists[mode] = recommend(models["mf"], query, 100).artists
            start = time.perf_counter()
            ranked = recommend(models["mf"], listeners_query(split.train, listeners), 10, ranker=models["ranking"])
            seconds = time.perf_counter() - start
        out[mode] = {"mf": {k: round(v, 4) for k, v in measure(lists[mode][:, :10], split, (10,)).items()},
                     "mf_then_ranking": {k: round(v, 4) for k, v in measure(ranked.artists, split, (10,)).items()},
                     "ranked_s": round(seconds, 2)}
    out["candidates_in_exact_top_100"] = share_of_exact(lists["index"], lists["exact"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()

"""Choose every model's and baseline's hyperparameters on a validation split, never on the test
split. The evaluation's training part (split seed 42) is split again per listener with the same
rules (seed 1042): each setting is trained on the fit part and measured by Recall@10 (then
NDCG@10) on the validation part. A grid per model, 94 settings in all (about 10 minutes on 2 cores),
then the ranker's graph candidates (retrained, FOLLOW_UPS) and its popularity discount (SERVING_GRIDS);
`context` takes the L2 and gravity chosen for `mf` and starts from the chosen `mf`, `ranking`
re-ranks it.
Prints every setting and the chosen ones as JSON; with --write, stores the chosen ones in
engine/models/tuned.json, which the models read as their defaults.
`--only MODEL --grid JSON` tries one model's own grid instead (e.g. a large-data setting on
synthetic Last.fm-360K data), on the mf chosen in tuned.json; it never writes.
Run: python -m bench.tune [--data DIR] [--write] [--only MODEL --grid '{"param": [values]}']"""
import itertools
import json
import sys
import time

from bench.common import data_dir, machine, parser

TEST_SEED = 42
VALIDATION_SEED = TEST_SEED + 1000
GRIDS = {
    "mf": {"l2": [0.2, 0.5, 1.0, 2.0], "gravity": [25.0, 50.0, 100.0], "epochs": [50, 100]},
    "retrieval": {"learning_rate": [0.002, 0.003, 0.005], "l2": [1e-5, 3e-5, 1e-4], "epochs": [5, 10]},
    "context": {"content_l2": [0.0, 1.0, 10.0], "epochs": [25, 50, 100]},
    "ranking": {"batch_size": [2048, 8192], "learning_rate": [0.003, 0.01], "epochs": [5, 10], "candidates": [50, 100]},
    "ease": {"lam": [10.0, 25.0, 50.0, 100.0, 200.0, 500.0]},
    "rp3beta": {"alpha": [0.5, 0.75, 1.0], "beta": [0.0, 0.25, 0.5, 0.75]},
    "gfcf": {"factors": [128, 256, 512], "alpha": [0.0, 0.1, 0.3]},
}
#: settings that widen what a model suggests, tried after its grid with the values chosen there:
#: FOLLOW_UPS are retrained with each value, SERVING_GRIDS (read only when serving) are set on the
#: model chosen so far. Of each, the value with the widest coverage@10 among those whose validation
#: Recall@10 is at least the first's (the value that changes nothing) is kept.
FOLLOW_UPS = {"ranking": {"graph_candidates": [0, 50, 100]}}
SERVING_GRIDS = {"ranking": {"popularity_discount": [0.0, 0.05, 0.1, 0.15]}}
#: settings a model takes over from another's chosen ones before its own grid
INHERITS = {"context": ("mf", ("l2", "gravity"))}


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--write", action="store_true", help="store the chosen values in engine/models/tuned.json")
    p.add_argument("--only", help="tune this model alone (its upstream models at their tuned defaults)")
    p.add_argument("--grid", help="with --only: the grid as JSON, {param: [values]}")
    args = p.parse_args()
    if args.only and args.write:
        raise SystemExit("--only never writes: its grid is not the full search")
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.data.split import holdout_split
    from cratedig.engine.evaluation.metrics import evaluated_listeners, measure
    from cratedig.engine.files import atomic_write_bytes
    from cratedig.engine.models.base import Ranker
    from cratedig.engine.models.pipeline import recommend
    from cratedig.engine.models.query import listeners_query
    from cratedig.engine.models.registry import model_class
    from cratedig.engine.models.tuned import tuned_path

    test_split = holdout_split(load_dataset(data_dir(args)), seed=TEST_SEED)  # the evaluation's split
    validation = holdout_split(test_split.train, seed=VALIDATION_SEED)  # only its training part is used
    query = listeners_query(validation.train, evaluated_listeners(validation))
    chosen: dict[str, dict] = {}
    upstream: dict = {}

    trained: dict = {}

    def trial(name: str, params: dict) -> dict:
        cls = model_class(name)
        start = time.perf_counter()
        base = cls.default_params() if args.only else cls.defaults  # --only: the tuned values, then its grid
        model = cls(**{**base, **params}).fit(validation.train, upstream=upstream)
        trained[name, json.dumps(params, sort_keys=True)] = model
        row = {**params, **scored(model), "train_seconds": round(time.perf_counter() - start, 1)}
        print(name, json.dumps(row), file=sys.stderr, flush=True)
        return row

    def scored(model) -> dict:
        retriever, ranker = (upstream[model.requires[0]], model) if isinstance(model, Ranker) else (model, None)
        metrics = measure(recommend(retriever, query, 10, ranker=ranker).artists, validation, (10,))
        return {key: round(metrics[key] * (validation.train.n_artists if key == "coverage@10" else 1), 4)
                for key in ("recall@10", "ndcg@10", "coverage@10")}

    def widest(tried: list[dict], grid: dict) -> dict:
        keeping = [row for row in tried if row["recall@10"] >= tried[0]["recall@10"]]
        best = max(keeping, key=lambda row: (row["coverage@10"], row["recall@10"]))
        return {key: best[key] for key in grid}

    def serving_trials(name: str, model, grid: dict) -> dict:
        """The serving settings on `model` as trained; the chosen ones by the rule of SERVING_GRIDS."""
        tried = []
        for values in itertools.product(*grid.values()):
            model.params.update(dict(zip(grid, values)))
            tried.append({**dict(zip(grid, values)), **scored(model)})
            print(name, "serving", json.dumps(tried[-1]), file=sys.stderr, flush=True)
        result["tried"][f"{name} serving"] = tried
        return widest(tried, grid)

    result = {"bench": "tune", "machine": machine(), "test_split_seed": TEST_SEED,
              "validation_split_seed": VALIDATION_SEED, "metric": "validation recall@10, then ndcg@10",
              "chosen": chosen, "tried": {}}
    grids = {args.only: json.loads(args.grid) if args.grid else GRIDS[args.only]} if args.only else GRIDS
    if args.only:
        for name in model_class(args.only).requires:
            upstream[name] = model_class(name)().fit(validation.train)
    for name, grid in grids.items():
        base = {}
        if name in INHERITS and not args.only:
            source, keys = INHERITS[name]
            base = {key: chosen[source][key] for key in keys}
        tried = [trial(name, {**base, **dict(zip(grid, values))}) for values in itertools.product(*grid.values())]
        best = max(tried, key=lambda row: (row["recall@10"], row["ndcg@10"]))
        chosen[name] = {key: best[key] for key in (*base, *grid)}
        result["tried"][name] = tried
        key = json.dumps(chosen[name], sort_keys=True)
        if name in FOLLOW_UPS and not args.only:
            follow = FOLLOW_UPS[name]
            tried = [trial(name, {**chosen[name], **dict(zip(follow, values))})
                     for values in itertools.product(*follow.values())]
            result["tried"][f"{name} follow-up"] = tried
            chosen[name].update(widest(tried, follow))
            key = json.dumps(chosen[name], sort_keys=True)
        if name in SERVING_GRIDS and not args.only:
            chosen[name].update(serving_trials(name, trained[name, key], SERVING_GRIDS[name]))
        if name == "mf":  # the models built on mf get the chosen one
            cls = model_class(name)
            upstream[name] = cls(**{**cls.defaults, **chosen[name]}).fit(validation.train)
    print(json.dumps(result))
    if args.write:
        payload = {key: result[key] for key in ("test_split_seed", "validation_split_seed", "metric", "chosen")}
        payload = {"chosen_by": "python -m bench.tune --write", **payload,
                   "grids": {name: {**grid, **FOLLOW_UPS.get(name, {}), **SERVING_GRIDS.get(name, {})}
                             for name, grid in GRIDS.items()},
                   "widening_rule": "follow-ups and serving grids: the widest coverage@10 keeping the validation recall@10 of their first value",
                   "inherits": {k: [v[0], list(v[1])] for k, v in INHERITS.items()}}
        text = json.dumps(payload, indent=2) + "\n"
        atomic_write_bytes(tuned_path(), lambda file: file.write(text.encode()))


if __name__ == "__main__":
    main()

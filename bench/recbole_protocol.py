"""Our models on RecBole's protocol, beside the graph recommenders RecBole-GNN publishes for this
dataset (results/social/lastfm.md): each listener's artists in a random order, split 8:1:1 into
train, validation and test (RecBole's RS [0.8, 0.1, 0.1], order RO, group_by user: validation and
test get floor(10 %) each, at least one while train keeps two, train the rest); full ranking over
every artist, the listener's train artists excluded (and at test the validation ones too, as
RecBole's sampler does); Recall@10 = hits / |the listener's held-out artists|, NDCG@10 over
min(|held out|, 10) ideal hits, both averaged over listeners with held-out artists.

Every model is trained on the train part alone; nothing here is tuned (the hyperparameters in use
were chosen on our own validation split, bench/tune.py); the strongest baseline is the one best on
this protocol's validation part. N seeds (split and initialisation), mean ± std, and a paired
bootstrap interval of the pipeline against that baseline at test.
Run: python -m bench.recbole_protocol [--data DIR] [--seeds 5]"""
from __future__ import annotations

import json
import time

import numpy as np
import scipy.sparse as sp

from bench.common import data_dir, parser, write_result

#: RecBole-GNN, results/social/lastfm.md (ratio-based 8:1:1, full sort, embedding size 64)
SOURCE = "https://github.com/RUCAIBox/RecBole-GNN/blob/main/results/social/lastfm.md"
PUBLISHED = {"SEPT": (0.2127, 0.2057), "MHCN": (0.2123, 0.2068), "LightGCN": (0.2064, 0.1972),
             "NGCF": (0.1960, 0.1898), "BPR": (0.1761, 0.1674)}
RATIOS = (0.8, 0.1, 0.1)
K = 10
PIPELINE = "ranking (mf then ranked)"


def part_sizes(n: int) -> tuple[int, int, int]:
    """RecBole's Dataset._calcu_split_ids for one listener's n artists: (train, validation, test)."""
    counts = [int(ratio * n) for ratio in RATIOS]
    counts[0] = n - sum(counts[1:])
    for i in range(1, len(RATIOS)):
        if counts[0] <= 1:
            break
        if 0 < RATIOS[-i] * n < 1:
            counts[-i] += 1
            counts[0] -= 1
    return tuple(counts)


def recbole_split(listener: np.ndarray, seed: int) -> np.ndarray:
    """Per play: 0 train, 1 validation, 2 test."""
    rng = np.random.default_rng(seed)
    order = np.lexsort((rng.random(len(listener)), listener))  # each listener's plays in a random order
    counts = np.bincount(listener)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    place = np.empty(len(listener), np.int64)
    place[order] = np.arange(len(listener)) - starts[listener[order]]
    sizes = np.array([part_sizes(int(n)) for n in counts]).reshape(-1, 3)
    train_n, valid_n = sizes[:, 0][listener], sizes[:, 1][listener]
    return np.where(place < train_n, 0, np.where(place < train_n + valid_n, 1, 2))


def recbole_metrics(recommended: np.ndarray, relevant: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Per listener with held-out artists: RecBole's Recall@K (hits / |held out|) and NDCG@K, from
    the evaluation's per_row (whose Recall divides by min(K, |held out|) instead)."""
    from cratedig.engine.evaluation.metrics import per_row

    rows, recall, ndcg, _ = per_row(recommended, relevant)
    n_relevant = np.diff(relevant.indptr)[rows]
    return recall * np.minimum(n_relevant, recommended.shape[1]) / n_relevant, ndcg


def one_seed(dataset, seed: int, names: list[str] | None = None) -> dict[str, dict[str, np.ndarray]]:
    """{row label: {"validation"/"test": (recall per listener, ndcg per listener)}} for every model
    and baseline, or only those in `names` (and what they are built on)."""
    from cratedig.engine.data.features import interactions
    from cratedig.engine.models.pipeline import recommend
    from cratedig.engine.models.query import listeners_query
    from cratedig.engine.models.registry import BASELINES, MODELS, RANKERS, RETRIEVERS
    from cratedig.engine.training.store import TrainConfig, get_models

    part = recbole_split(np.asarray(dataset.plays.listener), seed)
    train = dataset.with_plays(part == 0)
    parts = {name: interactions(dataset.with_plays(part == index)).tocsr() for index, name in ((1, "validation"),
                                                                                                 (2, "test"))}
    wanted = names or list(MODELS) + list(BASELINES)
    models = get_models(train, wanted, TrainConfig(seed=seed))
    rows = [(name, models[name], None) for name in MODELS if name in RETRIEVERS and name in wanted]
    rows += [(f"{name} (mf then ranked)", models["mf"], models[name]) for name in RANKERS if name in wanted]
    rows += [(name, models[name], None) for name in BASELINES if name in wanted]
    result: dict[str, dict] = {label: {} for label, _, _ in rows}
    for phase, relevant in parts.items():
        listeners = np.flatnonzero(np.diff(relevant.indptr) > 0)
        query = listeners_query(train, listeners)
        # at test the validation artists are excluded too (RecBole masks train and validation)
        exclude = parts["validation"][listeners] if phase == "test" else None
        for label, retriever, ranker in rows:
            top = recommend(retriever, query, K, ranker=ranker, exclude=exclude).artists
            result[label][phase] = recbole_metrics(top, relevant[listeners])
    return result


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--seeds", type=int, default=5)
    args = p.parse_args()
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.evaluation.metrics import paired_bootstrap
    from cratedig.engine.evaluation.seeds import FIRST_SEED
    from cratedig.engine.models.registry import BASELINES

    dataset = load_dataset(data_dir(args))
    seeds = [FIRST_SEED + i for i in range(args.seeds)]
    start = time.perf_counter()
    runs = [one_seed(dataset, seed) for seed in seeds]
    rows = []
    for label in runs[0]:
        row = {"model": label}
        for phase in ("validation", "test"):
            for metric, index in (("recall@10", 0), ("ndcg@10", 1)):
                values = [float(run[label][phase][index].mean()) for run in runs]
                row[f"{phase} {metric}"] = [round(float(np.mean(values)), 4), round(float(np.std(values)), 4)]
        rows.append(row)
    by_label = {row["model"]: row for row in rows}
    baseline = max(BASELINES, key=lambda name: by_label[name]["validation recall@10"][0])
    comparison = {"pipeline": PIPELINE, "baseline (best on validation)": baseline}
    for metric, index in (("recall@10", 0), ("ndcg@10", 1)):
        differences = np.concatenate([run[PIPELINE]["test"][index] - run[baseline]["test"][index] for run in runs])
        mean, low, high = paired_bootstrap(differences)
        comparison[metric] = {"difference": round(mean, 4), "low": round(low, 4), "high": round(high, 4),
                              "ratio": round(by_label[PIPELINE][f"test {metric}"][0]
                                             / by_label[baseline][f"test {metric}"][0], 3)}
    figures = {"seeds": seeds, "rows": rows, "comparison": comparison,
               "published": {"source": SOURCE, "rows": {name: {"recall@10": r, "ndcg@10": n}
                                                        for name, (r, n) in PUBLISHED.items()}},
               "seconds": round(time.perf_counter() - start, 1)}
    write_result("recbole_protocol", f"python -m bench.recbole_protocol --seeds {args.seeds}", figures)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

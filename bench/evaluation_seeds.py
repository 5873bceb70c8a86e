"""`cratedig eval --seeds N` as a bench result: every model, pipeline and baseline on our own hold-out
split (20 % of each listener's artists, full ranking, played artists excluded, the held-out pairs'
tags removed), N seeds (split and initialisation), mean ± std of Recall@10, NDCG@10, long-tail
Recall@10 and coverage@10 (distinct artists recommended at 10 over the evaluated listeners), and the
paired bootstrap interval of the pipeline against the strongest baseline.
Run: python -m bench.evaluation_seeds [--data DIR] [--seeds 5]"""
from __future__ import annotations

import json
import time

from bench.common import data_dir, parser, write_result

SHOWN = ("recall@10", "ndcg@10", "tail_recall@10", "coverage@10")


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--seeds", type=int, default=5)
    args = p.parse_args()
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.evaluation.seeds import evaluate_seeds

    dataset = load_dataset(data_dir(args))
    start = time.perf_counter()
    report = evaluate_seeds(dataset, args.seeds)
    rows = []
    for row in report.rows:
        shown = {"model": row["model"]}
        for metric in SHOWN:
            mean, std = row[metric] if row[metric] is not None else (None, None)
            scale = dataset.n_artists if metric == "coverage@10" else 1  # coverage as a count of artists
            shown[metric] = (None if mean is None else [round(mean, 4), round(std, 4)] if scale == 1
                             else [int(round(mean * scale)), round(std * scale, 1)])
        rows.append(shown)
    recall = {r["model"]: r["recall@10"][0] for r in rows}
    ndcg = {r["model"]: r["ndcg@10"][0] for r in rows}
    c = report.comparison
    comparison = {"pipeline": c["pipeline"], "baseline": c["baseline"],
                  "recall@10 ratio": round(recall[c["pipeline"]] / recall[c["baseline"]], 3),
                  "ndcg@10 ratio": round(ndcg[c["pipeline"]] / ndcg[c["baseline"]], 3),
                  **{f"{metric} difference": [round(c[metric][key], 4) for key in ("difference", "low", "high")]
                     for metric in ("recall@10", "ndcg@10")}}
    figures = {"seeds": report.seeds, "listeners": report.reports[0].holdout_listeners, "rows": rows,
               "comparison": comparison, "seconds": round(time.perf_counter() - start, 1)}
    write_result("evaluation_seeds", f"python -m bench.evaluation_seeds --seeds {args.seeds}", figures)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

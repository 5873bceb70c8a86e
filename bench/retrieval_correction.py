"""The two-tower retrieval model with and without the sampling-bias (logQ) correction, on the
hold-out split: recall, coverage and how popular the recommended artists are.
Run: python bench/retrieval_correction.py [--data DIR]"""
import json

import numpy as np

from bench.common import data_dir, machine, parser


def main() -> None:
    args = parser(__doc__).parse_args()
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.data.features import artist_popularity
    from cratedig.engine.data.split import holdout_split
    from cratedig.engine.evaluation.metrics import evaluated_listeners, measure
    from cratedig.engine.models.pipeline import recommend
    from cratedig.engine.models.query import listeners_query
    from cratedig.engine.models.retrieval import TwoTowerModel

    split = holdout_split(load_dataset(data_dir(args)))
    popularity = artist_popularity(split.train)
    out = {"bench": "retrieval_correction", "machine": machine()}
    for corrected in (True, False):
        model = TwoTowerModel(sampling_correction=corrected).fit(split.train)
        recs = recommend(model, listeners_query(split.train, evaluated_listeners(split)), 10).artists
        metrics = measure(recs, split, (10,))
        out["with_correction" if corrected else "without_correction"] = {
            **{k: round(v, 4) for k, v in metrics.items()},
            "median_listeners_of_recommended": float(np.median(popularity[recs])),
            "share_recommended_with_<=2_listeners": round(float(np.mean(popularity[recs] <= 2)), 3)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()

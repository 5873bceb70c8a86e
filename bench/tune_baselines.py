"""Choose the baselines' hyperparameters on a validation split carved from the training data (never
on the test split): the evaluation's training part is split again per listener (same rules, seed
+1000), each setting is fitted on the fit part and measured by Recall@10 on the validation part.
Prints every setting and the chosen one; the chosen values are the classes' `defaults`.
Run: python -m bench.tune_baselines [--data DIR]"""
import itertools
import json

from bench.common import data_dir, machine, parser


def main() -> None:
    args = parser(__doc__).parse_args()
    from engine.data.dataset import load_dataset
    from engine.data.split import holdout_split
    from engine.evaluation.metrics import evaluated_listeners, measure
    from engine.models.baselines import Ease, RP3Beta
    from engine.models.pipeline import recommend
    from engine.models.query import listeners_query

    test_split = holdout_split(load_dataset(data_dir(args)), seed=42)  # the evaluation's split
    validation = holdout_split(test_split.train, seed=42 + 1000)  # only its training part is used

    def recall_at_10(model) -> float:
        model.fit(validation.train)
        query = listeners_query(validation.train, evaluated_listeners(validation))
        return measure(recommend(model, query, 10).artists, validation, (10,))["recall@10"]

    grids = {Ease: {"lam": [10.0, 25.0, 50.0, 100.0, 200.0, 500.0]},
             RP3Beta: {"alpha": [0.5, 0.75, 1.0], "beta": [0.0, 0.25, 0.5, 0.75]}}
    result = {"bench": "tune_baselines", "machine": machine(), "chosen": {}, "tried": {}}
    for cls, grid in grids.items():
        tried = []
        for values in itertools.product(*grid.values()):
            params = dict(zip(grid, values))
            tried.append({**params, "validation_recall@10": round(recall_at_10(cls(**params)), 4)})
        best = max(tried, key=lambda t: t["validation_recall@10"])
        result["tried"][cls.name] = tried
        result["chosen"][cls.name] = {k: v for k, v in best.items() if k in grid}
    print(json.dumps(result))


if __name__ == "__main__":
    main()

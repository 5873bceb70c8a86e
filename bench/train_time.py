"""Training time of all four models on the full dataset from a cold cache (target <= 60 s on
2 cores, issue 11), TensorFlow import included. Also splits the ranker's time: its Keras fit
against everything outside it (its two probe models, their examples and the features it serves
with).
Run: python bench/train_time.py [--data DIR]"""
import json
import tempfile
import time

from bench.common import data_dir, machine, parser


def main() -> None:
    args = parser(__doc__).parse_args()
    from cratedig.engine.data.loader import load_dataset
    from cratedig.engine.models.registry import MODELS
    from cratedig.engine.training.cache import ModelCache
    from cratedig.engine.training.store import get_models

    data = load_dataset(data_dir(args))
    with tempfile.TemporaryDirectory() as cold:
        start = time.perf_counter()
        fit_seconds = _time_keras_fits()  # imports TensorFlow, which the total includes
        models = get_models(data, list(MODELS), cache=ModelCache(cold))
        total = time.perf_counter() - start
    ranking = models["ranking"].train_seconds
    print(json.dumps({"bench": "train_time", "total_s": round(total, 1),
                      "per_model_s": {n: round(m.train_seconds, 1) for n, m in models.items()},
                      "ranking_parts_s": {"fit": round(fit_seconds["ranking"], 1),
                                          "outside_fit": round(ranking - fit_seconds["ranking"], 1)},
                      "includes_tensorflow_import": True, "machine": machine()}))


def _time_keras_fits() -> dict[str, float]:
    """Seconds spent in the Keras training loop, by the name each fit is given (the ranker's own
    fit is named "ranking"; its probes are "mf"). Imports TensorFlow: call it inside the timing."""
    from collections import defaultdict

    import cratedig.engine.models.keras.fit as keras_fit

    seconds: dict[str, float] = defaultdict(float)
    fit = keras_fit.fit

    def timed_fit(name, *args, **kwargs):
        start = time.perf_counter()
        try:
            return fit(name, *args, **kwargs)
        finally:
            seconds[name] += time.perf_counter() - start

    keras_fit.fit = timed_fit
    return seconds


if __name__ == "__main__":
    main()

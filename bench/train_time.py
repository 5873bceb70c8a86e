"""Training time of all four models on the full dataset from a cold cache (target <= 3 min on
2 cores). Run: python bench/train_time.py [--data DIR]"""
import json
import tempfile
import time

from bench.common import data_dir, machine, parser


def main() -> None:
    args = parser(__doc__).parse_args()
    from engine.data.dataset import load_dataset
    from engine.models.registry import MODELS
    from engine.training.cache import ModelCache
    from engine.training.store import get_models

    data = load_dataset(data_dir(args))
    with tempfile.TemporaryDirectory() as cold:
        start = time.perf_counter()
        models = get_models(data, list(MODELS), cache=ModelCache(cold))
        total = time.perf_counter() - start
    print(json.dumps({"bench": "train_time", "total_s": round(total, 1),
                      "per_model_s": {n: round(m.train_seconds, 1) for n, m in models.items()},
                      "includes_tensorflow_import": True, "machine": machine()}))


if __name__ == "__main__":
    main()

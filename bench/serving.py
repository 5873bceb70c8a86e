"""Serving latency with a warm cache (targets: recommend p95 <= 30 ms, cold start <= 100 ms,
neighbours <= 20 ms, search <= 5 ms). Run: python bench/serving.py [--data DIR]"""
import json

import numpy as np

from bench.common import data_dir, machine, parser, timed


def main() -> None:
    args = parser(__doc__).parse_args()
    from cratedig.engine.api import Engine

    engine = Engine(data_dir(args))
    engine.load_models()  # trains once if the cache is cold; the timings below are warm
    rng = np.random.default_rng(0)
    listeners = iter(rng.choice(engine.dataset.listener_ids, size=10_000).tolist())
    popular = np.argsort(-engine.catalog.popularity)[:500]
    liked_sets = iter([[int(engine.dataset.artist_ids[a]) for a in rng.choice(popular, 5, replace=False)]
                       for _ in range(10_000)])
    artists = iter(rng.choice(engine.dataset.artist_ids[popular], size=10_000).tolist())
    names = [str(n) for n in engine.dataset.artist_names[popular[:200]]]
    queries = iter([q for n in names for q in (n.lower(), n[:-1], n[:4])] * 20)
    result = {
        "bench": "serving", "machine": machine(),
        "recommend_listener": timed(lambda: engine.recommend_listener(next(listeners), 10), 300),
        "recommend_cold_start": timed(lambda: engine.recommend_liked(next(liked_sets), 10), 200),
        "neighbours": timed(lambda: engine.neighbours(next(artists), "mf", 10), 300),
        "search": timed(lambda: engine.search(next(queries), 5), 500),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

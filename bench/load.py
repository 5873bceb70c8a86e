"""Dataset load time (target <= 2 s). Run: python bench/load.py [--data DIR]"""
import json
import time

from bench.common import data_dir, machine, parser


def main() -> None:
    args = parser(__doc__).parse_args()
    start = time.perf_counter()
    from cratedig.engine.data.loader import load_dataset

    data = load_dataset(data_dir(args))
    seconds = time.perf_counter() - start
    print(json.dumps({"bench": "load", "seconds_including_imports": round(seconds, 2),
                      "listeners": data.n_listeners, "artists": data.n_artists, "plays": len(data.plays),
                      "machine": machine()}))


if __name__ == "__main__":
    main()

"""`recommend --liked-file` at its documented maximum: 100,000 lines of five liked artists each
(names drawn by popularity, a seeded tenth of them with a typo or unknown), answered by mf then the
ranker, written as CSV; wall time and lines per second, with the models already trained.
Run: python -m bench.liked_file [--data DIR] [--lines 100000]"""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import data_dir, parser, write_result


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--lines", type=int, default=100_000)
    args = p.parse_args()
    from cratedig.cli.main import main as cratedig
    from cratedig.engine.api import Engine

    directory = data_dir(args)
    engine = Engine(directory)
    engine.load_models()
    rng = np.random.default_rng(0)
    popularity = np.bincount(engine.dataset.plays.artist, minlength=engine.dataset.n_artists) + 1.0
    names = engine.dataset.artist_names
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "liked.jsonl", Path(tmp) / "out.csv"
        with source.open("w", encoding="utf-8") as handle:
            for i in range(args.lines):
                liked = [str(names[a]) for a in rng.choice(len(names), 5, replace=False, p=popularity / popularity.sum())]
                if i % 10 == 0:
                    liked[0] = "zz unknown band " + str(i)
                handle.write(json.dumps({"id": f"u{i}", "liked": liked}) + "\n")
        start = time.perf_counter()
        code = cratedig(["recommend", "--data", str(directory), "--liked-file", str(source), "--k", "10",
                         "--format", "csv", "--output", str(out)])
        seconds = time.perf_counter() - start
        rows = sum(1 for _ in out.open(encoding="utf-8")) - 1
    figures = {"lines": args.lines, "exit_code": code, "rows_written": rows, "seconds": round(seconds, 1),
               "lines_per_s": round(args.lines / seconds, 1), "artists": int(engine.dataset.n_artists)}
    print(json.dumps(figures))
    write_result("liked_file", f"python -m bench.liked_file --lines {args.lines}", figures)


if __name__ == "__main__":
    main()

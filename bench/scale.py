"""The growth curve: all four models trained and served on synthetic data at 1x, 10x and 100x
(100x is Last.fm-360K's size: 360,000 listeners, 160,000 artists, ~17.6 M plays; 1x is 3,600
listeners and 1,600 artists, 49 artists per listener throughout).

Each step runs in a process of its own (bench/scale_step.py) so its peak memory is its own: per
model, train seconds, seconds per epoch, peak RSS and cache size; then serving p50/p95 (a known
listener, a cold start from 5 liked artists, neighbours) and the streamed `recommend
--all-listeners` export (listeners/s, peak RSS). Prints one JSON line per step, then a table, the
growth exponent of training time in plays (the slope of log seconds on log plays) and a log-log
chart as text.

Larger data needs fewer passes (an epoch at 100x holds 100 times the optimizer steps), so the
epochs at 10x and 100x are set here (EPOCHS) and printed with the table; at 100x mf and context
take batches of 2^20 pairs (their step costs the full-table gravity term whatever the batch) and
the two-tower model 3,000 batches of a fresh permutation per epoch.
`--merge A.json B.json` prints the table, exponent and chart of rows saved by earlier runs
(the JSON line each run prints first).
`--format lastfm-360k` writes the data as Last.fm-360K's two files (quirks included) and
`--load-only` stops after timing the reader.
Run: python -m bench.scale [--factors 1,10,100] [--keep DIR] [--format lastfm-360k] [--load-only]"""
from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import machine

BASE_LISTENERS, BASE_ARTISTS = 3_600, 1_600
MODELS = ("mf", "retrieval", "ranking", "context")
MARKS = {"mf": "m", "retrieval": "r", "ranking": "k", "context": "c"}
#: per factor: overrides of the models' defaults (fewer passes over more data)
EPOCHS = {
    1: {},
    10: {"mf": {"epochs": 30}, "retrieval": {"epochs": 2}, "context": {"epochs": 30},
         "ranking": {"probe_epochs": 15, "epochs": 3}},
    100: {"mf": {"epochs": 6, "batch_size": 1_048_576}, "retrieval": {"epochs": 1, "max_steps_per_epoch": 3000},
          "context": {"epochs": 6, "batch_size": 1_048_576}, "ranking": {"probe_epochs": 3, "epochs": 2}},
}


def _step(*args, env: dict | None = None) -> dict:
    import os

    done = subprocess.run([sys.executable, "-m", "bench.scale_step", *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, check=False)
    if done.returncode != 0:
        raise SystemExit(f"scale step {args[0]} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_factor(factor: int, root: Path, kind: str = "hetrec-2k", load_only: bool = False) -> dict:
    data, cache = root / f"x{factor}" / "data", root / f"x{factor}" / "cache"
    overrides = json.dumps(EPOCHS.get(factor, EPOCHS[100]))
    env = {"CRATEDIG_CACHE": str(cache)}
    row = {"factor": factor, "overrides": json.loads(overrides)}
    row.update(_step("generate", data, BASE_LISTENERS * factor, BASE_ARTISTS * factor, kind))
    row["load"] = _step("load", data)
    print(json.dumps(row), file=sys.stderr, flush=True)
    if load_only:
        return row
    start = time.perf_counter()
    row["models"] = {}
    for name in MODELS:
        row["models"][name] = _step("train", data, name, overrides, env=env)
        print(json.dumps(row["models"][name]), file=sys.stderr, flush=True)
    row["train_all_s"] = round(time.perf_counter() - start, 1)  # wall clock: four processes, data loads
    row["train_sum_s"] = round(sum(m["train_s"] for m in row["models"].values()), 1)
    row["serve"] = _step("serve", data, overrides, env=env)
    print(json.dumps(row["serve"]), file=sys.stderr, flush=True)
    row["export"] = _step("export", data, overrides, root / f"x{factor}" / "export.csv", env=env)
    print(json.dumps(row["export"]), file=sys.stderr, flush=True)
    from engine.data.dataset import load_dataset

    loaded = load_dataset(data)
    row.update(listeners=loaded.n_listeners, artists=loaded.n_artists, plays=len(loaded.plays))
    return row


def exponents(rows: list[dict], field: str = "train_s") -> dict[str, float]:
    """Per model, the least-squares slope of log(`field`) on log(plays): train seconds (with the
    epochs set per size) or seconds per epoch (one pass over the data)."""
    out = {}
    for name in MODELS:
        xs = [math.log(r["plays"]) for r in rows]
        ys = [math.log(max(r["models"][name][field], 0.01)) for r in rows]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mx) ** 2 for x in xs)
        out[name] = round(sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var, 2) if var else float("nan")
    return out


def chart(rows: list[dict], width: int = 56, height: int = 14) -> str:
    """Train seconds against plays, both on log scales, one letter per model."""
    points = [(r["plays"], r["models"][n]["train_s"], MARKS[n]) for r in rows for n in MODELS]
    lx = [math.log10(p[0]) for p in points]
    ly = [math.log10(max(p[1], 0.1)) for p in points]
    x0, x1 = min(lx), max(lx) if max(lx) > min(lx) else min(lx) + 1
    y0, y1 = math.floor(min(ly)), math.ceil(max(ly)) if math.ceil(max(ly)) > math.floor(min(ly)) else math.floor(min(ly)) + 1
    grid = [[" "] * width for _ in range(height)]
    for x, y, (_, _, letter) in zip(lx, ly, points):
        col = round((x - x0) / (x1 - x0) * (width - 1))
        line = height - 1 - round((y - y0) / (y1 - y0) * (height - 1))
        grid[line][col] = letter if grid[line][col] == " " else "*"
    lines = []
    for i, cells in enumerate(grid):
        label = f"{10 ** (y1 - i * (y1 - y0) / (height - 1)):>7.3g} s |" if i % 3 == 0 else "          |"
        lines.append(label + "".join(cells))
    lines.append("          +" + "-" * width)
    lines.append(f"           plays: {10 ** x0:,.0f} (left) to {10 ** x1:,.0f} (right), log scale;"
                 " m mf, r retrieval, k ranking, c context (* overlap)")
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    out = ["| data | model | epochs | train s | s/epoch | peak RSS GB | cache MB |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        for name in MODELS:
            m = r["models"][name]
            out.append(f"| {r['factor']}x: {r['listeners']:,} listeners, {r['artists']:,} artists, {r['plays']:,} plays "
                       f"| {name} | {m['epochs']} | {m['train_s']} | {m['s_per_epoch']} | {m['peak_rss_gb']} | {m['cache_mb']} |")
    out += ["", ("| data | four models' train s (sum) | listener p50/p95 ms | cold start p50/p95 ms | neighbours p50/p95 ms "
                 "| serving peak RSS GB | export listeners/s | export peak RSS GB (before export) |"),
            "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        s, e = r["serve"], r["export"]
        out.append(f"| {r['factor']}x | {r['train_sum_s']} | {s['listener']['p50_ms']} / {s['listener']['p95_ms']} "
                   f"| {s['cold_start']['p50_ms']} / {s['cold_start']['p95_ms']} "
                   f"| {s['neighbours']['p50_ms']} / {s['neighbours']['p95_ms']} | {s['peak_rss_gb']} "
                   f"| {e['listeners_per_s']:,} | {e['peak_rss_gb']} ({e['peak_rss_before_export_gb']}) |")
    return "\n".join(out)


def load_table(rows: list[dict]) -> str:
    out = ["| data | files MB | listeners | artists | plays | load s | peak RSS GB |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        x = r["load"]
        out.append(f"| {r['factor']}x ({x['kind']}) | {x['files_mb']:,} | {x['listeners']:,} | {x['artists']:,} "
                   f"| {x['plays']:,} | {x['load_s']} | {x['load_peak_rss_gb']} |")
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--factors", default="1,10,100", help="comma-separated multiples of the 1x size")
    p.add_argument("--keep", help="work in this directory and keep it (default: a temporary one)")
    p.add_argument("--merge", nargs="+", metavar="JSON", help="print the rows saved by earlier runs, run nothing")
    p.add_argument("--format", choices=("hetrec-2k", "lastfm-360k"), default="hetrec-2k",
                   help="the files the synthetic data is written as (Last.fm-360K's: with its quirks)")
    p.add_argument("--load-only", action="store_true", help="generate and load the data only (the reader's cost)")
    args = p.parse_args()
    if args.merge:
        rows = sorted((row for path in args.merge for row in json.loads(Path(path).read_text().splitlines()[0])["rows"]),
                      key=lambda row: row["factor"])
    else:
        factors = [int(f) for f in args.factors.split(",")]
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(args.keep) if args.keep else Path(tmp)
            rows = [run_factor(f, root, args.format, args.load_only) for f in factors]
    result = {"bench": "scale", "machine": machine(), "rows": rows}
    if args.load_only:
        print(json.dumps(result))
        print(load_table(rows))
        return
    if len(rows) > 1:
        result["train_time_exponent"] = exponents(rows)
        result["epoch_time_exponent"] = exponents(rows, "s_per_epoch")
    print(json.dumps(result))
    print(table(rows))
    if len(rows) > 1:
        print("\ngrowth exponent in plays of train seconds:", json.dumps(result["train_time_exponent"]),
              "\n                   of seconds per epoch:", json.dumps(result["epoch_time_exponent"]))
        print(chart(rows))


if __name__ == "__main__":
    main()

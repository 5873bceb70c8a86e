"""What each `cratedig` subcommand does (but `recommend`, in recommend.py); the work is the engine's."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from cli.output import TrainingBars, err, out, say
from engine import api


def open_engine(args) -> api.Engine:
    return api.Engine(api.locate_data(getattr(args, "data", None), getattr(args, "demo", False)))


def load_models(engine: api.Engine, names=None, retrain: bool = False) -> list[api.TrainedModel]:
    with TrainingBars() as bars:
        return engine.load_models(progress=bars, notice=say, retrain=retrain, names=names)


# -- data -----------------------------------------------------------------------------------
def data_info(args) -> int:
    summary = open_engine(args).summary()
    table = Table(title=f"dataset {summary.source}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, n in (("listeners", summary.listeners), ("artists", summary.artists), ("plays", summary.plays),
                    ("tags", summary.tags), ("tag assignments", summary.tag_assignments),
                    ("friend pairs", summary.friend_pairs)):
        table.add_row(what, f"{n:,}")
    out.print(table)
    quirks = Table(title="quirks found (non-fatal)")
    for column in ("file", "quirk", "count"):
        quirks.add_column(column, justify="right" if column == "count" else "left")
    for code, file, n in summary.quirks:
        quirks.add_row(file, code, f"{n:,}")
    out.print(quirks if summary.quirks else "no quirks found")
    return 0


def fetch(args) -> int:
    with Progress(TextColumn("downloading"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("download", total=None)
        dest = api.fetch_dataset(Path(args.dest) if args.dest else None, url=args.url or api.dataset_url(),
                                 timeout=args.timeout,
                                 progress=lambda p: bar.update(task, completed=p.done_bytes, total=p.total_bytes))
    out.print(f"dataset ready in {dest}")
    return 0


def synth(args) -> int:
    dest = api.write_synthetic(args.dest, args.listeners, args.artists, args.genres, args.seed)
    out.print(f"synthetic dataset written to {dest}")
    return 0


# -- models ---------------------------------------------------------------------------------
def train(args) -> int:
    names = api.parse_model_names(args.models)
    for model in load_models(open_engine(args), names, retrain=args.retrain):
        last = f"{model.losses[-1]:.4g}" if model.losses else "-"
        out.print(f"{model.name:>10}: final loss {last}, trained in {model.train_seconds:.1f} s")
    return 0


def evaluate(args) -> int:
    engine = open_engine(args)
    with TrainingBars() as bars:
        report = engine.evaluate(progress=bars, notice=say)
    if args.format == "json":
        print(json.dumps(report.as_dict(), indent=2))
        return 0
    table = Table(title=f"hold-out evaluation ({report.holdout_listeners} listeners, full ranking)")
    table.add_column("model")
    for c in api.EVALUATION_COLUMNS:
        table.add_column(c, justify="right")
    for row in report.rows:
        table.add_row(row["model"], *(f"{row[c]:.4f}" if c != "train_seconds" else f"{row[c]:.1f}"
                                      for c in api.EVALUATION_COLUMNS))
    out.print(table)
    r = report.ranking_rmse
    out.print(f"ranking RMSE on held-out normalised weights: {r['ranking']:.4f} "
              f"(per-listener mean: {r['per_listener_mean']:.4f})")
    return 0


# -- search and neighbours ------------------------------------------------------------------
def search(args) -> int:
    api.check_k(args.limit, "--limit")
    engine = open_engine(args)
    results = [{"query": query, "results": [asdict(hit) for hit in engine.search(query, args.limit)]}
               for query in args.query]
    if args.format == "json":
        print(json.dumps(results, ensure_ascii=False))
        return 0
    for item in results:
        table = Table(title=f"search: {item['query']}")
        for column in ("artist_id", "name", "score"):
            table.add_column(column)
        for r in item["results"]:
            table.add_row(str(r["artist_id"]), r["name"], f"{r['score']:.1f}")
        out.print(table if item["results"] else f"no artist matches {item['query']!r}")
    return 0


def neighbours(args) -> int:
    model = api.check_model(args.model or api.DEFAULT_RETRIEVER)  # a bad name fails before any work
    api.check_k(args.k)
    engine = open_engine(args)
    load_models(engine, [model])
    result = engine.neighbours(args.artist, model, args.k)
    if args.format == "json":
        print(json.dumps(asdict(result), ensure_ascii=False, indent=2))
        return 0
    out.print(Text.assemble((result.name, "bold"), f" ({result.genre}) in the {result.model} space; nearest "
                            f"genres: {', '.join(f'{g} {s:.2f}' for g, s in result.nearest_genres)}"))
    for measure in ("cosine", "dot"):
        table = Table(title=measure)
        for column in ("artist", "genre", "score", "same genre"):
            table.add_column(column)
        for n in getattr(result, measure):
            table.add_row(n.name, n.genre, f"{n.score:.3f}", "yes" if n.same_genre else "")
        out.print(table)
    return 0

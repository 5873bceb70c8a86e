"""What each `cratedig` subcommand does; parsing lives in cli.py, the work in the engine."""
from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Any, Iterator

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from engine.cache import atomic_write_bytes
from engine.errors import UsageError

err = Console(stderr=True)
out = Console()


def say(message: str) -> None:
    """A plain line on stderr (no wrapping, no markup: names may hold brackets)."""
    print(message, file=sys.stderr, flush=True)


# -- shared helpers -------------------------------------------------------------------------
def data_dir(args) -> Path:
    from engine.paths import resolve_data_dir
    from engine.synthetic import ensure_demo_data

    if getattr(args, "demo", False):
        return ensure_demo_data()
    return resolve_data_dir(getattr(args, "data", None))


def _snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file, to notice a data directory changing under a long run."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.dat"))}


def _check_unchanged(directory: Path, before: dict) -> None:
    if _snapshot(directory) != before:
        raise UsageError(f"data directory {directory} changed while running; nothing was written")


def _check_output(path: str | None) -> Path | None:
    """Fail before any work when the output cannot be written."""
    if path is None:
        return None
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"--output {path} is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--output {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"--output {path}: directory {parent} is not writable")
    return target


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            atomic_write_bytes(output, lambda h: h.write(text.encode("utf-8")))
        except OSError as exc:
            raise UsageError(f"cannot write --output {output}: {exc.strerror or exc}") from None
        say(f"wrote {output}")


class TrainingBars:
    """A rich progress bar per model, fed by the engine's TrainProgress callback."""

    def __init__(self):
        self.progress = Progress(TextColumn("{task.description:>10}"), BarColumn(),
                                 TextColumn("epoch {task.completed}/{task.total}"),
                                 TextColumn("loss {task.fields[loss]}"), console=err, transient=False)
        self.tasks: dict[str, Any] = {}

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def __call__(self, event) -> None:
        if event.model not in self.tasks:
            self.tasks[event.model] = self.progress.add_task(event.model, total=event.epochs, loss="-")
        self.progress.update(self.tasks[event.model], completed=event.epoch, loss=f"{event.loss:.4g}")


def _engine(args):
    from engine.service import Engine

    return Engine(data_dir(args))


def _load_models(engine, names=None, retrain=False):
    with TrainingBars() as bars:
        return engine.load_models(progress=bars, notice=say,
                                  retrain=retrain, names=names)


# -- data -----------------------------------------------------------------------------------
def data_info(args) -> int:
    from engine.dataset import load_dataset

    directory = data_dir(args)
    data = load_dataset(directory)
    table = Table(title=f"dataset {directory}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, n in (("listeners", data.n_listeners), ("artists", data.n_artists), ("plays", len(data.plays)),
                    ("tags", data.n_tags), ("tag assignments", len(data.taggings)),
                    ("friend pairs", len(data.friends))):
        table.add_row(what, f"{n:,}")
    out.print(table)
    quirks = Table(title="quirks found (non-fatal)")
    for column in ("file", "quirk", "count"):
        quirks.add_column(column, justify="right" if column == "count" else "left")
    for code, file, n in data.quirks:
        quirks.add_row(file, code, f"{n:,}")
    out.print(quirks if data.quirks else "no quirks found")
    return 0


def fetch(args) -> int:
    from engine.fetch import dataset_url, fetch_dataset

    url = args.url or dataset_url()
    with Progress(TextColumn("downloading"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("download", total=None)
        dest = fetch_dataset(Path(args.dest) if args.dest else None, url=url, timeout=args.timeout,
                             progress=lambda p: bar.update(task, completed=p.done_bytes, total=p.total_bytes))
    out.print(f"dataset ready in {dest}")
    return 0


def synth(args) -> int:
    from engine.synthetic import SyntheticSpec, generate

    for name in ("listeners", "artists", "genres"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name} must be at least 1")
    dest = generate(args.dest, SyntheticSpec(listeners=args.listeners, artists=args.artists,
                                             genres=args.genres, seed=args.seed))
    out.print(f"synthetic dataset written to {dest}")
    return 0


# -- models ---------------------------------------------------------------------------------
def train(args) -> int:
    from engine.models.registry import parse_model_names

    names = parse_model_names(args.models)
    engine = _engine(args)
    models = _load_models(engine, names, retrain=args.retrain)
    for name in names:
        m = models[name]
        last = f"{m.losses[-1]:.4g}" if m.losses else "-"
        out.print(f"{name:>10}: final loss {last}, trained in {m.train_seconds:.1f} s")
    return 0


def evaluate(args) -> int:
    from engine.model_eval import EVAL_FILE, evaluate as run_eval
    from engine.service import Engine

    engine = Engine(data_dir(args))
    with TrainingBars() as bars:
        report = run_eval(engine.dataset, engine.config, engine.cache, progress=bars,
                          notice=say)
    engine.cache.save_json(EVAL_FILE.format(fingerprint=engine.dataset.fingerprint), report)
    if args.format == "json":
        print(json.dumps(report, indent=2))
        return 0
    table = Table(title=f"hold-out evaluation ({report['holdout_listeners']} listeners, full ranking)")
    columns = ("recall@10", "recall@20", "ndcg@10", "ndcg@20", "coverage@10", "train_seconds")
    table.add_column("model")
    for c in columns:
        table.add_column(c, justify="right")
    for row in report["rows"]:
        table.add_row(row["model"], *(f"{row[c]:.4f}" if c != "train_seconds" else f"{row[c]:.1f}" for c in columns))
    out.print(table)
    r = report["ranking_rmse"]
    out.print(f"ranking RMSE on held-out normalised weights: {r['ranking']:.4f} "
              f"(per-listener mean: {r['per_listener_mean']:.4f})")
    return 0


# -- recommendations ------------------------------------------------------------------------
def _stages(args) -> tuple[str, bool]:
    from engine.models.registry import DEFAULT_RETRIEVER, MODELS, RETRIEVERS

    if args.model not in MODELS:
        raise UsageError(f"unknown model {args.model!r}; choose from {', '.join(MODELS)}")
    if args.model == "ranking":
        retriever = args.retriever or DEFAULT_RETRIEVER
        if retriever not in RETRIEVERS:
            raise UsageError(f"--retriever {retriever!r} cannot retrieve; choose from {', '.join(RETRIEVERS)}")
        return retriever, True
    if args.retriever:
        raise UsageError("--retriever only goes with --model ranking")
    return args.model, False


def _liked_lines(path: Path) -> Iterator[tuple[int, Any, list | None, str | None]]:
    """(line number, id, liked list or None, problem or None) per non-blank line."""
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(f"--liked-file {path}: {exc.strerror or exc}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, None, f"not valid JSON ({exc.msg})"
                continue
            if not isinstance(item, dict) or "liked" not in item or "id" not in item:
                yield number, None, None, 'expected an object with "id" and "liked"'
                continue
            liked = item["liked"]
            if not isinstance(liked, list) or not liked or not all(
                    isinstance(x, (str, int)) and not isinstance(x, bool) for x in liked):
                yield number, item["id"], None, '"liked" must be a non-empty list of names or artist ids'
                continue
            yield number, item["id"], liked, None


def recommend(args) -> int:
    output = _check_output(args.output)
    retriever, ranked = _stages(args)
    if args.format == "csv" and not (args.all_listeners or args.liked_file):
        raise UsageError("--format csv goes with --all-listeners or --liked-file")
    engine = _engine(args)
    before = _snapshot(engine.data_dir)
    _load_models(engine)
    if args.all_listeners:
        text = _all_listeners_csv(engine, retriever, ranked, args.k)
    elif args.liked_file:
        text = _liked_file_csv(engine, Path(args.liked_file), retriever, ranked, args.k, args.format)
    else:
        if args.listener is not None:
            result = engine.recommend_listener(args.listener, args.k, retriever, ranked)
        else:
            result = engine.recommend_liked(args.liked, args.k, retriever, ranked)
            for hit in result.liked:
                say(f"liked: {hit.name}")
            for name in result.unknown:
                say(f"no artist matches {name!r}; ignored")
        text = _recommendations_text(result, args.format)
    _check_unchanged(engine.data_dir, before)
    _emit(text, output)
    return 0


def _all_listeners_csv(engine, retriever: str, ranked: bool, k: int) -> str:
    from engine.models.base import listeners_query
    from engine.pipeline import recommend_artists

    data = engine.dataset
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["user_id", "rank", "artist_id", "artist_name", "score"])
    ranker = engine.models["ranking"] if ranked else None
    for start in range(0, data.n_listeners, 256):
        listeners = np.arange(start, min(start + 256, data.n_listeners))
        artists, scores = recommend_artists(engine.models[retriever], ranker, listeners_query(data, listeners), k)
        for row, listener in enumerate(listeners):
            uid = int(data.listener_ids[listener])
            for rank, (artist, score) in enumerate(zip(artists[row], scores[row]), start=1):
                writer.writerow([uid, rank, int(data.artist_ids[artist]), data.artist_names[artist], f"{score:.6g}"])
    return buffer.getvalue()


def _liked_file_csv(engine, path: Path, retriever: str, ranked: bool, k: int, fmt: str) -> str:
    if fmt != "csv":
        raise UsageError("--liked-file writes CSV: add --format csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "rank", "artist_id", "artist_name", "score"])
    answered = 0
    for number, ident, liked, problem in _liked_lines(path):
        if problem is None:
            try:
                result = engine.recommend_liked(liked, k, retriever, ranked)
            except UsageError as exc:
                problem = str(exc)
        if problem is not None:
            say(f"{path}, line {number}: {problem}; skipped")
            continue
        for hit in result.liked:
            say(f"line {number}: liked {hit.name} (artist {int(engine.dataset.artist_ids[hit.artist])})")
        for name in result.unknown:
            say(f"line {number}: no artist matches {name!r}; ignored")
        for s in result.suggestions:
            score = s.ranking_score if s.ranking_score is not None else s.retrieval_score
            writer.writerow([ident, s.rank_after, s.artist_id, s.name, f"{score:.6g}"])
        answered += 1
    if answered == 0:
        raise UsageError(f"--liked-file {path}: no line could be answered")
    return buffer.getvalue()


def _recommendations_text(result, fmt: str) -> str:
    if fmt == "json":
        from dataclasses import asdict

        return json.dumps({"retriever": result.retriever, "ranked": result.ranked,
                           "unknown": result.unknown,
                           "liked": [engine_hit(h) for h in result.liked],
                           "suggestions": [asdict(s) for s in result.suggestions]}, indent=2) + "\n"
    table = Table(title=f"{result.retriever} then ranked" if result.ranked else f"{result.retriever}")
    for column in ("#", "move", "artist", "genre", "ranking", "retrieval", "reason"):
        table.add_column(column, justify="right" if column in ("#", "move", "ranking", "retrieval") else "left")
    for s in result.suggestions:
        move = s.movement
        table.add_row(str(s.rank_after), f"↑{move}" if move > 0 else (f"↓{-move}" if move < 0 else "="),
                      s.name, s.genre, "-" if s.ranking_score is None else f"{s.ranking_score:.3f}",
                      f"{s.retrieval_score:.3f}", s.reason)
    console = Console(file=io.StringIO(), width=140, force_terminal=False)
    console.print(table)
    return console.file.getvalue()


def engine_hit(hit) -> dict:
    return {"artist_index": hit.artist, "name": hit.name, "score": hit.score}


# -- search and neighbours ------------------------------------------------------------------
def search(args) -> int:
    engine = _engine(args)
    results = []
    for query in args.query:
        hits = engine.search(query, args.limit)
        results.append({"query": query, "results": [
            {"artist_id": int(engine.dataset.artist_ids[h.artist]), "name": h.name, "score": h.score}
            for h in hits]})
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
    from engine.models.registry import MODELS

    if args.model not in MODELS:
        raise UsageError(f"unknown model {args.model!r}; choose from {', '.join(MODELS)}")
    engine = _engine(args)
    _load_models(engine, [args.model])
    result = engine.neighbours(args.artist, args.model, args.k)
    if args.format == "json":
        from dataclasses import asdict

        print(json.dumps(asdict(result), ensure_ascii=False, indent=2))
        return 0
    out.print(f"[bold]{result.name}[/] ({result.genre}) in the {result.model} space; "
              f"nearest genres: {', '.join(f'{g} {s:.2f}' for g, s in result.nearest_genres)}")
    for measure in ("cosine", "dot"):
        table = Table(title=measure)
        for column in ("artist", "genre", "score", "same genre"):
            table.add_column(column)
        for n in getattr(result, measure):
            table.add_row(n.name, n.genre, f"{n.score:.3f}", "yes" if n.same_genre else "")
        out.print(table)
    return 0

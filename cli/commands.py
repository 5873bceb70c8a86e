"""What each `cratedig` subcommand does (but `recommend`, in recommend.py); the work is the engine's."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from cratedig.cli.output import TrainingBars, err, json_text, out, plain, say, table, without_genres
from cratedig.engine import api
from cratedig.engine.errors import UsageError


def open_engine(args) -> api.Engine:
    kind = getattr(args, "dataset", None)
    return api.Engine(api.locate_data(getattr(args, "data", None), getattr(args, "demo", False), kind), kind=kind)


def load_models(engine: api.Engine, names=None, retrain: bool = False,
                cluster: api.Cluster | None = None) -> list[api.TrainedModel]:
    with TrainingBars() as bars:
        return engine.load_models(progress=bars, notice=say, retrain=retrain, names=names, cluster=cluster)


# -- data -----------------------------------------------------------------------------------
def data_info(args) -> int:
    summary = open_engine(args).summary()
    counts = (("listeners", summary.listeners), ("artists", summary.artists), ("plays", summary.plays),
              ("tags", summary.tags), ("tag assignments", summary.tag_assignments),
              ("friend pairs", summary.friend_pairs))
    if summary.kind == "lastfm-360k":  # no tags and no friends in this dataset: say what it has instead
        counts = counts[:3] + (("listeners with a profile country", summary.profiles),)
    out.print(table(f"dataset {summary.source} ({summary.kind})", ("what", "count"),
                    [(w, f"{n:,}") for w, n in counts],
                    right=("count",)))
    quirks = [(file, code, f"{n:,}") for code, file, n in summary.quirks]
    out.print(table("quirks found (non-fatal)", ("file", "quirk", "count"), quirks, right=("count",))
              if quirks else "no quirks found")
    return 0


def _in_range(option: str, value: float, low: float, high: float) -> float:
    if not low < value <= high:  # also refuses NaN
        raise UsageError(f"{option} must be more than {low:g} and at most {high:g}, got {value:g}")
    return value


def fetch(args) -> int:
    kind = getattr(args, "dataset", None) or "hetrec-2k"
    source = api.archive_for(kind)
    timeout = _in_range("--timeout", args.timeout, 0, 3600)
    deadline = _in_range("--deadline", source.deadline if args.deadline is None else args.deadline, 0, 86400)
    max_mb = source.max_bytes / 2**20 if args.max_mb is None else args.max_mb
    max_bytes = int(_in_range("--max-mb", max_mb, 0, 4096) * 2**20)
    with Progress(TextColumn("downloading"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("download", total=None)
        dest = api.fetch_dataset(Path(args.dest) if args.dest else None, url=args.url or api.dataset_url(kind),
                                 timeout=timeout, deadline=deadline, max_bytes=max_bytes, kind=kind,
                                 progress=lambda p: bar.update(task, completed=p.done_bytes, total=p.total_bytes))
    out.print(plain(f"dataset ready in {dest}"))
    return 0


def synth(args) -> int:
    dest = api.write_synthetic(args.dest, args.listeners, args.artists, args.genres, args.seed, args.format)
    out.print(plain(f"synthetic dataset written to {dest}"))
    return 0


# -- models ---------------------------------------------------------------------------------
def train(args) -> int:
    names = api.parse_model_names(args.models)
    cluster = api.cluster_from_environment()  # TF_CONFIG: train as one worker of a cluster
    engine = open_engine(args)
    if cluster is not None:
        say(f"training as {cluster.describe()}")
    for model in load_models(engine, names, retrain=args.retrain, cluster=cluster):
        last = f"{model.losses[-1]:.4g}" if model.losses else "-"
        out.print(plain(f"{model.name:>10}: final loss {last}, trained in {model.train_seconds:.1f} s"))
    if cluster is not None:
        say("the chief saved the models in the cache" if cluster.is_chief else "not the chief: nothing written")
    return 0


def evaluate(args) -> int:
    if args.seeds != 1:
        return evaluate_seeds(args)
    engine = open_engine(args)
    with TrainingBars() as bars:
        report = engine.evaluate(progress=bars, notice=say)
    if args.format == "json":
        print(json_text({**report.as_dict(), "dataset": engine.dataset_kind, "context_used": engine.context_content()},
                         indent=2))
        return 0
    columns = api.EVALUATION_COLUMNS
    rows = [(row["model"], *(_figure(row.get(c), "{:.1f}" if c == "train_seconds" else "{:.4f}") for c in columns))
            for row in report.rows]
    out.print(table(f"hold-out evaluation ({report.holdout_listeners} listeners, full ranking)",
                    ("model", *columns), rows, right=columns))
    r = report.ranking_rmse
    out.print(f"ranking RMSE on held-out normalised weights: {r['ranking']:.4f} "
              f"(per-listener mean: {r['per_listener_mean']:.4f})")
    out.print(plain(f"dataset {engine.dataset_kind}; context used {engine.context_content()}"))
    return 0


def _figure(value, template: str) -> str:
    """A measured value, or a dash where there was nothing to measure (e.g. no long tail)."""
    return "–" if value is None else template.format(value)


def evaluate_seeds(args) -> int:
    api.check_seeds(args.seeds)  # before the data loads
    engine = open_engine(args)
    with TrainingBars() as bars:
        report = engine.evaluate_seeds(args.seeds, progress=bars, notice=say)
    if args.format == "json":
        print(json_text(report.as_dict(), indent=2))
        return 0
    metrics = [c for c in api.EVALUATION_COLUMNS if c != "train_seconds"]
    rows = [(row["model"], *(_figure(row.get(m), "{0[0]:.4f} ± {0[1]:.4f}") for m in metrics)) for row in report.rows]
    out.print(table(f"hold-out evaluation over {len(report.seeds)} seeds ({', '.join(map(str, report.seeds))}): "
                    "mean ± std", ("model", *metrics), rows, right=tuple(metrics)))
    out.print(plain(f"dataset {engine.dataset_kind}; context used {engine.context_content()}"))
    c = report.comparison
    for metric in ("recall@10", "ndcg@10"):
        d = c[metric]
        out.print(plain(f"{c['pipeline']} − {c['baseline']}, {metric}: {d['difference']:+.4f} "
                        f"(95 % paired bootstrap over {c['pairs']:,} listener-seed pairs: {d['low']:+.4f} to "
                        f"{d['high']:+.4f})"))
    return 0


# -- search and neighbours ------------------------------------------------------------------
def search(args) -> int:
    api.check_k(args.limit, "--limit")
    engine = open_engine(args)
    results = [{"query": query, "results": [asdict(hit) for hit in engine.search(query, args.limit)]}
               for query in args.query]
    if args.format == "json":
        print(json_text(results))
        return 0
    for item in results:
        rows = [(r["artist_id"], r["name"], f"{r['score']:.1f}") for r in item["results"]]
        out.print(table(f"search: {item['query']}", ("artist_id", "name", "score"), rows) if rows
                  else plain(f"no artist matches {item['query']!r}"))
    return 0


def neighbours(args) -> int:
    model = api.check_model(args.model or api.DEFAULT_RETRIEVER)  # a bad name fails before any work
    api.check_k(args.k)
    engine = open_engine(args)
    load_models(engine, [model])
    result = engine.neighbours(args.artist, model, args.k)
    if args.format == "json":
        print(json_text(asdict(result), indent=2))
        return 0
    genres = ", ".join(f"{g} {s:.2f}" for g, s in result.nearest_genres)
    about = (f" ({result.genre}) in the {result.model} space; nearest genres: {genres}" if result.genre or genres
             else f" in the {result.model} space (this dataset has no tags: no genres, embedding neighbours only)")
    name = plain(result.name)
    name.stylize("bold")
    out.print(Text.assemble(name, plain(about)))
    for measure in ("cosine", "dot"):
        rows = [(n.name, n.genre, f"{n.score:.3f}", "yes" if n.same_genre else "") for n in getattr(result, measure)]
        out.print(table(measure, *without_genres(("artist", "genre", "score", "same genre"), rows)))
    return 0

"""`cratedig history import|list|show|remove`: someone's own listening, read from the exports
people have, matched to the catalogue, kept by name for `recommend --history` and `ask "be me"`."""
from __future__ import annotations

from dataclasses import asdict

from cratedig.cli.commands import open_engine
from cratedig.cli.output import json_text, out, plain, say, table
from cratedig.engine import api

#: rows of each list in the text summary (the JSON has them all)
SHOWN = 10
#: below this share of plays matched, the summary says the catalogue is older than the listening
LOW_SHARE = 0.5


def history(args) -> int:
    return {"import": import_history, "list": list_histories, "show": show_history,
            "remove": remove_history}[args.history_command](args)


def import_history(args) -> int:
    engine = open_engine(args)
    report = engine.import_history(args.paths, args.name, args.since)
    _print(report, args.format, verb="saved")
    return 0


def show_history(args) -> int:
    report = open_engine(args).history_report(args.name)
    _print(report, args.format, verb="history", shown=None)
    return 0


def list_histories(args) -> int:
    names = api.saved_histories()
    if args.format == "json":
        print(json_text(names))
    elif names:
        for name in names:
            out.print(plain(name))
    else:
        say("no saved histories yet: cratedig history import PATH")
    return 0


def remove_history(args) -> int:
    api.remove_history(args.name)
    say(f"removed history {args.name!r}")
    return 0


def as_json(report: api.HistoryReport) -> dict:
    return {"name": report.name, "saved": report.saved, "files": report.files, "formats": report.formats,
            "listens": report.listens, "skipped": report.skipped, "skipped_examples": report.examples,
            "dataset": report.dataset, "catalogue_ends": report.catalogue_ends,
            "artists": report.artists, "artists_matched": len(report.matched),
            "matched_share_of_plays": report.matched_share_of_plays,
            "matched": [asdict(m) for m in report.matched], "unmatched": [asdict(u) for u in report.unmatched]}


def _print(report: api.HistoryReport, fmt: str, verb: str, shown: int | None = SHOWN) -> None:
    if fmt == "json":
        print(json_text(as_json(report), indent=2))
        return
    formats = ", ".join(f"{name} ({n} file{'s' if n > 1 else ''})" for name, n in report.formats.items())
    out.print(plain(f"{verb} {report.name!r}: {report.listens:,} listens from {len(report.files)} "
                    f"file{'s' if len(report.files) != 1 else ''}: {formats}"))
    out.print(plain(report.headline()))
    if report.skipped:
        out.print(plain("not counted: " + "; ".join(f"{reason} {n:,}" for reason, n in report.skipped.items())))
        for example in report.examples:
            say(example)
    if report.matched_share_of_plays < LOW_SHARE:
        out.print(plain(f"Much of this history found no match: the {report.dataset} catalogue ends in "
                        f"{report.catalogue_ends}, so artists who came later are not in it."))
    rows = [(m.name, m.catalogue_name, m.how, f"{m.plays:,}") for m in report.matched[:shown]]
    if rows:
        out.print(table("most played, matched", ("in your files", "catalogue artist", "how", "plays"), rows,
                        right=("plays",)))
    rows = [(u.name, f"{u.plays:,}") for u in report.unmatched[:shown]]
    if rows:
        out.print(table(f"not in the catalogue (it ends in {report.catalogue_ends})", ("in your files", "plays"),
                        rows, right=("plays",)))
    hidden = (len(report.matched) + len(report.unmatched)) - len(report.matched[:shown]) - len(report.unmatched[:shown])
    if hidden > 0:
        say(f"{hidden:,} more names: cratedig history show {report.name} (or --format json)")

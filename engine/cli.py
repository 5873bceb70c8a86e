"""The `cratedig` command line: scripts use the same engine as the app.

Every user error is one line on stderr and exit code 2; no tracebacks."""
from __future__ import annotations

import argparse
import sys

from engine.errors import CratedigError, UsageError

MAX_K = 1000


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (with a pointer to --help), not a usage dump."""

    def error(self, message: str):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _positive_k(text: str) -> int:
    try:
        k = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"K must be a whole number, got {text!r}") from None
    if not 1 <= k <= MAX_K:
        raise argparse.ArgumentTypeError(f"K must be between 1 and {MAX_K}, got {k}")
    return k


def _add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="dataset directory (default: $CRATEDIG_DATA, "
                                                      "then the user data dir)")
    parser.add_argument("--demo", action="store_true", help="use the synthetic demo dataset (no download)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cratedig", description="A chat-style terminal music "
                                     "recommender on the HetRec 2011 Last.FM dataset. "
                                     "With no command, opens the app.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    data = commands.add_parser("data", help="inspect the dataset")
    data_commands = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True)
    info = data_commands.add_parser("info", help="counts and the quirks found while loading")
    _add_data_options(info)

    fetch = commands.add_parser("fetch", help="download the official GroupLens zip")
    fetch.add_argument("--dest", metavar="DIR", help="where to put it (default: the user data dir)")
    fetch.add_argument("--url", help="archive URL (default: $CRATEDIG_DATA_URL, then GroupLens)")
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds without data before giving up")

    synth = commands.add_parser("synth", help="write a synthetic dataset in the HetRec format")
    synth.add_argument("dest", metavar="DIR")
    synth.add_argument("--listeners", type=int, default=300)
    synth.add_argument("--artists", type=int, default=1500)
    synth.add_argument("--genres", type=int, default=12)
    synth.add_argument("--seed", type=int, default=0)

    train = commands.add_parser("train", help="train the models (reusing the cache when it matches)")
    _add_data_options(train)
    train.add_argument("--models", metavar="NAMES", help="comma-separated: mf,retrieval,ranking,context")
    train.add_argument("--retrain", action="store_true", help="ignore the cache")

    evaluate = commands.add_parser("eval", help="hold-out evaluation of every model and baseline")
    _add_data_options(evaluate)
    evaluate.add_argument("--format", choices=("table", "json"), default="table")

    recommend = commands.add_parser("recommend", help="suggestions for listeners or liked artists")
    _add_data_options(recommend)
    who = recommend.add_mutually_exclusive_group(required=True)
    who.add_argument("--listener", type=int, metavar="ID", help="a Last.FM user id")
    who.add_argument("--liked", action="append", metavar="ARTIST", help="an artist you like (repeatable)")
    who.add_argument("--all-listeners", action="store_true", help="every listener (batch export)")
    who.add_argument("--liked-file", metavar="F.jsonl", help='lines of {"id": ..., "liked": [...]}')
    recommend.add_argument("--model", default="ranking", help="mf, retrieval, ranking or context")
    recommend.add_argument("--retriever", default=None, help="retrieval model feeding the ranker")
    recommend.add_argument("--k", type=_positive_k, default=10)
    recommend.add_argument("--format", choices=("table", "json", "csv"), default="table")
    recommend.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    search = commands.add_parser("search", help="fuzzy artist search")
    _add_data_options(search)
    search.add_argument("--limit", type=_positive_k, default=5)
    search.add_argument("--format", choices=("table", "json"), default="table")
    search.add_argument("query", nargs="+")

    neighbours = commands.add_parser("neighbours", help="nearest artists in each model's space")
    _add_data_options(neighbours)
    neighbours.add_argument("artist")
    neighbours.add_argument("--model", default="mf")
    neighbours.add_argument("--k", type=_positive_k, default=10)
    neighbours.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"cratedig: error: {exc}", file=sys.stderr)
        return 2
    if args.command is None:
        parser.print_help()
        return 0
    from engine import commands

    handler = {"data": commands.data_info, "fetch": commands.fetch, "synth": commands.synth,
               "train": commands.train, "eval": commands.evaluate, "recommend": commands.recommend,
               "search": commands.search, "neighbours": commands.neighbours}[args.command]
    try:
        return handler(args) or 0
    except CratedigError as exc:
        print(f"cratedig: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cratedig: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())


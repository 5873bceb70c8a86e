"""The one `cratedig` argument parser. Building it imports nothing heavy: `cratedig` with no
subcommand opens the app, whose start-up time is a feature."""
from __future__ import annotations

import argparse

from cratedig.engine.errors import UsageError

#: the dataset kinds (engine.data.types.KINDS; spelled out here so the parser imports nothing heavy)
DATASET_KINDS = ("hetrec-2k", "lastfm-360k")


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (with a pointer to --help), not a usage dump."""

    def error(self, message: str):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"K must be a whole number, got {text!r}") from None


def _listener_id(text: str) -> str:
    """A listener id as typed: a HetRec number, or a Last.fm-360K SHA-1 (or a prefix of it) in hex."""
    number = text.removeprefix("-").isdigit()  # any whole number: the engine answers "unknown" if need be
    if not number and (not text or len(text) > 40 or any(c not in "0123456789abcdefABCDEF" for c in text)):
        raise argparse.ArgumentTypeError(f"invalid listener id {text[:50]!r}: a number (HetRec) or a SHA-1 id "
                                         "or its prefix in hex (Last.fm-360K)")
    return text


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _add_data_options(parser: argparse.ArgumentParser, default=None) -> None:
    parser.add_argument("--data", metavar="DIR", default=default,
                        help="dataset directory (default: $CRATEDIG_DATA, then the user data dir)")
    parser.add_argument("--demo", action="store_true", default=default if default is not None else False,
                        help="use the synthetic demo dataset (no download)")
    parser.add_argument("--dataset", choices=DATASET_KINDS, default=default,
                        help="which dataset the directory holds (default: told from its files)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cratedig", description="A chat-style terminal music recommender on the HetRec "
                                                  "2011 Last.FM dataset or Last.fm-360K. With no command, "
                                                  "opens the app.")
    _add_data_options(parser)
    parser.add_argument("--new", action="store_true", help="open the app on a new conversation, not the last one")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str, data: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help)
        if data:  # SUPPRESS: `cratedig --data DIR train` and `cratedig train --data DIR` both work
            _add_data_options(sub, default=argparse.SUPPRESS)
        return sub

    data = command("data", "inspect the dataset", data=False)
    data_commands = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True)
    _add_data_options(data_commands.add_parser("info", help="counts and the quirks found while loading"),
                      default=argparse.SUPPRESS)

    fetch = command("fetch", "download the official archive (GroupLens zip, or Last.fm-360K)", data=False)
    fetch.add_argument("--dataset", choices=DATASET_KINDS, default=argparse.SUPPRESS,
                       help="which dataset (default: hetrec-2k)")
    fetch.add_argument("--dest", metavar="DIR", help="where to put it (default: the user data dir)")
    fetch.add_argument("--url", help="archive URL (default: $CRATEDIG_DATA_URL, then the official one)")
    fetch.add_argument("--timeout", type=_number, default=30.0, help="seconds without data before giving up")
    fetch.add_argument("--deadline", type=_number, default=None,
                       help="seconds for the whole download (default: 600; 7200 for lastfm-360k)")
    fetch.add_argument("--max-mb", type=_number, default=None,
                       help="largest download accepted, in MB (default: 32; 1024 for lastfm-360k)")

    synth = command("synth", "write a synthetic dataset (HetRec or Last.fm-360K format)", data=False)
    synth.add_argument("dest", metavar="DIR")
    synth.add_argument("--format", choices=DATASET_KINDS, default="hetrec-2k", help="which dataset's files")
    synth.add_argument("--listeners", type=int, default=300)
    synth.add_argument("--artists", type=int, default=1500)
    synth.add_argument("--genres", type=int, default=12)
    synth.add_argument("--seed", type=int, default=0)

    train = command("train", "train the models (reusing the cache when it matches)")
    train.add_argument("--models", metavar="NAMES", help="comma-separated: mf,retrieval,ranking,context")
    train.add_argument("--retrain", action="store_true", help="ignore the cache")

    evaluate = command("eval", "hold-out evaluation of every model and baseline")
    evaluate.add_argument("--format", choices=("table", "json"), default="table")
    evaluate.add_argument("--seeds", type=_whole_number, default=1,
                          help="repeat over N seeds (splits and initialisations): mean ± std, bootstrap interval")

    recommend = command("recommend", "suggestions for listeners or liked artists")
    who = recommend.add_mutually_exclusive_group(required=True)
    who.add_argument("--listener", type=_listener_id, metavar="ID",
                     help="a listener id: a HetRec user id, or a Last.fm-360K SHA-1 (a unique prefix will do)")
    who.add_argument("--liked", action="append", metavar="ARTIST", help="an artist you like (repeatable)")
    who.add_argument("--all-listeners", action="store_true", help="every listener (batch export)")
    who.add_argument("--liked-file", metavar="F.jsonl", help='lines of {"id": ..., "liked": [...]}')
    who.add_argument("--history", metavar="NAME|PATH",
                     help="a saved history (cratedig history import), or export files to read without saving")
    recommend.add_argument("--model", help="mf, retrieval, ranking or context (default: ranking)")
    recommend.add_argument("--retriever", default=None, help="retrieval model feeding the ranker")
    recommend.add_argument("--k", type=_whole_number, default=10)
    recommend.add_argument("--since", metavar="DATE", help="with --history: only listens from DATE (YYYY-MM-DD) on")
    recommend.add_argument("--format", choices=("table", "json", "csv", "xspf", "lidarr"), default="table",
                           help="xspf: a playlist of the artists; lidarr: Lidarr's Custom List (needs MBIDs)")
    recommend.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    history = command("history", "import your own listening history, and manage saved ones", data=False)
    history_commands = history.add_subparsers(dest="history_command", metavar="SUBCOMMAND", required=True)
    imported = history_commands.add_parser("import", help="read exports (Last.fm, ListenBrainz, Spotify, ...), "
                                                          "match them to the catalogue and save them")
    imported.add_argument("paths", nargs="+", metavar="PATH", help="a file, a folder or a zip")
    imported.add_argument("--as", dest="name", default="me", metavar="NAME", help="save as NAME (default: me)")
    imported.add_argument("--since", metavar="DATE", help="only listens from DATE (YYYY-MM-DD) on")
    imported.add_argument("--format", choices=("text", "json"), default="text")
    _add_data_options(imported, default=argparse.SUPPRESS)
    listed = history_commands.add_parser("list", help="the saved histories")
    listed.add_argument("--format", choices=("text", "json"), default="text")
    shown = history_commands.add_parser("show", help="what a saved history holds and how it matched")
    shown.add_argument("name", metavar="NAME")
    shown.add_argument("--format", choices=("text", "json"), default="text")
    _add_data_options(shown, default=argparse.SUPPRESS)
    removed = history_commands.add_parser("remove", help="forget a saved history")
    removed.add_argument("name", metavar="NAME")

    serve = command("serve", "a local HTTP API for other music tools (Lidarr, scripts, players)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine "
                                                          "only; any other needs --token)")
    serve.add_argument("--port", type=_whole_number, default=8765)
    serve.add_argument("--token", help="require Authorization: Bearer TOKEN on every request (or $CRATEDIG_TOKEN)")
    serve.add_argument("--workers", type=_whole_number, default=1, help="server processes (each holds the models)")
    serve.add_argument("--no-cache", action="store_true", help="compute every answer (no response cache)")

    ask = command("ask", "run prompts through the conversation and print the replies")
    ask.add_argument("prompt", nargs="+", metavar="PROMPT")
    ask.add_argument("--format", choices=("text", "json"), default="text")
    ask.add_argument("--session", action="store_true", help="continue the app's saved conversation, and save it")

    search = command("search", "fuzzy artist search")
    search.add_argument("--limit", type=_whole_number, default=5)
    search.add_argument("--format", choices=("table", "json"), default="table")
    search.add_argument("query", nargs="+")

    neighbours = command("neighbours", "nearest artists in each model's space")
    neighbours.add_argument("artist")
    neighbours.add_argument("--model", help="whose artist space (default: mf)")
    neighbours.add_argument("--k", type=_whole_number, default=10)
    neighbours.add_argument("--format", choices=("table", "json"), default="table")
    return parser

"""`cratedig`: no subcommand opens the app; a subcommand runs the same engine from a script.

Every user error is one line on stderr and exit code 2; no tracebacks."""
from __future__ import annotations

import signal
import sys
import threading

from cratedig.engine.errors import CratedigError, SettingError


def _terminated(signum, frame):
    # SIGTERM as an exception: `finally` blocks run, so temporary files are removed.
    raise SystemExit(128 + signum)


def phrased(exc: CratedigError) -> str:
    """The engine's error in the command line's words: a setting is named by its flag."""
    return exc.phrased(f"--{exc.setting}") if isinstance(exc, SettingError) else str(exc)


def main(argv: list[str] | None = None) -> int:
    from cratedig.cli.parser import build_parser

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    try:
        args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
        if args.command is None:
            from cratedig.cli.app import run_app

            return run_app(args.data, args.demo, args.new, args.dataset)
        from cratedig.cli import ask, commands, history, recommend, serve

        handler = {"data": commands.data_info, "fetch": commands.fetch, "synth": commands.synth,
                   "train": commands.train, "eval": commands.evaluate, "recommend": recommend.recommend,
                   "search": commands.search, "history": history.history, "serve": serve.serve, "neighbours": commands.neighbours, "ask": ask.ask}[args.command]
        return handler(args) or 0
    except CratedigError as exc:
        print(f"cratedig: error: {phrased(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cratedig: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())

"""The `cratedig` command: no arguments opens the app, anything else is the engine's CLI."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    app_flags = {"--demo", "--data"}
    if not argv or (argv[0] in app_flags):
        from tui.launch import run_app

        return run_app(argv)
    from engine.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())

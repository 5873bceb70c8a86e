"""Start the app: `cratedig [--data DIR | --demo]`. Heavy imports happen inside the app's workers."""
from __future__ import annotations

import argparse


def run_app(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cratedig", description="Open the cratedig app.")
    parser.add_argument("--data", metavar="DIR", help="dataset directory")
    parser.add_argument("--demo", action="store_true", help="use the synthetic demo dataset")
    args = parser.parse_args(argv)
    from tui.app import CratedigApp

    CratedigApp(data=args.data, demo=args.demo).run()
    return 0

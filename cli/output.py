"""How the command line writes: plain lines on stderr, rich tables and progress bars, and output
files written whole or not at all."""
from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from engine.api import write_atomically
from engine.errors import UsageError

err = Console(stderr=True)
out = Console()


def say(message: str) -> None:
    """A plain line on stderr (no wrapping, no markup: names may hold brackets)."""
    print(message, file=sys.stderr, flush=True)


def check_output(path: str | None) -> Path | None:
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


def emit(text: str, output: Path | None) -> None:
    """`text` to stdout, or to `output` atomically (a temp file beside it, renamed into place)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        write_atomically(output, text)
    except OSError as exc:
        raise UsageError(f"cannot write --output {output}: {exc.strerror or exc}") from None
    say(f"wrote {output}")


def rendered(renderable: Any, width: int = 140) -> str:
    """A rich renderable as plain text at a fixed width (for --output and pipes)."""
    console = Console(file=io.StringIO(), width=width, force_terminal=False)
    console.print(renderable)
    return console.file.getvalue()


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

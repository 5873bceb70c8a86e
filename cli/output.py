"""How the command line writes: plain lines on stderr, rich tables and progress bars, and output
files written whole or not at all."""
from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from cratedig.engine.api import output_target, write_output
from cratedig.engine.errors import json_for_terminals, printable

err = Console(stderr=True)
out = Console()


def json_text(value: Any, **options) -> str:
    """`value` as JSON with non-ASCII text kept readable, but every character a terminal would act
    on written as a \\u escape (the value read back is unchanged)."""
    return json_for_terminals(json.dumps(value, ensure_ascii=False, **options))


def say(message: str) -> None:
    """A plain line on stderr (no wrapping, no markup, control characters made visible)."""
    print(printable(message), file=sys.stderr, flush=True)


def plain(value: object) -> Text:
    """Data (names, tags, paths, queries) as rich text that is never read as markup."""
    return Text(printable(str(value)))


def plain_lines(value: object) -> Text:
    """Like `plain`, for text of several lines (a chat reply): its line breaks kept, every other
    control character made visible."""
    return Text("\n".join(printable(line) for line in str(value).split("\n")))


def table(title: str, columns: list[str] | tuple[str, ...], rows, right: tuple[str, ...] = ()) -> Table:
    """A rich table whose title and cells are all plain text; `right` names right-aligned columns."""
    result = Table(title=plain(title))
    for column in columns:
        result.add_column(column, justify="right" if column in right else "left")
    for row in rows:
        result.add_row(*(plain(cell) for cell in row))
    return result


def check_output(name: str | None) -> Path | None:
    """Where the output goes (None: stdout); fails before any work when it cannot be written."""
    return None if name is None else output_target(name)


def emit(text: str | Iterable[str], output: Path | None) -> None:
    """`text` (or its pieces, streamed) to stdout, or to `output` whole or not at all. Text bound
    for a terminal has its control characters made visible (a file or pipe gets the real values)."""
    if output is None and sys.stdout.isatty():
        text = (_visible(piece) for piece in ([text] if isinstance(text, str) else text))
    write_output(output, text)
    if output is not None:
        say(f"wrote {output}")


def _visible(text: str) -> str:
    """`text` with every control character made visible except its line ends (LF or CRLF)."""
    return "".join(part if part in ("\n", "\r\n") else printable(part) for part in _LINE_ENDS.split(text))


_LINE_ENDS = re.compile(r"(\r\n|\n)")


def rendered(renderable: Any, width: int = 140) -> str:
    """A rich renderable as plain text at a fixed width (for --output and pipes)."""
    console = Console(file=io.StringIO(), width=width, force_terminal=False)
    console.print(renderable)
    return console.file.getvalue()


class LinesBar:
    """A progress bar on stderr for a long batch of input lines (`--liked-file`); only on a
    terminal and only for more than one batch's worth."""

    def __init__(self, total: int):
        self.progress = Progress(TextColumn("answering"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,} lines"),
                                 console=err, transient=True, disable=total <= 2_000)
        self.task = self.progress.add_task("lines", total=total)

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def advance(self, lines: int) -> None:
        self.progress.update(self.task, advance=lines)


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


def without_genres(columns: tuple[str, ...], rows: list) -> tuple[tuple[str, ...], list]:
    """`columns` and `rows` without the genre columns ("genre", "same genre") when no row has a
    genre: a dataset without tags (Last.fm-360K) gets no empty column pretending to be one."""
    genre_at = [i for i, c in enumerate(columns) if c.strip() == "genre"]
    if any(row[i] for row in rows for i in genre_at):
        return tuple(columns), rows
    keep = [i for i, c in enumerate(columns) if c.strip() not in ("genre", "same genre")]
    return tuple(columns[i] for i in keep), [tuple(row[i] for i in keep) for row in rows]

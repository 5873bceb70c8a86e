"""Data into renderables: names, tags, paths and prompts are shown as they are, never read as
markup, with control characters made visible."""
from __future__ import annotations

from rich.text import Text

from engine.errors import printable


def plain(value: object) -> Text:
    """`value` as text that is never markup (for table cells, titles and labels)."""
    return Text(printable(str(value)))

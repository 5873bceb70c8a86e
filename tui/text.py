"""Data into renderables: names, tags, paths and prompts are shown as they are, never read as
markup, with control characters made visible."""
from __future__ import annotations

from rich.style import Style
from rich.text import Text

from cratedig.engine.errors import printable


def plain(value: object) -> Text:
    """`value` as text that is never markup (for table cells, titles and labels)."""
    return Text(printable(str(value)))


def lines(*values: object) -> Text:
    """Several values as lines of text (`plain` would write a newline inside one as an escape)."""
    return Text("\n").join(plain(value) for value in values)


def linked(value: object, url: str) -> Text:
    """`plain(value)` as a terminal hyperlink to `url` (where the terminal supports them)."""
    text = plain(value)
    if url:
        text.stylize(Style(link=url))
    return text

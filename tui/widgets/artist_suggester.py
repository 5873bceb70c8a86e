"""Type-ahead for artist names in the prompt, from the engine's fuzzy search."""
from __future__ import annotations

import re
from typing import Callable

from textual.suggester import Suggester

from cratedig.engine.errors import printable

# The artist part of a prompt: after "like", "not", "close to", "why", or after a comma.
_LAST_NAME = re.compile(r"(?:\blike|\bnot|\bto|\bwhy|\bof|,|\band)\s+(?P<partial>[^,]{2,})$", re.IGNORECASE)


class ArtistSuggester(Suggester):
    """Completes the artist name being typed at the end of the prompt."""

    def __init__(self, search: Callable[[str], list]):
        super().__init__(use_cache=True, case_sensitive=True)
        self.search = search

    async def get_suggestion(self, value: str) -> str | None:
        match = _LAST_NAME.search(value)
        if not match:
            return None
        partial = match.group("partial")
        hits = self.search(partial)
        if not hits:
            return None
        name = printable(hits[0].name)  # shown in the prompt: control characters as escapes
        if name.casefold().startswith(partial.casefold()) and len(name) > len(partial):
            return value[: match.start("partial")] + name
        return None

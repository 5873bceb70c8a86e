"""Messages widgets and screens post upward; the app or a screen handles them."""
from __future__ import annotations

from textual.message import Message


class OpenArtist(Message):
    """Show the artist view for this Last.FM artist id."""

    def __init__(self, artist_id: int):
        super().__init__()
        self.artist_id = artist_id


class BecomeListener(Message):
    """Continue the conversation as this Last.FM listener."""

    def __init__(self, listener_id: int):
        super().__init__()
        self.listener_id = listener_id


class RowAction(Message):
    """A key on a suggestion row: `action` is "like" (+), "leave out" (-), "similar" (m) or
    "open" (o: the artist's Last.fm page)."""

    def __init__(self, action: str, artist_id: int, name: str, url: str):
        super().__init__()
        self.action, self.artist_id, self.name, self.url = action, artist_id, name, url

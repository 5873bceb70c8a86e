"""Someone's own listening history: readers of the exports people have (Last.fm, ListenBrainz,
Spotify, Libre.fm, Maloja, portable players), told apart by content, into play counts per artist
name. Like engine.data.readers, they know no catalogue: matching names to artists is serving's."""
from cratedig.engine.data.listens.detect import FORMATS, known_formats
from cratedig.engine.data.listens.history import ListeningHistory
from cratedig.engine.data.listens.read import read_history

__all__ = ["FORMATS", "ListeningHistory", "known_formats", "read_history"]

"""Which export a file is, told from its content (never its name): the first bytes of the file."""
from __future__ import annotations

import csv
import re

#: the formats cratedig reads, as named in messages and in an import's summary
FORMATS = {
    "lastfm-csv": "Last.fm CSV (lastfm.ghan.nl: uts,utc_time,artist,…)",
    "lastfm-csv-plain": "Last.fm CSV without a header (artist,album,track,date)",
    "lastfm-json": "Last.fm API JSON (user.getRecentTracks pages)",
    "listenbrainz": "ListenBrainz export (zip of listens/*.jsonl, or a JSON array)",
    "spotify-account": "Spotify account data (StreamingHistory_music_N.json)",
    "spotify-extended": "Spotify extended streaming history (Streaming_History_Audio_*.json, endsong_N.json)",
    "scrobbler-log": ".scrobbler.log (Rockbox and portable players)",
    "librefm-csv": "Libre.fm CSV (time,artist,track header)",
    "maloja": "Maloja export (JSON with scrobbles)",
}
#: files that belong to an export but hold no listens (passed over without a word)
COMPANIONS = "companion"
HEAD_BYTES = 256 * 1024
_PLAIN_DATE = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4} \d{1,2}:\d{2}$")


def known_formats() -> str:
    return "; ".join(FORMATS.values())


def detect(head: bytes) -> str | None:
    """The format of a file starting with `head` (a format name, COMPANIONS, or None: unknown)."""
    if b"\x00" in head:
        return None
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("#AUDIOSCROBBLER/"):
        return "scrobbler-log"
    if text.startswith(("{", "[")):
        return _json_kind(text)
    return _csv_kind(text)


def _has(text: str, *keys: str) -> bool:
    return all(f'"{key}"' in text for key in keys)


def _json_kind(text: str) -> str | None:
    if _has(text, "recenttracks") or (text.startswith("[") and _has(text, "track", "#text")):
        return "lastfm-json"
    if _has(text, "maloja") or (text.startswith("{") and _has(text, "scrobbles")):
        return "maloja"
    if _has(text, "listened_at"):
        return "listenbrainz"
    if _has(text, "ms_played") and (_has(text, "master_metadata_album_artist_name") or _has(text, "ts")):
        return "spotify-extended"
    if _has(text, "msPlayed", "artistName"):
        return "spotify-account"
    if text.startswith("{") and (_has(text, "user_name") or _has(text, "username") or _has(text, "user_id")):
        return COMPANIONS  # ListenBrainz's user.json, Spotify's Userdata.json
    if text.startswith("[") and text[1:].lstrip().startswith("]"):
        return COMPANIONS  # an empty list (Spotify writes some)
    return None


def _csv_kind(text: str) -> str | None:
    lines = [line for line in text.splitlines()[:50] if line.strip() and not line.startswith("#")]
    if not lines:
        return None
    try:
        first = next(csv.reader([lines[0]]))
    except csv.Error:
        return None
    header = [field.strip().lower() for field in first]
    if header[:3] == ["uts", "utc_time", "artist"]:
        return "lastfm-csv"
    if {"time", "artist", "track"} <= set(header):
        return "librefm-csv"
    if len(first) == 4 and (not first[3].strip() or _PLAIN_DATE.match(first[3].strip())):
        rows = list(csv.reader(lines[:20]))
        if all(len(r) == 4 and (not r[3].strip() or _PLAIN_DATE.match(r[3].strip())) for r in rows[:-1]):
            return "lastfm-csv-plain"
    return None

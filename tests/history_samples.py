"""Small export files in each format cratedig imports, written from the formats' documented field
names (never a real person's data). Each writer takes listens as (artist, artist MBID or "", unix
seconds) and adds the rows its format has that are not listens (now playing, skips, podcasts...),
so a reader that counted them would be caught."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote_plus

Listen = tuple[str, str, int]


def _iso(ts: int, layout: str = "%Y-%m-%dT%H:%M:%SZ") -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime(layout)


def lastfm_csv(path: Path, listens: list[Listen]) -> Path:
    """lastfm.ghan.nl: every field quoted, header uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["uts", "utc_time", "artist", "artist_mbid", "album", "album_mbid", "track", "track_mbid"])
    for artist, mbid, ts in listens:
        writer.writerow([ts, _iso(ts, "%d %b %Y, %H:%M"), artist, mbid, "An Album", "", "A Track", ""])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def lastfm_csv_plain(path: Path, listens: list[Listen]) -> Path:
    """benjaminbenben/lastfm-to-csv: no header, artist,album,track,date; the first row now playing."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([listens[0][0], "An Album", "Now Playing Track", ""])
    for artist, _, ts in listens:
        writer.writerow([artist, "An Album", "A Track", _iso(ts, "%d %b %Y %H:%M")])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _lastfm_track(artist: str, mbid: str, ts: int) -> dict:
    return {"artist": {"mbid": mbid, "#text": artist}, "name": "A Track", "album": {"mbid": "", "#text": "An Album"},
            "url": f"https://www.last.fm/music/{quote_plus(artist)}/_/A+Track", "date": {"uts": str(ts), "#text": _iso(ts)}}


def lastfm_json(path: Path, listens: list[Listen], pages: int = 2) -> Path:
    """user.getRecentTracks pages as an array; the first page starts with the track now playing."""
    size = max(1, -(-len(listens) // pages))
    out = []
    for start in range(0, len(listens), size):
        tracks = [_lastfm_track(*listen) for listen in listens[start:start + size]]
        if start == 0:
            tracks.insert(0, {"artist": {"mbid": "", "#text": listens[0][0]}, "name": "Now",
                              "@attr": {"nowplaying": "true"}})
        out.append({"recenttracks": {"track": tracks, "@attr": {"user": "someone", "page": str(len(out) + 1)}}})
    path.write_text(json.dumps(out), encoding="utf-8")
    return path


def _listenbrainz(artist: str, mbid: str, ts: int, n: int) -> dict:
    # mbid_mapping may be null; the MBID then comes from additional_info
    mapping = None if n % 2 else {"artist_mbids": [mbid] if mbid else [], "recording_mbid": None}
    return {"listened_at": ts, "recording_msid": f"msid-{n}",
            "track_metadata": {"artist_name": artist, "track_name": "A Track", "release_name": "An Album",
                               "additional_info": {"artist_mbids": [mbid] if mbid else [], "media_player": "x"},
                               "mbid_mapping": mapping}}


def listenbrainz_zip(path: Path, listens: list[Listen]) -> Path:
    """The export zip: user.json and listens/YYYY/M.jsonl, one listen a line."""
    by_month: dict[str, list[str]] = {}
    for n, (artist, mbid, ts) in enumerate(listens):
        when = datetime.fromtimestamp(ts, tz=timezone.utc)
        by_month.setdefault(f"listens/{when.year}/{when.month}.jsonl", []).append(
            json.dumps(_listenbrainz(artist, mbid, ts, n)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("user.json", json.dumps({"user_id": 1, "username": "someone"}))
        for member, lines in sorted(by_month.items()):
            archive.writestr(member, "\n".join(lines) + "\n")
    return path


def listenbrainz_array(path: Path, listens: list[Listen]) -> Path:
    """The older export: one JSON array of listens."""
    path.write_text(json.dumps([_listenbrainz(a, m, t, n) for n, (a, m, t) in enumerate(listens)]), encoding="utf-8")
    return path


def spotify_account(folder: Path, listens: list[Listen], files: int = 2) -> list[Path]:
    """StreamingHistory_music_N.json files: {endTime, artistName, trackName, msPlayed}; each file
    also holds a play of 10 s (not counted)."""
    folder.mkdir(parents=True, exist_ok=True)
    size = max(1, -(-len(listens) // files))
    paths = []
    for n, start in enumerate(range(0, len(listens), size)):
        rows = [{"endTime": _iso(ts, "%Y-%m-%d %H:%M"), "artistName": artist, "trackName": "A Track",
                 "msPlayed": 200_000} for artist, _, ts in listens[start:start + size]]
        rows.append({"endTime": "2020-01-01 10:00", "artistName": listens[0][0], "trackName": "Short",
                     "msPlayed": 10_000})
        paths.append(folder / f"StreamingHistory_music_{n}.json")
        paths[-1].write_text(json.dumps(rows), encoding="utf-8")
    return paths


def _extended(artist: str, ts: int) -> dict:
    return {"ts": _iso(ts), "platform": "linux", "ms_played": 180_000, "conn_country": "SE",
            "master_metadata_track_name": "A Track", "master_metadata_album_artist_name": artist,
            "master_metadata_album_album_name": "An Album", "spotify_track_uri": "spotify:track:abc",
            "episode_name": None, "episode_show_name": None, "spotify_episode_uri": None,
            "audiobook_title": None, "audiobook_uri": None, "reason_start": "trackdone", "reason_end": "trackdone",
            "shuffle": False, "skipped": False, "offline": False, "incognito_mode": False}


def spotify_extended_rows(listens: list[Listen]) -> list[dict]:
    """The listens, then one podcast, one incognito play and one short skip (none of them counted)."""
    rows = [_extended(artist, ts) for artist, _, ts in listens]
    podcast = {**_extended("", listens[0][2]), "master_metadata_album_artist_name": None,
               "spotify_track_uri": None, "episode_name": "An Episode", "episode_show_name": "A Show"}
    incognito = {**_extended(listens[0][0], listens[0][2]), "incognito_mode": True}
    skip = {**_extended(listens[0][0], listens[0][2]), "ms_played": 4_000, "skipped": True, "reason_end": "fwdbtn"}
    return rows + [podcast, incognito, skip]


def spotify_extended_zip(path: Path, listens: list[Listen], files: int = 2) -> Path:
    """my_spotify_data.zip: Spotify Extended Streaming History/Streaming_History_Audio_*.json and a
    companion file that holds no listens."""
    rows = spotify_extended_rows(listens)
    size = max(1, -(-len(rows) // files))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, start in enumerate(range(0, len(rows), size)):
            archive.writestr(f"Spotify Extended Streaming History/Streaming_History_Audio_2020-2024_{n}.json",
                             json.dumps(rows[start:start + size]))
        archive.writestr("Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf", b"%PDF-1.4")
    return path


def scrobbler_log(path: Path, listens: list[Listen]) -> Path:
    """AUDIOSCROBBLER/1.1, tab-separated; one row rated S (skipped) besides the L rows."""
    lines = ["#AUDIOSCROBBLER/1.1", "#TZ/UTC", "#CLIENT/Rockbox sansaclipplus $Revision$"]
    lines += [f"{artist}\tAn Album\tA Track\t1\t200\tL\t{ts}\t" for artist, _, ts in listens]
    lines.append(f"{listens[0][0]}\tAn Album\tSkipped\t2\t200\tS\t{listens[0][2]}\t")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def librefm_csv(path: Path, listens: list[Listen]) -> Path:
    """Libre.fm: comment lines first, then a header with Time, Artist and Track (any case)."""
    buffer = io.StringIO()
    buffer.write("# Libre.fm export\n# user: someone\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Time", "Artist", "Track", "Album"])
    for artist, _, ts in listens:
        writer.writerow([ts, artist, "A Track", "An Album"])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def maloja(path: Path, listens: list[Listen]) -> Path:
    """A Maloja export: {"maloja": {...}, "scrobbles": [{"time", "track": {"artists": [...]}}]}."""
    scrobbles = [{"time": ts, "track": {"artists": [artist], "title": "A Track", "album": None}, "duration": 200}
                 for artist, _, ts in listens]
    path.write_text(json.dumps({"maloja": {"export_time": 1_700_000_000}, "scrobbles": scrobbles}), encoding="utf-8")
    return path


#: format name -> a writer taking (folder, listens) and returning the path to import
WRITERS = {
    "lastfm-csv": lambda d, ls: lastfm_csv(d / "scrobbles.csv", ls),
    "lastfm-csv-plain": lambda d, ls: lastfm_csv_plain(d / "lastfm.csv", ls),
    "lastfm-json": lambda d, ls: lastfm_json(d / "recenttracks.json", ls),
    "listenbrainz": lambda d, ls: listenbrainz_zip(d / "listenbrainz_someone.zip", ls),
    "spotify-account": lambda d, ls: spotify_account(d / "MyData", ls)[0].parent,
    "spotify-extended": lambda d, ls: spotify_extended_zip(d / "my_spotify_data.zip", ls),
    "scrobbler-log": lambda d, ls: scrobbler_log(d / ".scrobbler.log", ls),
    "librefm-csv": lambda d, ls: librefm_csv(d / "librefm.csv", ls),
    "maloja": lambda d, ls: maloja(d / "maloja_export.json", ls),
}

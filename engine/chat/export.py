"""Keeping what the conversation found: the current suggestions, with who they are for, as CSV,
JSON or Markdown (by the file's extension), or as plain text for the clipboard."""
from __future__ import annotations

import csv
import io
import json
import os
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from cratedig.engine.api import Recommendations
from cratedig.engine.errors import UsageError, json_for_terminals, printable
from cratedig.engine.files import spreadsheet_safe
from cratedig.engine.paths import own_folders

FORMATS = {".csv": "csv", ".json": "json", ".md": "markdown", ".markdown": "markdown", ".xspf": "xspf"}
#: a name ending in this is Lidarr's Custom List JSON, not our JSON
LIDARR_SUFFIX = ".lidarr.json"
NO_MBIDS = ("Lidarr lists name artists by MusicBrainz id, and this dataset (HetRec 2011) has none; "
            "Last.fm-360K has them")


def exports_folder() -> Path:
    """Where saved suggestions go: $CRATEDIG_EXPORTS, else the current folder."""
    return expanded(os.environ.get("CRATEDIG_EXPORTS") or ".")


def default_path(now: datetime | None = None) -> Path:
    """cratedig-YYYYmmdd-HHMMSS.csv in the exports folder."""
    return exports_folder() / f"cratedig-{(now or datetime.now()):%Y%m%d-%H%M%S}.csv"


def save_target(path: str | None) -> Path:
    """The one rule for where a save goes, from the chat and from Ctrl+S alike: no name, the default
    name; a relative name, inside the exports folder; an absolute or ~ name, where it says. The
    format is checked first (an unknown extension is answered with the known ones), then the
    folder is made when missing."""
    target = default_path() if path is None else expanded(path)
    if not target.is_absolute():
        target = exports_folder() / target
    format_of(target)
    if target.is_symlink():
        raise UsageError(f"{target} is a link: saves never write through links; choose another name")
    if target.exists() and not target.is_file():
        raise UsageError(f"{target} exists and is not a regular file; choose another name")
    if any(target.resolve().is_relative_to(folder.resolve()) for folder in own_folders()):
        raise UsageError(f"{target} is inside cratedig's own state or cache folder; choose another name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot make the folder {target.parent}: {exc.strerror or exc}") from None
    return target


def expanded(path: str) -> Path:
    """`path` with ~ expanded; UsageError for a user that does not exist."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        raise UsageError(f"cannot save to {path}: no such user's home directory") from None


def format_of(path: Path) -> str:
    if path.name.lower().endswith(LIDARR_SUFFIX):
        return "lidarr"
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"cannot save as {path.name}: the formats known are .csv, .json, .md, .xspf and {LIDARR_SUFFIX}")
    return fmt


def as_xspf(recommendations: Recommendations, title: str) -> str:
    """An XSPF playlist: one track a suggested artist, with only its creator, and the artist's
    MusicBrainz page (where the data has MBIDs) or Last.fm page as its info."""
    def text(value: str) -> str:  # control, bidi and non-XML characters as visible escapes
        return escape(printable(value))

    tracks = []
    for s in recommendations.suggestions:
        page = f"https://musicbrainz.org/artist/{s.mbid}" if s.mbid else s.url
        tracks.append(f"    <track><creator>{text(s.name)}</creator><info>{text(page)}</info></track>")
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n"
            f"  <title>{text(title)}</title>\n  <creator>cratedig</creator>\n  <trackList>\n"
            + "".join(t + "\n" for t in tracks) + "  </trackList>\n</playlist>\n")


def as_lidarr(recommendations: Recommendations) -> tuple[str, int]:
    """Lidarr's Custom List JSON ([{"MusicBrainzId": ...}]) and how many suggestions had no MBID
    (left out). UsageError when the data has no MBIDs at all."""
    if not recommendations.has_mbids:
        raise UsageError(NO_MBIDS)
    ids = [s.mbid for s in recommendations.suggestions if s.mbid]
    return json.dumps([{"MusicBrainzId": m} for m in ids], indent=2) + "\n", len(recommendations.suggestions) - len(ids)


def render(recommendations: Recommendations, who: str, liked: list[str], disliked: list[str], fmt: str) -> str:
    """The suggestions (rank, artist, genre, scores, reason, Last.fm URL) and who they are for."""
    if fmt == "xspf":
        return as_xspf(recommendations, f"cratedig suggestions for {who}")
    if fmt == "lidarr":
        return as_lidarr(recommendations)[0]
    rows = [s.as_json() for s in recommendations.suggestions]
    if fmt == "json":
        return json_for_terminals(json.dumps({"for": who, "liked": liked, "disliked": disliked,
                                              "retriever": recommendations.retriever, "ranked": recommendations.ranked,
                                              "suggestions": rows}, ensure_ascii=False, indent=2)) + "\n"
    models = list(rows[0]["scores"]) if rows else []
    if fmt == "csv":  # rows only, one header each (who they are for is in the JSON and Markdown forms)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["rank", "artist_id", "artist", "genre", "ranking_score", "retrieval_score",
                         *(f"score_{m}" for m in models), "reason", "url"])
        for r in rows:
            writer.writerow([r["rank"], r["artist_id"], spreadsheet_safe(r["name"]), spreadsheet_safe(r["genre"]),
                             _num(r["ranking_score"]), _num(r["retrieval_score"]),
                             *(_num(r["scores"][m]) for m in models), spreadsheet_safe(r["reason"]),
                             spreadsheet_safe(r["url"])])
        return buffer.getvalue()
    lines = [f"# cratedig suggestions for {_md(who)}", "",
             f"Liked: {_md(', '.join(liked)) or '—'}  ", f"Disliked: {_md(', '.join(disliked)) or '—'}", "",
             "| # | artist | genre | ranking | retrieval | reason |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['rank']} | [{_md(r['name'])}]({r['url']}) | {_md(r['genre'])} | {_num(r['ranking_score'])} | "
              f"{_num(r['retrieval_score'])} | {_md(r['reason'])} |" for r in rows]
    return "\n".join(lines) + "\n"


def as_text(recommendations: Recommendations) -> str:
    """One line a suggestion, control characters made visible: for the clipboard (what a name holds
    must not act in the shell it is pasted into)."""
    return "\n".join(printable(f"{s.rank_after}. {s.name} ({s.genre}) — {s.reason} — {s.url}")
                      for s in recommendations.suggestions) + "\n"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _md(text: str) -> str:
    return printable(text).replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")

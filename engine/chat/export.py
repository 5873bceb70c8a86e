"""Keeping what the conversation found: the current suggestions, with who they are for, as CSV,
JSON or Markdown (by the file's extension), or as plain text for the clipboard."""
from __future__ import annotations

import csv
import io
import json
import os
from datetime import datetime
from pathlib import Path

from engine.api import Recommendations
from engine.errors import UsageError

FORMATS = {".csv": "csv", ".json": "json", ".md": "markdown", ".markdown": "markdown"}


def default_path(now: datetime | None = None) -> Path:
    """cratedig-YYYYmmdd-HHMMSS.csv in $CRATEDIG_EXPORTS, else in the current folder."""
    folder = expanded(os.environ.get("CRATEDIG_EXPORTS") or ".")
    return folder / f"cratedig-{(now or datetime.now()):%Y%m%d-%H%M%S}.csv"


def expanded(path: str) -> Path:
    """`path` with ~ expanded; UsageError for a user that does not exist."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        raise UsageError(f"cannot save to {path}: no such user's home directory") from None


def format_of(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"cannot save as {path.name}: name it .csv, .json or .md")
    return fmt


def _rows(recommendations: Recommendations) -> list[dict]:
    return [{"rank": s.rank_after, "artist_id": s.artist_id, "name": s.name, "genre": s.genre, "reason": s.reason,
             "ranking": s.ranking_score, "retrieval": s.retrieval_score, "scores": s.model_scores, "url": s.url}
            for s in recommendations.suggestions]


def render(recommendations: Recommendations, who: str, liked: list[str], disliked: list[str], fmt: str) -> str:
    """The suggestions (rank, artist, genre, scores, reason, Last.fm URL) and who they are for."""
    rows = _rows(recommendations)
    if fmt == "json":
        return json.dumps({"for": who, "liked": liked, "disliked": disliked, "retriever": recommendations.retriever,
                           "ranked": recommendations.ranked, "suggestions": rows}, ensure_ascii=False, indent=2) + "\n"
    models = list(rows[0]["scores"]) if rows else []
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["rank", "artist_id", "artist", "genre", "ranking", "retrieval", *models, "reason", "url"])
        for r in rows:
            writer.writerow([r["rank"], r["artist_id"], r["name"], r["genre"], _num(r["ranking"]), _num(r["retrieval"]),
                             *(_num(r["scores"][m]) for m in models), r["reason"], r["url"]])
        writer.writerow([])
        writer.writerow(["# for", who])
        writer.writerow(["# liked", *liked])
        writer.writerow(["# disliked", *disliked])
        return buffer.getvalue()
    lines = [f"# cratedig suggestions for {_md(who)}", "",
             f"Liked: {_md(', '.join(liked)) or '—'}  ", f"Disliked: {_md(', '.join(disliked)) or '—'}", "",
             "| # | artist | genre | ranking | retrieval | reason |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['rank']} | [{_md(r['name'])}]({r['url']}) | {_md(r['genre'])} | {_num(r['ranking'])} | "
              f"{_num(r['retrieval'])} | {_md(r['reason'])} |" for r in rows]
    return "\n".join(lines) + "\n"


def as_text(recommendations: Recommendations) -> str:
    """One line a suggestion: for the clipboard."""
    return "\n".join(f"{s.rank_after}. {s.name} ({s.genre}) — {s.reason} — {s.url}"
                     for s in recommendations.suggestions) + "\n"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")

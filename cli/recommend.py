"""`cratedig recommend`: one listener, liked artists, every listener (CSV export) or a file of
liked-artist lists, all answered by the engine's one batch path."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterator

from cratedig.cli.commands import load_models, open_engine
from cratedig.cli.output import LinesBar, check_output, emit, json_text, rendered, say, table, without_genres
from cratedig.engine import api
from cratedig.engine.chat import export
from cratedig.engine.errors import UsageError


def recommend(args) -> int:
    output = check_output(args.output)
    stages = api.stages_for(args.model, args.retriever)
    api.check_k(args.k)
    if args.format == "csv" and not (args.all_listeners or args.liked_file):
        raise UsageError("--format csv goes with --all-listeners or --liked-file")
    if args.since and not args.history:
        raise UsageError("--since goes with --history")
    if args.format in ("xspf", "lidarr") and (args.all_listeners or args.liked_file):
        raise UsageError(f"--format {args.format} is one list: use it with --listener, --liked or --history")
    if args.liked_file and args.format != "csv":
        raise UsageError("--liked-file writes CSV: add --format csv")
    engine = open_engine(args)
    if args.format == "lidarr" and not engine.has_mbids:
        raise UsageError(export.NO_MBIDS)  # before any model loads
    before = _snapshot(engine.data_dir)
    load_models(engine)
    ranked = stages.ranker is not None
    if args.all_listeners:  # streamed: memory stays flat however many listeners there are
        emit(_all_listeners_csv(engine, stages.retriever, ranked, args.k, before, streamed=output is None), output)
        return 0
    if args.liked_file:
        text = _liked_file_csv(engine, Path(args.liked_file), stages.retriever, ranked, args.k)
    else:
        if args.listener is not None:
            result = engine.recommend_listener(args.listener, args.k, stages.retriever, ranked)
        elif args.history is not None:
            result = engine.recommend_history(args.history, args.k, stages.retriever, ranked, since=args.since)
            say(result.history)
        else:
            result = engine.recommend_liked(args.liked, args.k, stages.retriever, ranked)
            for hit in result.liked:
                say(f"liked: {hit.name}")
            for name in result.unknown:
                offered = ", ".join(h.name for h in engine.did_you_mean(name))
                say(f"no artist matches {name!r} (the catalogue's listening ends in {engine.catalogue_ends}); ignored"
                    + (f"; did you mean {offered}?" if offered else ""))
        text = _recommendations_text(result, args.format)
    _check_unchanged(engine.data_dir, before)
    emit(text, output)
    return 0


def _snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file, to notice a data directory changing under a long run."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(directory.iterdir())
            if p.suffix in (".dat", ".tsv")}


def _check_unchanged(directory: Path, before: dict, streamed: bool = False) -> None:
    if _snapshot(directory) != before:
        raise UsageError(f"data directory {directory} changed while running; "
                         + ("the output above is not to be trusted" if streamed else "nothing was written"))


def _all_listeners_csv(engine: api.Engine, retriever: str, ranked: bool, k: int, before: dict,
                       streamed: bool) -> Iterator[str]:
    """The export as CSV text, one piece per batch of listeners; last, the check that the data
    did not change meanwhile (a file is then not written at all)."""
    yield "user_id,rank,artist_id,artist_name,score\r\n"
    for batch in engine.recommend_all_listeners(k, retriever, ranked):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for uid, artists, names, scores in zip(batch.listener_ids, batch.artist_ids, batch.names, batch.scores):
            for rank, (artist, name, score) in enumerate(zip(artists, names, scores), start=1):
                writer.writerow([api.spreadsheet_safe(uid), rank, artist, api.spreadsheet_safe(name), f"{score:.6g}"])
        yield buffer.getvalue()
    _check_unchanged(engine.data_dir, before, streamed)


MAX_LINE_BYTES = 64 * 1024
MAX_LINES = 100_000
#: per-line problems reported one by one; beyond these, a count
MAX_REPORTED = 5


def _liked_lines(path: Path) -> Iterator[tuple[int, Any, list | None, str | None]]:
    """(line number, id, liked list or None, problem or None) per non-blank line. Lines longer than
    MAX_LINE_BYTES or more than MAX_LINES of them stop the read with one error."""
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise UsageError(f"--liked-file {path}: {exc.strerror or exc}") from None
    with handle:
        for number in range(1, MAX_LINES + 2):
            try:
                raw = handle.readline(MAX_LINE_BYTES + 1)
            except OSError as exc:
                raise UsageError(f"--liked-file {path}: {exc.strerror or exc}") from None
            if not raw:
                return
            if number > MAX_LINES:
                raise UsageError(f"--liked-file {path}: more than {MAX_LINES:,} lines")
            if len(raw) > MAX_LINE_BYTES:
                raise UsageError(f"--liked-file {path}, line {number}: longer than {MAX_LINE_BYTES:,} bytes "
                                 "(expected one JSON object per line)")
            line = raw.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, None, f"not valid JSON ({exc.msg})"
                continue
            except (ValueError, RecursionError) as exc:  # a number of 4,300+ digits; nesting too deep
                yield number, None, None, ("not valid JSON (nested too deeply)" if isinstance(exc, RecursionError)
                                           else "not valid JSON (a number too long)")
                continue
            if not isinstance(item, dict) or "liked" not in item or "id" not in item:
                yield number, None, None, 'expected an object with "id" and "liked"'
                continue
            ident, liked = item["id"], item["liked"]
            if isinstance(ident, bool) or not isinstance(ident, (str, int)) or not _unicode(ident):
                yield number, None, None, '"id" must be a text or a whole number'
                continue
            if not isinstance(liked, list) or not liked or not all(
                    isinstance(x, (str, int)) and not isinstance(x, bool) and _unicode(x) for x in liked):
                yield number, ident, None, '"liked" must be a non-empty list of names or artist ids'
                continue
            yield number, ident, liked, None


def _unicode(value: str | int) -> bool:
    """Whether a value from the file is writable text (JSON can spell a lone surrogate, UTF-8 cannot)."""
    try:
        str(value).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: liked-file lines answered per engine call (the progress bar moves once a batch)
LIKED_BATCH = 2_000


def _batched_answers(engine: api.Engine, liked_sets: list, k: int, retriever: str, ranked: bool) -> Iterator:
    """The answers to `liked_sets` in order, a batch at a time, with a progress bar on stderr."""
    with LinesBar(len(liked_sets)) as bar:
        for start in range(0, len(liked_sets), LIKED_BATCH):
            yield from engine.recommend_liked_many(liked_sets[start:start + LIKED_BATCH], k, retriever, ranked)
            bar.advance(min(LIKED_BATCH, len(liked_sets) - start))


def _liked_file_csv(engine: api.Engine, path: Path, retriever: str, ranked: bool, k: int) -> str:
    lines = list(_liked_lines(path))
    answerable = [line for line in lines if line[3] is None]
    answers = _batched_answers(engine, [liked for _, _, liked, _ in answerable], k, retriever, ranked)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "rank", "artist_id", "artist_name", "score"])
    answered = skipped = 0
    for number, ident, liked, problem in lines:
        result = next(answers) if problem is None else None
        if isinstance(result, UsageError):
            problem = str(result)
        if problem is not None:
            skipped += 1
            if skipped <= MAX_REPORTED:
                say(f"{path}, line {number}: {problem}; skipped")
            continue
        typed = {str(name).casefold() for name in liked}
        for hit in result.liked:  # a name matched as typed goes without saying; any other match is named
            if hit.name.casefold() not in typed and str(hit.artist_id) not in typed:
                say(f"line {number}: liked {hit.name} (artist {hit.artist_id})")
        for name in result.unknown:
            say(f"line {number}: no artist matches {name!r}; ignored")
        for s in result.suggestions:
            score = s.ranking_score if s.ranking_score is not None else s.retrieval_score
            writer.writerow([api.spreadsheet_safe(ident), s.rank_after, s.artist_id, api.spreadsheet_safe(s.name),
                             f"{score:.6g}"])
        answered += 1
    if skipped > MAX_REPORTED:
        say(f"{path}: {skipped - MAX_REPORTED:,} more lines skipped ({skipped:,} in all)")
    if answered == 0:
        raise UsageError(f"--liked-file {path}: no line could be answered")
    return buffer.getvalue()


def _recommendations_text(result: api.Recommendations, fmt: str) -> str:
    if fmt == "xspf":
        return export.as_xspf(result, "cratedig suggestions" + (f" for {result.history}" if result.history else ""))
    if fmt == "lidarr":
        text, missing = export.as_lidarr(result)
        if missing:
            say(f"{missing} of {len(result.suggestions)} suggestions have no MusicBrainz id; left out of the list")
        return text
    if fmt == "json":
        return json_text({"retriever": result.retriever, "ranked": result.ranked, "unknown": result.unknown,
                           "liked": [asdict(h) for h in result.liked],
                           "suggestions": [s.as_json() for s in result.suggestions]}, indent=2) + "\n"
    rows = [(s.rank_after, f"↑{s.movement}" if s.movement > 0 else (f"↓{-s.movement}" if s.movement < 0 else "="),
             s.name, s.genre, "-" if s.ranking_score is None else f"{s.ranking_score:.3f}", f"{s.retrieval_score:.3f}",
             s.reason) for s in result.suggestions]
    return rendered(table(f"{result.retriever} then ranked" if result.ranked else result.retriever,
                          *without_genres(("#", "move", "artist", "genre", "ranking", "retrieval", "reason"), rows),
                          right=("#", "move", "ranking", "retrieval")))

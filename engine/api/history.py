"""The Engine's requests about someone's own listening history: import exports (matched to this
catalogue, saved by name), report what matched, recommend from a saved history or from files."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from cratedig.engine.data.listens import read_history
from cratedig.engine.errors import NotFoundError, SettingError, UsageError
from cratedig.engine.models.query import liked_query
from cratedig.engine.models.registry import DEFAULT_RETRIEVER
from cratedig.engine.serving import history_store
from cratedig.engine.serving.histories import LoadedHistory, headline, match_names, report, weighted_artists
from cratedig.engine.serving.results import HistoryReport, Recommendations, Steering

if TYPE_CHECKING:
    from cratedig.engine.api.engine import Engine

DEFAULT_NAME = "me"


def parse_since(text: str | None) -> int | None:
    """Unix seconds (UTC midnight) of a date written YYYY-MM-DD, YYYY-MM or YYYY; None for None."""
    if text is None:
        return None
    for layout in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return int(datetime.strptime(text.strip(), layout).replace(tzinfo=timezone.utc).timestamp())
        except ValueError:
            continue
    raise SettingError("since", "{setting} {value!r}: expected a date as YYYY-MM-DD, YYYY-MM or YYYY", value=text[:40])


def saved_histories() -> list[str]:
    """The names of the saved histories."""
    return history_store.saved_names()


def histories_folder() -> Path:
    """Where saved histories are kept (the API's cache watches it for re-imports)."""
    return history_store.folder()


def remove_history(name: str) -> Path:
    return history_store.remove(name)


class HistoryRequests:
    """Mixed into Engine: everything about imported histories."""

    def import_history(self: "Engine", paths: Sequence[str | Path], name: str = DEFAULT_NAME,
                       since: str | None = None, save: bool = True) -> HistoryReport:
        """Read the exports under `paths`, match them to this catalogue and (with `save`) keep them
        as history `name`, replacing one of that name. Nothing is saved when a file is bad."""
        history_store.check_name(name)
        history = read_history(paths, parse_since(since))
        matches = match_names(history, self.catalog)
        if save:
            history_store.save(name, history, matches)
        return report(name, history, matches, self.catalog, saved=save)

    def history_report(self: "Engine", name: str) -> HistoryReport:
        loaded = self.load_history(name)
        return report(loaded.name, loaded.history, loaded.matches, self.catalog)

    def load_history(self: "Engine", ref: str) -> LoadedHistory:
        """A saved history by name; or, when no history has that name and `ref` is a path, its files
        read (not saved). Matches made on other data are made again on this data."""
        if not history_store.exists(ref):
            if Path(ref).expanduser().exists():
                history = read_history([ref])
                return LoadedHistory(Path(ref).name, history, match_names(history, self.catalog))
            if not history_store.valid_name(ref):
                raise NotFoundError(f"{ref[:200]}: no such file, and no saved history has that name")
        history, stored = history_store.load(ref)
        return LoadedHistory(ref, history, match_names(history, self.catalog, stored))

    def recommend_history(self: "Engine", ref: str, k: int = 10, retriever: str = DEFAULT_RETRIEVER,
                          rank: bool = True, steering: Steering | None = None,
                          since: str | None = None) -> Recommendations:
        """Suggestions for the person whose history `ref` is (a saved name or a path): its matched
        artists folded in, weighted by plays (engine.serving.histories.WEIGHTING), none of them
        suggested again."""
        loaded = self.load_history(ref)
        artists, weights = weighted_artists(loaded.history, loaded.matches, self.catalog, parse_since(since))
        if not len(artists):
            when = f" since {since}" if since else ""
            raise UsageError(f"history {loaded.name!r} has no artist in this catalogue{when} "
                             f"(its listening ends in {self.catalogue_ends})")
        query = liked_query(self.dataset.n_artists, [artists], [weights])
        rows = self._suggest(query, k, retriever, rank, steering)
        return Recommendations(retriever, rank, rows[0], history=headline(loaded.name, loaded.history, loaded.matches),
                               has_mbids=self.has_mbids)

"""HetRec 2011 Last.FM 2K: its .dat files (read by `readers`) validated and joined into a Dataset.
Every problem is fatal (DataError naming file, line and column) or dropped and counted as a quirk."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cratedig.engine.data import readers
from cratedig.engine.data.readers import QuirkLog
from cratedig.engine.data.types import UNKNOWN_TIME, Dataset, Plays, TagAssignments, frozen
from cratedig.engine.errors import DataError

# Last.fm started in 2002 and the dataset was published in May 2011: a tag dated outside that
# window is a data-entry error, kept as an assignment but with an unknown time (-1).
PLAUSIBLE_FROM = int(pd.Timestamp("2002-01-01", tz="UTC").timestamp())
PLAUSIBLE_UNTIL = int(pd.Timestamp("2012-01-01", tz="UTC").timestamp())


def _dedupe(frame: pd.DataFrame, keys: list[str], quirks: QuirkLog, code: str, file: str) -> pd.DataFrame:
    dup = frame.duplicated(keys, keep="first").to_numpy()
    quirks.add(code, file, int(dup.sum()))
    return frame[~dup]


def _known(frame: pd.DataFrame, column: str, ids: np.ndarray, quirks: QuirkLog, what: str,
           file: str) -> pd.DataFrame:
    ok = np.isin(frame[column].to_numpy(), ids)
    quirks.add(f"rows referencing {what} ids missing elsewhere, dropped", file, int((~ok).sum()))
    return frame[ok]


def _tag_times(taggings: pd.DataFrame, timestamps: pd.DataFrame | None, quirks: QuirkLog) -> np.ndarray:
    """Unix seconds per assignment: the timestamps file when present, else day/month/year."""
    name = readers.TAGGINGS.name
    if timestamps is not None:
        stamps = timestamps.drop_duplicates(["userID", "artistID", "tagID"])
        merged = taggings[["userID", "artistID", "tagID"]].merge(
            stamps[["userID", "artistID", "tagID", "timestamp"]], how="left",
            on=["userID", "artistID", "tagID"])
        millis = merged["timestamp"].to_numpy(dtype="float64")
        seconds = np.where(np.isnan(millis), np.nan, np.floor(millis / 1000.0))
    else:
        dates = pd.to_datetime(
            pd.DataFrame({"year": taggings["year"], "month": taggings["month"], "day": taggings["day"]}),
            errors="coerce", utc=True)
        epoch = pd.Timestamp("1970-01-01", tz="UTC")
        seconds = ((dates - epoch) / pd.Timedelta(seconds=1)).to_numpy(dtype="float64", na_value=np.nan)
    plausible = (seconds >= PLAUSIBLE_FROM) & (seconds < PLAUSIBLE_UNTIL)
    quirks.add("tag dates implausible (before 2002 or after 2011), time set unknown", name,
               int((~plausible).sum()))
    return np.where(plausible, seconds, UNKNOWN_TIME).astype(np.int64)


def load_hetrec(directory: Path) -> Dataset:
    quirks = QuirkLog()
    tables = {spec.name: readers.read_table(directory, spec, quirks) for spec in readers.ALL_FILES}

    artists = _dedupe(tables[readers.ARTISTS.name], ["id"], quirks, "duplicate artist ids, first kept",
                      readers.ARTISTS.name).sort_values("id")
    names = artists["name"].str.strip()
    lower = names.str.casefold()
    quirks.add("artist names that collide ignoring case", readers.ARTISTS.name,
               int(lower.duplicated(keep=False).sum()))
    quirks.add("artists with an empty name", readers.ARTISTS.name, int((names == "").sum()))
    names = names.where(names != "", "artist " + artists["id"].astype(str))
    artist_ids = artists["id"].to_numpy(np.int64)

    tags = _dedupe(tables[readers.TAGS.name], ["tagID"], quirks, "duplicate tag ids, first kept",
                   readers.TAGS.name).sort_values("tagID")
    tag_ids = tags["tagID"].to_numpy(np.int64)

    plays = tables[readers.PLAYS.name]
    positive = plays["weight"].to_numpy() > 0
    quirks.add("plays with zero or negative weight, dropped", readers.PLAYS.name, int((~positive).sum()))
    plays = plays[positive]
    plays = _dedupe(plays, ["userID", "artistID"], quirks, "duplicate listener-artist rows, first kept",
                    readers.PLAYS.name)
    plays = _known(plays, "artistID", artist_ids, quirks, "artist", readers.PLAYS.name)
    if plays.empty:
        raise DataError(directory / readers.PLAYS.name, "no usable plays left after validation")
    listener_ids = np.unique(plays["userID"].to_numpy(np.int64))

    taggings = tables[readers.TAGGINGS.name]
    taggings = _dedupe(taggings, ["userID", "artistID", "tagID"], quirks,
                       "duplicate tag assignments, first kept", readers.TAGGINGS.name)
    taggings = _known(taggings, "artistID", artist_ids, quirks, "artist", readers.TAGGINGS.name)
    taggings = _known(taggings, "tagID", tag_ids, quirks, "tag", readers.TAGGINGS.name)
    taggings = _known(taggings, "userID", listener_ids, quirks, "listener", readers.TAGGINGS.name)
    times = _tag_times(taggings, tables[readers.TAGGING_TIMES.name], quirks)
    quirks.add("optional file absent, times from day/month/year", readers.TAGGING_TIMES.name,
               int(tables[readers.TAGGING_TIMES.name] is None))

    friends = tables[readers.FRIENDS.name]
    if friends is None:
        friend_pairs = np.zeros((0, 2), dtype=np.int32)
    else:
        friends = _dedupe(friends, ["userID", "friendID"], quirks, "duplicate friend pairs, first kept",
                          readers.FRIENDS.name)
        friends = _known(friends, "userID", listener_ids, quirks, "listener", readers.FRIENDS.name)
        friends = _known(friends, "friendID", listener_ids, quirks, "listener", readers.FRIENDS.name)
        friend_pairs = np.stack([np.searchsorted(listener_ids, friends["userID"].to_numpy()),
                                 np.searchsorted(listener_ids, friends["friendID"].to_numpy())], axis=1)

    def idx(ids: np.ndarray, values: pd.Series) -> np.ndarray:
        return frozen(np.searchsorted(ids, values.to_numpy(np.int64)).astype(np.int32))

    return Dataset(
        listener_ids=frozen(listener_ids),
        artist_ids=frozen(artist_ids),
        artist_names=frozen(names.to_numpy(dtype=object)),
        tag_ids=frozen(tag_ids),
        tag_names=frozen(tags["tagValue"].str.strip().to_numpy(dtype=object)),
        plays=Plays(idx(listener_ids, plays["userID"]), idx(artist_ids, plays["artistID"]),
                    frozen(plays["weight"].to_numpy(np.float64))),
        taggings=TagAssignments(idx(listener_ids, taggings["userID"]), idx(artist_ids, taggings["artistID"]),
                                idx(tag_ids, taggings["tagID"]), frozen(times)),
        friends=frozen(friend_pairs.astype(np.int32)),
        quirks=tuple(quirks.as_rows()),
        source=str(directory.resolve()),
        artist_urls=frozen(artists["url"].fillna("").astype(str).str.strip().to_numpy(dtype=object)),
    )

"""Last.fm-360K's listener profiles (`usersha1-profile.tsv`: SHA-1, gender, age, country, sign-up
date), aligned with the listeners the plays file has. Implausible or missing values are unknown,
counted; the file itself is optional."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from cratedig.engine.data.readers import QuirkLog, decode_lines
from cratedig.engine.data.types import Profiles
from cratedig.engine.errors import DataError

PROFILE_FILE = "usersha1-profile.tsv"
AGE_RANGE = (5, 100)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


def read_profiles(directory: Path, listener_keys: np.ndarray, quirks: QuirkLog) -> Profiles:
    """Profiles aligned with `listener_keys` (sorted); a listener absent from the file is unknown."""
    n = len(listener_keys)
    unknown = Profiles(np.zeros(n, np.int8), np.full(n, -1, np.int16), np.full(n, -1, np.int16),
                       np.full(n, -1, np.int64), np.zeros(0, dtype=object))
    path = directory / PROFILE_FILE
    try:
        if not path.is_file():
            quirks.add("optional file absent, profiles unknown", PROFILE_FILE)
            return unknown
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(path, f"cannot read file: {exc.strerror or exc}") from None
    text = decode_lines(raw.removeprefix(b"\xef\xbb\xbf"))[0]
    lines = pd.Series(text.split("\n"), dtype=object)
    lines = lines[lines.str.strip() != ""]
    fields = lines.str.count("\t")
    quirks.add("profile lines without 5 fields, dropped", PROFILE_FILE, int((fields != 4).sum()))
    lines = lines[fields == 4]
    if lines.empty:
        return unknown
    table = pd.read_csv(io.StringIO("\n".join(lines.tolist())), sep="\t", header=None,
                        names=["user", "gender", "age", "country", "signup"], dtype=str,
                        quoting=csv.QUOTE_NONE, na_filter=False, engine="c")
    table["user"] = table["user"].str.strip().str.lower()
    table = table.drop_duplicates("user")
    at = np.searchsorted(listener_keys, table["user"].to_numpy(dtype=str))
    found = (at < n) & (listener_keys[np.minimum(at, n - 1)] == table["user"].to_numpy(dtype=str))
    table, at = table[found], at[found]
    gender = table["gender"].str.strip().str.lower().map({"m": 1, "f": 2}).fillna(0).to_numpy(np.int8)
    age = pd.to_numeric(table["age"].str.strip(), errors="coerce").to_numpy(dtype=float)
    stated = np.isfinite(age)
    plausible = stated & (age >= AGE_RANGE[0]) & (age <= AGE_RANGE[1])
    quirks.add(f"ages outside {AGE_RANGE[0]}-{AGE_RANGE[1]}, unknown", PROFILE_FILE, int((stated & ~plausible).sum()))
    country = table["country"].astype(str).str.replace(_CONTROL, " ", regex=True).str.strip()
    country = country.str.replace(_SPACES, " ", regex=True)
    quirks.add("profiles without a country", PROFILE_FILE, int((country == "").sum()))
    codes, countries = pd.factorize(country.where(country != "", None), sort=True)
    signup = pd.to_datetime(table["signup"].str.strip(), format="%b %d, %Y", errors="coerce", utc=True)
    seconds = ((signup - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(seconds=1)).to_numpy(
        dtype="float64", na_value=np.nan)
    unknown.gender[at] = gender
    unknown.age[at] = np.where(plausible, age, -1).astype(np.int16)
    unknown.country[at] = codes.astype(np.int16)
    unknown.signup[at] = np.where(np.isfinite(seconds), seconds, -1).astype(np.int64)
    return Profiles(unknown.gender, unknown.age, unknown.country, unknown.signup, np.asarray(countries, dtype=object))

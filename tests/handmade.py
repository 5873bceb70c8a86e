"""Write tiny hand-made datasets in the HetRec format, for hand-worked expectations."""
from __future__ import annotations

from pathlib import Path


def write_dataset(directory: Path, artists, tags, plays, taggings=(), friends=()) -> Path:
    directory.mkdir(parents=True, exist_ok=True)

    def dump(name, header, rows):
        lines = ["\t".join(header)] + ["\t".join(str(x) for x in row) for row in rows]
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    dump("artists.dat", ("id", "name", "url", "pictureURL"), [(i, n, f"http://x/{i}", "") for i, n in artists])
    dump("tags.dat", ("tagID", "tagValue"), tags)
    dump("user_artists.dat", ("userID", "artistID", "weight"), plays)
    dump("user_taggedartists.dat", ("userID", "artistID", "tagID", "day", "month", "year"),
         [(u, a, t, 1, 5, 2009) for u, a, t in taggings])
    dump("user_friends.dat", ("userID", "friendID"), friends)
    return directory


# -- Last.fm-360K ----------------------------------------------------------------------------------
#: listener SHA-1s: the first two share the prefix "3a8" (ambiguous), "3a8f" names the first alone
U1, U2 = "3a8f" + "1" * 36, "3a8e" + "2" * 36
U3, U4, U9 = "b" + "3" * 39, "c" + "4" * 39, "d" + "9" * 39
RADIOHEAD, BJORK = "a74b1b7f-71a5-4011-9441-d0b5e4122711", "87c5dedd-371d-4a53-9f7f-80522fb7f3cb"
NIRVANA_US, NIRVANA_UK = "5b11f4ce-a62d-471e-81fc-a69a8278c7da", "9282c8b4-ca0b-4c6b-b7e3-4f7762dfc4d6"

#: every quirk the reader handles, once (see engine.data.lastfm360k), and what it should make of it
QUIRKY_PLAYS = [
    f"{U1}\t{RADIOHEAD}\tRadiohead\t500".encode(),
    f"{U1}\t{BJORK}\tBjörk\t300".encode(),
    f"{U1}\t\tSigur Rós\t200".encode(),  # no MBID: identified by its name
    f"{U2}\t{RADIOHEAD}\tradiohead\t100".encode(),  # another spelling of an MBID
    f"{U2}\t\tBjörk\t50".encode(),  # no MBID, but the name has one: joined to it
    f"{U2}\t\tsigur  rós\t70".encode(),  # the same name-only artist, spelled otherwise
    f"{U2}\t{RADIOHEAD}\tRadiohead\tlots".encode(),  # plays not a number: dropped
    f"{U3}\t{NIRVANA_US}\tNirvana\t40".encode(),
    f"{U3}\t{NIRVANA_UK}\tNirvana\t30".encode(),  # one name, two MBIDs: two artists
    f"{U3}\t{RADIOHEAD}\tRadio\thead\t10".encode(),  # a stray tab in the name
    f"{U3}\t\tMogwai\x07\t60".encode(),  # a control character in the name
    f"{U4}\t{BJORK}\tBj\xf6rk\t25".encode("latin-1"),  # not UTF-8
    f"{U4}\t{RADIOHEAD}\tRadiohead\t0".encode(),  # plays of 0: dropped
    f"{U4}\t\tMogwai\t5000000".encode(),  # absurdly many plays: clipped
    f"{U1}\t{RADIOHEAD}\tRadiohead\t500".encode(),  # a duplicate row: summed
    f"{U4}\t\tSigur Rós\t12".encode(),
]
QUIRKY_LAST_LINE = f"{U4}\t\tMog".encode()  # cut short, no newline
QUIRKY_PROFILES = [
    f"{U1}\tm\t25\tUnited Kingdom\tFeb 1, 2007",
    f"{U2}\tf\t150\t\tMar 3, 2008",  # an impossible age, no country
    f"{U3}\t\t3\tSweden\tJan 1, 2006",  # too young to be true
    f"{U9}\tm\t30\tPoland\tJan 1, 2006",  # no plays: not a listener here
]
#: (listener, artist name) -> plays, once the quirks are handled
QUIRKY_EXPECTED = {
    (U1, "Radiohead"): 1000, (U1, "Björk"): 300, (U1, "Sigur Rós"): 200,
    (U2, "Radiohead"): 100, (U2, "Björk"): 50, (U2, "Sigur Rós"): 70,
    (U3, "Nirvana"): 70, (U3, "Radiohead"): 10, (U3, "Mogwai"): 60,  # two Nirvanas: 40 and 30
    (U4, "Björk"): 25, (U4, "Mogwai"): 1_000_000, (U4, "Sigur Rós"): 12,
}


def write_lastfm360k(directory: Path, plays=QUIRKY_PLAYS, last_line: bytes = QUIRKY_LAST_LINE,
                     profiles=QUIRKY_PROFILES) -> Path:
    """The two files of the Last.fm-360K archive, by default with every quirk once."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "usersha1-artmbid-artname-plays.tsv").write_bytes(b"\n".join(plays) + b"\n" + last_line)
    if profiles is not None:
        (directory / "usersha1-profile.tsv").write_text("\n".join(profiles) + "\n", encoding="utf-8")
    return directory


def tar_gz_of(directory: Path, prefix: str = "lastfm-dataset-360K/", extra: dict[str, bytes] | None = None) -> bytes:
    """The files of `directory` as a tar.gz in the official archive's layout (one folder)."""
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path in sorted(directory.iterdir()):
            archive.add(path, prefix + path.name)
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(prefix + name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def filler_plays(listeners: int = 40, artists: int = 16) -> list[bytes]:
    """Plain rows (MBID, name, plays) beside the quirky ones, so that the models have enough to
    train on: listener i plays 8 of the artists, in two taste groups."""
    rows = []
    for i in range(listeners):
        user = f"{i:02x}".ljust(40, "f")
        group = i % 2
        for j in range(8):
            a = (group * artists // 2 + (i + j) % (artists // 2))
            mbid = f"{a:08x}-0000-4000-8000-000000000000"
            rows.append(f"{user}\t{mbid}\tFiller Artist {a}\t{10 + 7 * ((i * j) % 11)}".encode())
    return rows
